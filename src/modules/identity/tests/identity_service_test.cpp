#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "identity_fixture.hpp"
#include "platform/crypto/hmac.hpp"

using shop::ErrorCode;
using shop::identity::Role;
using shop::identity::UserId;
using namespace shop::identity::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kPassword = "correct horse battery";

}  // namespace

TEST_CASE("register creates one customer and publishes its events in the same transaction") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    CHECK(s.Empty());
    auto user = s.Register(" Ana@Example.com ", kPassword, "  Ana Lima ");
    REQUIRE(user.has_value());
    CHECK(user->email == "ana@example.com");
    CHECK(user->name == "Ana Lima");
    CHECK(user->role == Role::kCustomer);
    CHECK_FALSE(user->email_verified);
    CHECK(user->created_at_ms == f.clock.NowMs());
    CHECK_FALSE(s.Empty());

    auto registered = f.Events(kRegistered);
    REQUIRE(registered.size() == 1);
    CHECK(registered[0].envelope.aggregate_type == "user");
    CHECK(registered[0].envelope.aggregate_id == user->id.value);
    CHECK(registered[0].payload.at("user_id").as_string() == user->id.value);
    CHECK(registered[0].payload.at("email").as_string() == "ana@example.com");
    CHECK(registered[0].payload.at("name").as_string() == "Ana Lima");
    auto verify = f.Events(kVerificationRequested);
    REQUIRE(verify.size() == 1);
    CHECK(verify[0].payload.at("email").as_string() == "ana@example.com");

    // Only the hash of a token is stored.
    const std::string token = f.LastToken(kVerificationRequested);
    CHECK(token.size() >= 43);
    CHECK(f.Count("SELECT COUNT(*) FROM identity_tokens WHERE token_hash = '" +
                  shop::platform::crypto::Sha256Hex(token) + "'") == 1);
    CHECK(f.Count("SELECT COUNT(*) FROM identity_tokens WHERE token_hash = '" + token + "'") == 0);

    auto fetched = s.GetUser(user->id);
    REQUIRE(fetched.has_value());
    CHECK(fetched->email == "ana@example.com");
    CHECK(s.GetUser(UserId{"no-such-user"}).error().code == ErrorCode::kNotFound);
  });
}

TEST_CASE("a duplicate registration is a conflict and writes nothing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    REQUIRE(s.Register("ana@example.com", kPassword, "Ana").has_value());
    const auto events = f.Count("SELECT COUNT(*) FROM events_outbox");
    auto dup = s.Register("ANA@example.com", "other password", "Other");
    REQUIRE(dup.has_error());
    CHECK(dup.error().code == ErrorCode::kConflict);
    CHECK(f.Count("SELECT COUNT(*) FROM identity_users") == 1);
    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox") == events);
  });
}

TEST_CASE("registration validates every field at once and never grants a role") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto bad = s.Register("not-an-email", "short", "   ");
    REQUIRE(bad.has_error());
    CHECK(bad.error().code == ErrorCode::kInvalidInput);
    std::set<std::string> fields;
    for (const auto& e : bad.error().fields) fields.insert(e.field);
    CHECK(fields == std::set<std::string>{"email", "password", "name"});
    CHECK(s.Register("ana@example.com", kPassword, std::string(101, 'a')).has_error());
    CHECK(s.Register("ana@example.com", kPassword, "Ana\x01").has_error());
    CHECK(f.Count("SELECT COUNT(*) FROM identity_users") == 0);
    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox") == 0);

    // Register has no role parameter; what it makes is always a customer,
    // whatever the name or e-mail look like.
    auto user = s.Register("admin@example.com", kPassword, "admin");
    REQUIRE(user.has_value());
    CHECK(user->role == Role::kCustomer);
    CHECK(f.Count("SELECT COUNT(*) FROM identity_users WHERE role = 'customer'") == 1);
  });
}

