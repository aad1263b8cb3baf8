#include <doctest/doctest.h>

#include "platform/core/lru_cache.hpp"

using shop::platform::LruCache;

TEST_CASE("LruCache: bounded, least recently used dropped first, replace in place") {
  LruCache<int> cache(2);
  cache.Put("a", 1);
  cache.Put("b", 2);
  CHECK(cache.Find("a") == 1);  // a is now the most recent
  cache.Put("c", 3);            // evicts b
  CHECK_FALSE(cache.Find("b").has_value());
  CHECK(cache.Find("a") == 1);
  CHECK(cache.Find("c") == 3);
  cache.Put("a", 10);
  CHECK(cache.size() == 2);
  CHECK(cache.Find("a") == 10);
  cache.Clear();
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.Find("a").has_value());
}

TEST_CASE("LruCache: capacity 0 stores nothing") {
  LruCache<int> cache(0);
  cache.Put("a", 1);
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.Find("a").has_value());
}

TEST_CASE("LruCache: EraseIf removes the matching entries and keeps the order of the rest") {
  LruCache<int> cache(4);
  cache.Put("a", 1);
  cache.Put("b", 2);
  cache.Put("c", 3);
  CHECK(cache.EraseIf([](const std::string&, int v) { return v % 2 == 1; }) == 2);
  CHECK(cache.size() == 1);
  CHECK_FALSE(cache.Find("a").has_value());
  CHECK(cache.Find("b") == 2);
  CHECK(cache.EraseIf([](const std::string& k, int) { return k == "zzz"; }) == 0);
  // Erased keys can be stored again, and the capacity still holds.
  for (const char* k : {"a", "c", "d", "e"}) cache.Put(k, 9);
  CHECK(cache.size() == 4);
  CHECK_FALSE(cache.Find("b").has_value());  // least recently used, evicted
}
