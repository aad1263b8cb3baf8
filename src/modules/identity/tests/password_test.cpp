#include <doctest/doctest.h>

#include <chrono>
#include <regex>
#include <string>

#include "identity_fixture.hpp"
#include "password.hpp"

using shop::ErrorCode;
using shop::identity::PasswordHasher;
using shop::identity::ValidatePasswordLength;
using shop::identity::testing::IdentityFixture;

namespace {

struct Argon2Params {
  long m = 0, t = 0, p = 0;
};

Argon2Params Parse(const std::string& hash) {
  static const std::regex kForm(
      R"(^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$)");
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_match(hash, m, kForm), hash);
  return {std::stol(m[1]), std::stol(m[2]), std::stol(m[3])};
}

bool RefusedAsPassword(const shop::Error& e) {
  return e.code == ErrorCode::kInvalidInput && e.fields.size() == 1 && e.fields[0].field == "password";
}

}  // namespace

TEST_CASE("password length is bounded to 8..1024 bytes") {
  CHECK(RefusedAsPassword(ValidatePasswordLength(std::string(7, 'x')).error()));
  CHECK(ValidatePasswordLength(std::string(8, 'x')).has_value());
  CHECK(ValidatePasswordLength(std::string(1024, 'x')).has_value());
  CHECK(RefusedAsPassword(ValidatePasswordLength(std::string(1025, 'x')).error()));
}

TEST_CASE("the hasher refuses a cost below the minimum") {
  CHECK_THROWS_AS(PasswordHasher(1, 19456), std::invalid_argument);
  CHECK_THROWS_AS(PasswordHasher(2, 19455), std::invalid_argument);
}

TEST_CASE("argon2id hashes carry at least m=19456 KiB and t=2, verify, and know when to rehash") {
  PasswordHasher hasher(2, 19456);
  const std::string hash = hasher.Hash("correct horse battery");
  const Argon2Params p = Parse(hash);
  CHECK(p.m >= 19456);
  CHECK(p.t >= 2);
  CHECK(hasher.Verify(hash, "correct horse battery"));
  CHECK_FALSE(hasher.Verify(hash, "correct horse batterY"));
  CHECK_FALSE(hasher.Verify("not a hash", "correct horse battery"));
  CHECK_FALSE(hasher.NeedsRehash(hash));
  CHECK(hasher.Hash("correct horse battery") != hash);  // salted
  PasswordHasher stronger(3, 19456);
  CHECK(stronger.NeedsRehash(hash));
  CHECK(stronger.Verify(hash, "correct horse battery"));  // old hashes keep working
  CHECK(Parse(hasher.DummyHash()).m == 19456);
}

TEST_CASE("out-of-bounds passwords are refused before any hashing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    const std::string huge(1024 * 1024, 'x');

    auto timed = [](auto&& fn) {
      const auto start = std::chrono::steady_clock::now();
      auto result = fn();
      const auto took = std::chrono::steady_clock::now() - start;
      // One argon2id hash at the minimum cost takes far longer than this.
      CHECK(took < std::chrono::milliseconds(50));
      return result;
    };
    auto reg = timed([&] { return s.Register("ana@example.com", huge, "Ana"); });
    REQUIRE(reg.has_error());
    CHECK(RefusedAsPassword(reg.error()));
    reg = timed([&] { return s.Register("ana@example.com", "1234567", "Ana"); });
    REQUIRE(reg.has_error());
    CHECK(RefusedAsPassword(reg.error()));
    reg = timed([&] { return s.Register("ana@example.com", std::string(1025, 'x'), "Ana"); });
    REQUIRE(reg.has_error());
    CHECK(RefusedAsPassword(reg.error()));
    CHECK(f.Count("SELECT COUNT(*) FROM identity_users") == 0);

    auto user = s.Register("ana@example.com", "correct horse battery", "Ana");
    REQUIRE(user.has_value());
    auto login = timed([&] { return s.Authenticate("ana@example.com", huge); });
    REQUIRE(login.has_error());
    CHECK(login.error().code == ErrorCode::kUnauthenticated);
    auto change = timed([&] { return s.ChangePassword(user->id, "correct horse battery", huge); });
    REQUIRE(change.has_error());
    CHECK(RefusedAsPassword(change.error()));
    auto reset = timed([&] { return s.ResetPassword("whatever", huge); });
    REQUIRE(reset.has_error());
    CHECK(RefusedAsPassword(reset.error()));
  });
}

TEST_CASE("signing in re-hashes a password when the configured cost has risen") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto user = f.service().Register("ana@example.com", "correct horse battery", "Ana");
    REQUIRE(user.has_value());
    const std::string old_hash = f.PasswordHashOf(user->id.value);
    CHECK(Parse(old_hash).t == 2);

    // Same cost: nothing changes.
    REQUIRE(f.service().Authenticate("ana@example.com", "correct horse battery").has_value());
    CHECK(f.PasswordHashOf(user->id.value) == old_hash);

    shop::platform::config::IdentityConfig stronger;
    stronger.argon2_ops = 3;
    auto upgraded = f.ServiceWith(stronger);
    // A wrong password never rewrites the hash.
    REQUIRE(upgraded->Authenticate("ana@example.com", "wrong password").has_error());
    CHECK(f.PasswordHashOf(user->id.value) == old_hash);

    REQUIRE(upgraded->Authenticate("ana@example.com", "correct horse battery").has_value());
    const std::string new_hash = f.PasswordHashOf(user->id.value);
    CHECK(new_hash != old_hash);
    CHECK(Parse(new_hash).t == 3);
    CHECK(upgraded->Authenticate("ana@example.com", "correct horse battery").has_value());
  });
}
