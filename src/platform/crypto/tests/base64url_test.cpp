#include "platform/crypto/base64url.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using shop::platform::crypto::Base64UrlDecode;
using shop::platform::crypto::Base64UrlEncode;

TEST_CASE("base64url round-trips bytes without padding") {
  CHECK(Base64UrlEncode("") == "");
  CHECK(Base64UrlEncode("f") == "Zg");
  CHECK(Base64UrlEncode("\xfb\xff") == "-_8");
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "o12.00ff", std::string("\0\x01\xfe", 3)}) {
    CHECK(Base64UrlDecode(Base64UrlEncode(s)) == std::optional<std::string>(s));
  }
}

TEST_CASE("base64url refuses what is not canonical unpadded base64url") {
  CHECK_FALSE(Base64UrlDecode("Zg==").has_value());  // padding
  CHECK_FALSE(Base64UrlDecode("Z+8/").has_value());  // the standard alphabet
  CHECK_FALSE(Base64UrlDecode("Zh").has_value());    // stray trailing bits
  CHECK_FALSE(Base64UrlDecode("Z").has_value());     // impossible length
  CHECK_FALSE(Base64UrlDecode("Zg g").has_value());
}
