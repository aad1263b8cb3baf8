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