TEST_CASE("a rolled-back registration leaves neither the user nor an event") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    // Breaks the last write of the registration transaction, after the user
    // row and the first event were written in it.
    f.db().InTransaction([](shop::platform::db::Tx& tx) {
      tx.sql() << "ALTER TABLE identity_tokens RENAME TO identity_tokens_away";
    });
    CHECK_THROWS(f.service().Register("ana@example.com", kPassword, "Ana"));
    CHECK(f.Count("SELECT COUNT(*) FROM identity_users") == 0);
    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox") == 0);
    f.db().InTransaction([](shop::platform::db::Tx& tx) {
      tx.sql() << "ALTER TABLE identity_tokens_away RENAME TO identity_tokens";
    });
    REQUIRE(f.service().Register("ana@example.com", kPassword, "Ana").has_value());
    CHECK(f.Events(kRegistered).size() == 1);
  });
}

TEST_CASE("an unknown e-mail and a wrong password give the same error") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    REQUIRE(s.Register("ana@example.com", kPassword, "Ana").has_value());
    auto wrong = s.Authenticate("ana@example.com", "wrong password");
    auto unknown = s.Authenticate("bob@example.com", kPassword);
    auto malformed = s.Authenticate("bob", kPassword);
    REQUIRE(wrong.has_error());
    REQUIRE(unknown.has_error());
    REQUIRE(malformed.has_error());
    CHECK(wrong.error().code == ErrorCode::kUnauthenticated);
    CHECK(unknown.error().code == wrong.error().code);
    CHECK(unknown.error().detail == wrong.error().detail);
    CHECK(unknown.error().fields.empty());
    CHECK(malformed.error().code == wrong.error().code);
    CHECK(malformed.error().detail == wrong.error().detail);
    auto ok = s.Authenticate("ANA@example.com", kPassword);
    REQUIRE(ok.has_value());
    CHECK(ok->email == "ana@example.com");
  });
}

TEST_CASE("a password reset goes to the stored address, works once and expires") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto user = s.Register("ana@example.com", kPassword, "Ana");
    REQUIRE(user.has_value());

    // Unknown e-mail: success, nothing sent.
    REQUIRE(s.RequestPasswordReset("nobody@example.com").has_value());
    CHECK(f.Events(kResetRequested).empty());
    CHECK(s.RequestPasswordReset("nonsense").error().code == ErrorCode::kInvalidInput);

    REQUIRE(s.RequestPasswordReset("  ANA@EXAMPLE.COM ").has_value());
    auto resets = f.Events(kResetRequested);
    REQUIRE(resets.size() == 1);
    CHECK(resets[0].payload.at("email").as_string() == "ana@example.com");
    CHECK(resets[0].payload.at("user_id").as_string() == user->id.value);
    CHECK(resets[0].payload.at("name").as_string() == "Ana");
    CHECK(resets[0].payload.at("expires_at_ms").to_number<std::int64_t>() == f.clock.NowMs() + 30 * 60'000);
    const std::string token = f.LastToken(kResetRequested);

    CHECK(s.ResetPassword("forged-token", "brand new password").error().code == ErrorCode::kUnauthenticated);
    auto reset = s.ResetPassword(token, "brand new password");
    REQUIRE(reset.has_value());
    CHECK(reset->id == user->id);
    CHECK(reset->email_verified);
    CHECK(reset->credential_epoch == 1);
    CHECK(s.GetUser(user->id)->credential_epoch == 1);
    CHECK(f.Events(kPasswordChanged).size() == 1);
    CHECK(s.Authenticate("ana@example.com", "brand new password").has_value());
    CHECK(s.Authenticate("ana@example.com", kPassword).has_error());

    // Single use.
    auto again = s.ResetPassword(token, "third password!");
    REQUIRE(again.has_error());
    CHECK(again.error().code == ErrorCode::kUnauthenticated);
    CHECK(s.Authenticate("ana@example.com", "brand new password").has_value());

    // Expiry.
    REQUIRE(s.RequestPasswordReset("ana@example.com").has_value());
    const std::string late = f.LastToken(kResetRequested);
    f.clock.Advance(30min);
    auto expired = s.ResetPassword(late, "third password!");
    REQUIRE(expired.has_error());
    CHECK(expired.error().code == ErrorCode::kUnauthenticated);
    CHECK(s.Authenticate("ana@example.com", "brand new password").has_value());
  });
}

