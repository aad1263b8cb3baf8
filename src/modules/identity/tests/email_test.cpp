#include <doctest/doctest.h>

#include <string>

#include "shop/identity/email.hpp"
#include "identity_fixture.hpp"

using shop::ErrorCode;
using shop::identity::NormalizeEmail;
using shop::identity::testing::IdentityFixture;
using shop::identity::testing::kResetRequested;

namespace {

bool RefusedAsEmail(std::string_view raw) {
  auto r = NormalizeEmail(raw);
  return r.has_error() && r.error().code == ErrorCode::kInvalidInput && r.error().fields.size() == 1 &&
         r.error().fields[0].field == "email";
}

}  // namespace

TEST_CASE("e-mail addresses are trimmed, lower-cased and NFC-normalised") {
  CHECK(NormalizeEmail("  Ana.Maria@Example.COM \t\r\n").value() == "ana.maria@example.com");
  CHECK(NormalizeEmail("o'neil+shop@mail.example.co.uk").value() == "o'neil+shop@mail.example.co.uk");
  // KELVIN SIGN (U+212A) is canonically 'K': NFC turns it into ASCII, then lower case.
  CHECK(NormalizeEmail("\xE2\x84\xAA"
                       "ate@example.com")
            .value() == "kate@example.com");
}

TEST_CASE("lookalike characters that stay non-ASCII are refused") {
  CHECK(RefusedAsEmail("\xC4\xB1nfo@example.com"));  // dotless ı (U+0131)
  CHECK(
      RefusedAsEmail("info\xEF\xBC\xA0"
                     "example.com"));                 // fullwidth ＠ (U+FF20)
  CHECK(RefusedAsEmail("info@ex\xD0\xB0mple.com"));   // Cyrillic а (U+0430)
  CHECK(RefusedAsEmail("caf\xC3\xA9@example.com"));   // é, even though it is a real letter
  CHECK(RefusedAsEmail("cafe\xCC\x81@example.com"));  // e + combining acute → é after NFC
}

TEST_CASE("malformed addresses are refused with the field named") {
  for (const char* raw : {"",
                          "   ",
                          "plain",
                          "@example.com",
                          "ana@",
                          "ana@@example.com",
                          "a@b@example.com",
                          "ana@localhost",
                          "ana@-example.com",
                          "ana@example-.com",
                          "ana@exa_mple.com",
                          "ana@example..com",
                          ".ana@example.com",
                          "ana.@example.com",
                          "an..a@example.com",
                          "an a@example.com",
                          "ana@exam ple.com",
                          "<ana>@example.com",
                          "ana@example.com\r\nBcc: x@y.z",
                          "\"ana\"@example.com",
                          "ana@.example.com",
                          "ana@example.com."}) {
    CAPTURE(raw);
    CHECK(RefusedAsEmail(raw));
  }
  CHECK(RefusedAsEmail(std::string(65, 'a') + "@example.com"));
  CHECK(NormalizeEmail(std::string(64, 'a') + "@example.com").has_value());
  std::string long_domain;
  for (int i = 0; i < 4; ++i) long_domain += std::string(60, 'd') + ".";
  long_domain += "com";                                        // 247 bytes of domain
  CHECK(RefusedAsEmail("abcdefgh@" + long_domain));            // 256 bytes in all
  CHECK(NormalizeEmail("abcdef@" + long_domain).has_value());  // 254 bytes
  CHECK(RefusedAsEmail(std::string(100000, 'a') + "@example.com"));
}

TEST_CASE("malformed UTF-8 is refused") {
  CHECK(RefusedAsEmail("ana\xFF@example.com"));
  CHECK(RefusedAsEmail("ana\xC3@example.com"));                 // truncated sequence
  CHECK(RefusedAsEmail("ana\xC0\xAF@example.com"));             // overlong '/'
  CHECK(RefusedAsEmail("ana\xED\xA0\x80@example.com"));         // UTF-16 surrogate
  CHECK(RefusedAsEmail(std::string("ana\0@example.com", 16)));  // NUL
}

TEST_CASE("lookalike addresses cannot sign in to, reset or take over the ASCII account") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto ascii = s.Register("info@example.com", "correct horse battery", "Info");
    REQUIRE(ascii.has_value());
    const std::int64_t events_before = f.Count("SELECT COUNT(*) FROM events_outbox");

    for (const char* lookalike : {"\xC4\xB1nfo@example.com",
                                  "info\xEF\xBC\xA0"
                                  "example.com",
                                  "\xD1\x96nfo@example.com" /* Cyrillic і */}) {
      CAPTURE(lookalike);
      auto login = s.Authenticate(lookalike, "correct horse battery");
      REQUIRE(login.has_error());
      CHECK(login.error().code == ErrorCode::kUnauthenticated);
      auto reset = s.RequestPasswordReset(lookalike);
      REQUIRE(reset.has_error());
      CHECK(reset.error().code == ErrorCode::kInvalidInput);
      auto reg = s.Register(lookalike, "another password", "Mallory");
      REQUIRE(reg.has_error());
      CHECK(reg.error().code == ErrorCode::kInvalidInput);
      auto update = s.UpdateProfile(ascii->id, std::nullopt, std::string(lookalike));
      CHECK(update.has_error());
    }
    CHECK(f.Count("SELECT COUNT(*) FROM identity_users") == 1);
    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox") == events_before);

    // The Kelvin sign names the same account, so it can neither register a
    // second one nor send the reset anywhere but the stored address.
    const std::string kelvin_case = "INFO@EXAMPLE.COM";
    auto dup = s.Register(kelvin_case, "another password", "Mallory");
    REQUIRE(dup.has_error());
    CHECK(dup.error().code == ErrorCode::kConflict);
    auto login = s.Authenticate("  Info@Example.com ", "correct horse battery");
    REQUIRE(login.has_value());
    CHECK(login->id == ascii->id);
  });
}

TEST_CASE("the Kelvin sign reaches the same account as the ASCII address") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto user = s.Register("kate@example.com", "correct horse battery", "Kate");
    REQUIRE(user.has_value());
    const std::string kelvin =
        "\xE2\x84\xAA"
        "ate@example.com";
    auto dup = s.Register(kelvin, "another password", "Mallory");
    REQUIRE(dup.has_error());
    CHECK(dup.error().code == ErrorCode::kConflict);
    auto login = s.Authenticate(kelvin, "correct horse battery");
    REQUIRE(login.has_value());
    CHECK(login->id == user->id);
    REQUIRE(s.RequestPasswordReset(kelvin).has_value());
    auto resets = f.Events(kResetRequested);
    REQUIRE(resets.size() == 1);
    CHECK(resets[0].payload.at("email").as_string() == "kate@example.com");
  });
}
