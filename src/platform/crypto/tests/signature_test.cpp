#include "platform/crypto/signature.hpp"

#include "platform/crypto/hmac.hpp"

#include <doctest/doctest.h>

namespace crypto = shop::platform::crypto;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;
const std::string kBody = R"({"id":"evt_1","type":"payment_intent.succeeded"})";
const std::vector<std::string> kSecrets = {"whsec_current"};

// The detail of a refusal, or "" when the payload verified.
std::string Verify(std::string_view header, std::string_view body = kBody,
                   const std::vector<std::string>& secrets = kSecrets, std::int64_t now = kNow) {
  auto r = crypto::VerifySignedPayload(header, body, secrets, now);
  if (r.has_value()) return "";
  CHECK(r.error().code == shop::ErrorCode::kInvalidInput);
  return r.error().detail;
}

std::string V1(std::string_view secret, std::int64_t t, std::string_view body) {
  return crypto::HexEncode(crypto::HmacSha256(secret, std::to_string(t) + "." + std::string(body)));
}

}  // namespace

TEST_CASE("a signed payload verifies") {
  const std::string header = crypto::SignPayload("whsec_current", kNow, kBody);
  CHECK(header == "t=1700000000,v1=" + V1("whsec_current", kNow, kBody));
  CHECK(Verify(header) == "");
  CHECK(Verify(header, kBody, kSecrets, kNow + 300) == "");
  CHECK(Verify(header, kBody, kSecrets, kNow - 300) == "");
  CHECK(Verify(crypto::SignPayload("s", kNow, ""), "", {"s"}) == "");
}

TEST_CASE("one flipped byte in the body or the signature is refused") {
  const std::string header = crypto::SignPayload("whsec_current", kNow, kBody);
  std::string body = kBody;
  body[10] ^= 0x01;
  CHECK(Verify(header, body) == "no signature matches");
  CHECK(Verify(header, kBody + " ") == "no signature matches");

  std::string forged = header;
  forged.back() = forged.back() == '0' ? '1' : '0';
  CHECK(Verify(forged) == "no signature matches");

  std::string truncated = header.substr(0, header.size() - 2);
  CHECK(Verify(truncated) == "no signature matches");
  CHECK(Verify(header, kBody, {"whsec_other"}) == "no signature matches");
}

TEST_CASE("a stale timestamp is refused") {
  const std::string header = crypto::SignPayload("whsec_current", kNow - 301, kBody);
  CHECK(Verify(header) == "signature timestamp too old");
  CHECK(crypto::VerifySignedPayload(header, kBody, kSecrets, kNow, 600).has_value());
}

TEST_CASE("a timestamp too far in the future is refused") {
  CHECK(Verify(crypto::SignPayload("whsec_current", kNow + 301, kBody)) ==
        "signature timestamp in the future");
  const std::int64_t far = 9'000'000'000'000'000'000;
  CHECK(Verify(crypto::SignPayload("whsec_current", far, kBody), kBody, kSecrets,
               -9'000'000'000'000'000'000) == "signature timestamp in the future");
}

TEST_CASE("secret rotation: any secret against any v1") {
  const std::vector<std::string> both = {"whsec_new", "whsec_old"};
  CHECK(Verify(crypto::SignPayload("whsec_old", kNow, kBody), kBody, both) == "");
  CHECK(Verify(crypto::SignPayload("whsec_new", kNow, kBody), kBody, both) == "");
  // A sender in the middle of rotating signs with both.
  const std::string dual = "t=" + std::to_string(kNow) + ",v1=" + V1("whsec_unknown", kNow, kBody) +
                           ",v1=" + V1("whsec_old", kNow, kBody);
  CHECK(Verify(dual, kBody, both) == "");
  CHECK(Verify(dual, kBody, {"whsec_new"}) == "no signature matches");
  CHECK(Verify(dual, kBody, {}) == "no signing secret configured");
}

TEST_CASE("unknown keys and spaces in the header are tolerated") {
  const std::string v1 = V1("whsec_current", kNow, kBody);
  CHECK(Verify("v0=deadbeef,t=" + std::to_string(kNow) + ",v1=" + v1 + ",scheme=x") == "");
  CHECK(Verify("t=" + std::to_string(kNow) + ", v1=" + v1) == "");
  CHECK(Verify("t=" + std::to_string(kNow) + ",v1=nothex,v1=" + v1) == "");
}

TEST_CASE("missing or garbled headers are refused with the reason") {
  const std::string t = "t=" + std::to_string(kNow);
  const std::string v1 = "v1=" + V1("whsec_current", kNow, kBody);
  CHECK(Verify("") == "missing signature header");
  CHECK(Verify("   ") == "missing signature header");
  CHECK(Verify("garbage") == "malformed signature header");
  CHECK(Verify(t + ",," + v1) == "malformed signature header");
  CHECK(Verify(t + "," + v1 + ",") == "malformed signature header");
  CHECK(Verify("=5," + v1) == "malformed signature header");
  CHECK(Verify(v1) == "signature header has no timestamp");
  CHECK(Verify(t + "," + t + "," + v1) == "signature header has more than one timestamp");
  CHECK(Verify("t=12ab," + v1) == "malformed signature timestamp");
  CHECK(Verify("t=," + v1) == "malformed signature timestamp");
  CHECK(Verify("t=-5," + v1) == "malformed signature timestamp");
  CHECK(Verify("t=99999999999999999999," + v1) == "malformed signature timestamp");
  CHECK(Verify(t) == "signature header has no v1 signature");
  CHECK(Verify(t + ",v0=" + V1("whsec_current", kNow, kBody)) == "signature header has no v1 signature");
  std::string many = t;
  for (int i = 0; i < 17; ++i) many += "," + v1;
  CHECK(Verify(many) == "malformed signature header");
  CHECK(Verify(t + "," + v1 + "," + std::string(5000, 'x') + "=1") == "malformed signature header");
}