TEST_CASE("a new reset token invalidates the older unused one") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    REQUIRE(s.Register("ana@example.com", kPassword, "Ana").has_value());
    REQUIRE(s.RequestPasswordReset("ana@example.com").has_value());
    const std::string first = f.LastToken(kResetRequested);
    f.clock.Advance(1min);
    REQUIRE(s.RequestPasswordReset("ana@example.com").has_value());
    const std::string second = f.LastToken(kResetRequested);
    CHECK(first != second);
    CHECK(s.ResetPassword(first, "brand new password").error().code == ErrorCode::kUnauthenticated);
    CHECK(s.ResetPassword(second, "brand new password").has_value());
  });
}

TEST_CASE("a reset token mailed before an e-mail change is void") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto user = s.Register("ana@example.com", kPassword, "Ana");
    REQUIRE(user.has_value());
    REQUIRE(s.RequestPasswordReset("ana@example.com").has_value());
    const std::string token = f.LastToken(kResetRequested);
    REQUIRE(s.UpdateProfile(user->id, std::nullopt, std::string("ana@new.example.org")).has_value());
    CHECK(s.ResetPassword(token, "brand new password").error().code == ErrorCode::kUnauthenticated);
    CHECK(s.Authenticate("ana@new.example.org", kPassword).has_value());
  });
}

TEST_CASE("e-mail verification: single use, expiry, re-request, and profile changes") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto user = s.Register("ana@example.com", kPassword, "Ana");
    REQUIRE(user.has_value());
    const std::string first = f.LastToken(kVerificationRequested);

    // A fresh request makes the first link useless; expiry after 48 h.
    REQUIRE(s.RequestEmailVerification(user->id).has_value());
    const std::string second = f.LastToken(kVerificationRequested);
    CHECK(s.VerifyEmail(first).error().code == ErrorCode::kUnauthenticated);
    f.clock.Advance(48h);
    CHECK(s.VerifyEmail(second).error().code == ErrorCode::kUnauthenticated);
    CHECK_FALSE(s.GetUser(user->id)->email_verified);

    REQUIRE(s.RequestEmailVerification(user->id).has_value());
    const std::string third = f.LastToken(kVerificationRequested);
    auto verified = s.VerifyEmail(third);
    REQUIRE(verified.has_value());
    CHECK(verified->email_verified);
    CHECK(s.GetUser(user->id)->email_verified);
    CHECK(s.VerifyEmail(third).error().code == ErrorCode::kUnauthenticated);

    // Verified already: nothing more is sent.
    const auto sent = f.Events(kVerificationRequested).size();
    REQUIRE(s.RequestEmailVerification(user->id).has_value());
    CHECK(f.Events(kVerificationRequested).size() == sent);
    CHECK(s.RequestEmailVerification(UserId{"missing"}).error().code == ErrorCode::kNotFound);

    // Changing the name keeps the address verified; a new address is not.
    auto renamed = s.UpdateProfile(user->id, std::string(" Ana L. "), std::nullopt);
    REQUIRE(renamed.has_value());
    CHECK(renamed->name == "Ana L.");
    CHECK(renamed->email_verified);
    CHECK(f.Events(kVerificationRequested).size() == sent);
    auto moved = s.UpdateProfile(user->id, std::nullopt, std::string("Ana@Other.example"));
    REQUIRE(moved.has_value());
    CHECK(moved->email == "ana@other.example");
    CHECK_FALSE(moved->email_verified);
    auto mails = f.Events(kVerificationRequested);
    REQUIRE(mails.size() == sent + 1);
    CHECK(mails.back().payload.at("email").as_string() == "ana@other.example");
    CHECK(s.VerifyEmail(f.LastToken(kVerificationRequested))->email_verified);
  });
}

