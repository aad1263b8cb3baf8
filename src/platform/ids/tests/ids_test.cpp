#include "platform/ids/ids.hpp"

#include <doctest/doctest.h>

#include <set>

using shop::platform::ManualClock;
using shop::platform::RandomIdGenerator;

TEST_CASE("UUIDv7 ids are well-formed, carry their time and increase within a millisecond") {
  ManualClock clock(1'700'000'000'123);
  RandomIdGenerator ids(clock);
  std::string prev;
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) {  // more than the 12-bit counter: must spill over cleanly
    std::string id = ids.NewId();
    CHECK(shop::platform::LooksLikeUuid(id));
    CHECK(id[14] == '7');
    CHECK((id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b'));
    CHECK(id > prev);
    prev = id;
    seen.insert(id);
  }
  CHECK(seen.size() == 5000);
  CHECK(shop::platform::UuidV7Millis(ids.NewId()) >= 1'700'000'000'123);
}

TEST_CASE("ids made later sort after ids made earlier") {
  ManualClock clock;
  RandomIdGenerator ids(clock);
  std::string a = ids.NewId();
  clock.Advance(std::chrono::milliseconds(1));
  std::string b = ids.NewId();
  CHECK(a < b);
  CHECK(shop::platform::UuidV7Millis(b) - shop::platform::UuidV7Millis(a) >= 1);
}

TEST_CASE("tokens are url-safe, of the asked length and unique") {
  ManualClock clock;
  RandomIdGenerator ids(clock);
  std::string t = ids.NewToken(32);
  CHECK(t.size() == 43);  // 32 bytes in unpadded base64
  CHECK(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  CHECK(ids.NewToken(32) != t);
}

TEST_CASE("LooksLikeUuid refuses near misses") {
  CHECK_FALSE(shop::platform::LooksLikeUuid(""));
  CHECK_FALSE(shop::platform::LooksLikeUuid("0190f0d2-7c3a-7b2e-8f00-00000000000"));
  CHECK_FALSE(shop::platform::LooksLikeUuid("0190f0d2x7c3a-7b2e-8f00-000000000000"));
  CHECK_FALSE(shop::platform::LooksLikeUuid("0190f0d2-7c3a-7b2e-8f00-00000000000g"));
  CHECK(shop::platform::LooksLikeUuid("0190f0d2-7c3a-7b2e-8f00-000000000000"));
  CHECK(shop::platform::UuidV7Millis("0190f0d2-7c3a-4b2e-8f00-000000000000") == 0);
}
