#include "platform/crypto/hmac.hpp"

#include <doctest/doctest.h>

namespace crypto = shop::platform::crypto;

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 1") {
  const std::string key(20, '\x0b');
  CHECK(crypto::HexEncode(crypto::HmacSha256(key, "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2") {
  CHECK(crypto::HexEncode(crypto::HmacSha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("HMAC-SHA256 accepts an empty key and message") {
  // Well-known value for HMAC_SHA256("", "").
  CHECK(crypto::HexEncode(crypto::HmacSha256("", "")) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  CHECK(crypto::HmacSha256("k", "m").size() == 32);
}

TEST_CASE("SHA-256 hex") {
  CHECK(crypto::Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(crypto::Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("hex encode and decode") {
  const std::string bytes("\x00\x01\x7f\x80\xff", 5);
  CHECK(crypto::HexEncode(bytes) == "00017f80ff");
  CHECK(crypto::HexDecode("00017f80ff") == bytes);
  CHECK(crypto::HexDecode("00017F80FF") == bytes);
  CHECK(crypto::HexDecode("") == std::string());
  CHECK_FALSE(crypto::HexDecode("abc").has_value());
  CHECK_FALSE(crypto::HexDecode("zz").has_value());
  CHECK_FALSE(crypto::HexDecode("0g").has_value());
}

TEST_CASE("constant-time equality") {
  CHECK(crypto::ConstantTimeEquals("", ""));
  CHECK(crypto::ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(crypto::ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(crypto::ConstantTimeEquals("abc", "ab"));
  CHECK_FALSE(crypto::ConstantTimeEquals("", "a"));
  CHECK_FALSE(crypto::ConstantTimeEquals("abc", "xbc"));
  CHECK(crypto::ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  CHECK_FALSE(crypto::ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}