TEST_CASE("profile updates: conflicts and bad input change nothing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto ana = s.Register("ana@example.com", kPassword, "Ana");
    auto bob = s.Register("bob@example.com", kPassword, "Bob");
    REQUIRE(ana.has_value());
    REQUIRE(bob.has_value());
    const auto events = f.Count("SELECT COUNT(*) FROM events_outbox");
    CHECK(s.UpdateProfile(bob->id, std::string("Bobby"), std::string("ANA@example.com")).error().code ==
          ErrorCode::kConflict);
    CHECK(s.UpdateProfile(bob->id, std::string(""), std::nullopt).error().code == ErrorCode::kInvalidInput);
    CHECK(s.UpdateProfile(UserId{"missing"}, std::string("X"), std::nullopt).error().code ==
          ErrorCode::kNotFound);
    CHECK(s.GetUser(bob->id)->name == "Bob");
    CHECK(s.GetUser(bob->id)->email == "bob@example.com");
    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox") == events);
  });
}

TEST_CASE("changing the password needs the current one") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto user = s.Register("ana@example.com", kPassword, "Ana");
    REQUIRE(user.has_value());
    CHECK(s.ChangePassword(user->id, "wrong password", "brand new password").error().code ==
          ErrorCode::kUnauthenticated);
    CHECK(s.ChangePassword(user->id, kPassword, "short").error().code == ErrorCode::kInvalidInput);
    CHECK(f.Events(kPasswordChanged).empty());
    CHECK(s.GetUser(user->id)->credential_epoch == 0);  // failed attempts leave sessions alone
    auto updated = s.ChangePassword(user->id, kPassword, "brand new password");
    REQUIRE(updated.has_value());
    // The new epoch voids every session and token made under the old one.
    CHECK(updated->credential_epoch == 1);
    CHECK(s.GetUser(user->id)->credential_epoch == 1);
    auto changed = f.Events(kPasswordChanged);
    REQUIRE(changed.size() == 1);
    CHECK(changed[0].payload.at("user_id").as_string() == user->id.value);
    CHECK(s.Authenticate("ana@example.com", "brand new password").has_value());
    CHECK(s.Authenticate("ana@example.com", kPassword).has_error());
  });
}

TEST_CASE("only an admin sets roles, and no admin demotes themself") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto admin = s.EnsureUser("root@example.com", kPassword, "Root", Role::kAdmin);
    auto staff = s.EnsureUser("staff@example.com", kPassword, "Staff", Role::kStaff);
    auto ana = s.Register("ana@example.com", kPassword, "Ana");
    REQUIRE(admin.has_value());
    REQUIRE(staff.has_value());
    REQUIRE(ana.has_value());
    CHECK(admin->role == Role::kAdmin);
    CHECK(admin->email_verified);
    const auto role_events = f.Events(kRoleChanged).size();

    CHECK(s.SetRole(ana->id, ana->id, Role::kAdmin).error().code == ErrorCode::kForbidden);
    CHECK(s.SetRole(staff->id, ana->id, Role::kStaff).error().code == ErrorCode::kForbidden);
    CHECK(s.SetRole(UserId{"missing"}, ana->id, Role::kStaff).error().code == ErrorCode::kForbidden);
    CHECK(s.SetRole(admin->id, admin->id, Role::kCustomer).error().code == ErrorCode::kForbidden);
    CHECK(s.SetRole(admin->id, UserId{"missing"}, Role::kStaff).error().code == ErrorCode::kNotFound);
    CHECK(s.GetUser(ana->id)->role == Role::kCustomer);
    CHECK(s.GetUser(admin->id)->role == Role::kAdmin);
    CHECK(f.Events(kRoleChanged).size() == role_events);

    auto promoted = s.SetRole(admin->id, ana->id, Role::kStaff);
    REQUIRE(promoted.has_value());
    CHECK(promoted->role == Role::kStaff);
    CHECK(s.GetUser(ana->id)->role == Role::kStaff);
    auto events = f.Events(kRoleChanged);
    REQUIRE(events.size() == role_events + 1);
    CHECK(events.back().payload.at("user_id").as_string() == ana->id.value);
    CHECK(events.back().payload.at("role").as_string() == "staff");
    CHECK(events.back().payload.at("actor").as_string() == admin->id.value);

    // EnsureUser on an existing account sets role and password.
    auto again = s.EnsureUser("ANA@example.com", "admin password!", "ignored", Role::kAdmin);
    REQUIRE(again.has_value());
    CHECK(again->id == ana->id);
    CHECK(again->role == Role::kAdmin);
    CHECK(s.Authenticate("ana@example.com", "admin password!").has_value());
    CHECK(f.Count("SELECT COUNT(*) FROM identity_users") == 3);
  });
}

