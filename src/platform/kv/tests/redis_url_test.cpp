#include "platform/kv/redis_url.hpp"
#include "platform/kv/kv.hpp"

#include <doctest/doctest.h>

using shop::platform::kv::KvError;
using shop::platform::kv::ParseRedisUrl;

TEST_CASE("redis url: host, port and db") {
  auto ep = ParseRedisUrl("redis://cache");
  CHECK(ep.host == "cache");
  CHECK(ep.port == 6379);
  CHECK(ep.db == 0);
  CHECK(ep.password.empty());

  ep = ParseRedisUrl("redis://127.0.0.1:56379/3");
  CHECK(ep.host == "127.0.0.1");
  CHECK(ep.port == 56379);
  CHECK(ep.db == 3);
  CHECK(ep.Describe() == "127.0.0.1:56379");

  ep = ParseRedisUrl("redis://[::1]:6380/");
  CHECK(ep.host == "::1");
  CHECK(ep.port == 6380);
  CHECK(ep.Describe() == "[::1]:6380");
}

TEST_CASE("redis url: credentials") {
  auto ep = ParseRedisUrl("redis://:s3cret@cache:6379/1");
  CHECK(ep.username.empty());
  CHECK(ep.password == "s3cret");
  CHECK(ep.db == 1);

  ep = ParseRedisUrl("redis://shop:p%40ss%3Aw0rd@cache");
  CHECK(ep.username == "shop");
  CHECK(ep.password == "p@ss:w0rd");

  ep = ParseRedisUrl("redis://justapassword@cache");
  CHECK(ep.password == "justapassword");
}

TEST_CASE("redis url: malformed ones throw KvError without echoing the password") {
  for (const char* bad :
       {"", "http://cache", "rediss://cache", "redis://", "redis://:pw@", "redis://cache:", "redis://cache:0",
        "redis://cache:70000", "redis://cache:abc", "redis://cache/x", "redis://cache/-1",
        "redis://cache?timeout=1", "redis://[::1", "redis://[::1]x", "redis://:bad%zzescape@cache"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(ParseRedisUrl(bad), KvError);
  }
  try {
    ParseRedisUrl("redis://:topsecret@cache:99999");
  } catch (const KvError& e) {
    CHECK(std::string(e.what()).find("topsecret") == std::string::npos);
  }
}