TEST_CASE("staff listing: search by e-mail or name in any case, newest first, cursor pages") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    std::vector<UserId> ids;
    const char* names[] = {"Ana Lima", "Bob Stone", "Carla 100% Real", "Dan_Under", "Eve Lima"};
    int i = 0;
    for (const char* name : names) {
      auto u = s.EnsureUser("user" + std::to_string(i++) + "@example.com", kPassword, name, Role::kCustomer);
      REQUIRE(u.has_value());
      ids.push_back(u->id);
      f.clock.Advance(1s);
    }
    auto all = s.ListUsers("", 2, "");
    REQUIRE(all.has_value());
    REQUIRE(all->items.size() == 2);
    CHECK(all->items[0].id == ids[4]);
    CHECK(all->items[1].id == ids[3]);
    REQUIRE(all->next_cursor.has_value());
    auto page2 = s.ListUsers("", 2, *all->next_cursor);
    REQUIRE(page2.has_value());
    REQUIRE(page2->items.size() == 2);
    CHECK(page2->items[0].id == ids[2]);
    CHECK(page2->items[1].id == ids[1]);
    auto page3 = s.ListUsers("", 2, *page2->next_cursor);
    REQUIRE(page3.has_value());
    REQUIRE(page3->items.size() == 1);
    CHECK(page3->items[0].id == ids[0]);
    CHECK_FALSE(page3->next_cursor.has_value());

    auto lima = s.ListUsers("LIMA", 10, "");
    REQUIRE(lima.has_value());
    REQUIRE(lima->items.size() == 2);
    CHECK(lima->items[0].id == ids[4]);
    CHECK(s.ListUsers("USER3@", 10, "")->items.size() == 1);
    // LIKE wildcards in the query match only themselves.
    CHECK(s.ListUsers("%", 10, "")->items.size() == 1);
    CHECK(s.ListUsers("_", 10, "")->items.size() == 1);
    CHECK(s.ListUsers("!", 10, "")->items.empty());
    CHECK(s.ListUsers("nobody", 10, "")->items.empty());

    CHECK(s.ListUsers("", 10, "garbage!!").error().code == ErrorCode::kInvalidInput);
    CHECK(s.ListUsers("", 0, "")->items.size() == 5);
  });
}

TEST_CASE("several users registered in one millisecond still page without gaps") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    std::set<std::string> expected;
    for (int i = 0; i < 5; ++i) {
      auto u = s.EnsureUser("same" + std::to_string(i) + "@example.com", kPassword, "Same", Role::kCustomer);
      REQUIRE(u.has_value());
      expected.insert(u->id.value);
    }
    std::set<std::string> seen;
    std::string cursor;
    for (int guard = 0; guard < 10; ++guard) {
      auto page = s.ListUsers("same", 2, cursor);
      REQUIRE(page.has_value());
      for (const auto& u : page->items) CHECK(seen.insert(u.id.value).second);
      if (!page->next_cursor) break;
      cursor = *page->next_cursor;
    }
    CHECK(seen == expected);
  });
}

TEST_CASE("a reset token raced by several requests is consumed exactly once") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    REQUIRE(s.Register("ana@example.com", kPassword, "Ana").has_value());
    REQUIRE(s.RequestPasswordReset("ana@example.com").has_value());
    const std::string token = f.LastToken(kResetRequested);
    std::atomic<int> successes{0};
    std::atomic<int> refusals{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) {
      threads.emplace_back([&, i] {
        auto r = s.ResetPassword(token, "racing password " + std::to_string(i));
        if (r.has_value()) {
          ++successes;
        } else if (r.error().code == ErrorCode::kUnauthenticated) {
          ++refusals;
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(successes == 1);
    CHECK(refusals == 2);
    CHECK(f.Events(kPasswordChanged).size() == 1);
  });
}
