#pragma once
// A real identity service on a fresh database of one backend, with a manual
// clock and helpers to look at what the service wrote.

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <vector>

#include "identity_service.hpp"
#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/events/envelope.hpp"
#include "platform/events/outbox.hpp"
#include "platform/ids/ids.hpp"
#include "support/test_database.hpp"

namespace shop::identity::testing {

struct StoredEvent {
  platform::events::Envelope envelope;
  boost::json::object payload;
};

class IdentityFixture {
 public:
  // First member: the id generator and outbox below hold a reference to it.
  platform::ManualClock clock;

  explicit IdentityFixture(shop::testing::TestDatabase& database,
                           platform::config::IdentityConfig config = platform::config::IdentityConfig{})
      : db_(database.Open()), ids_(clock), outbox_(clock, ids_), config_(config) {
    shop::testing::ApplyMigrations(*db_, {"platform", "identity"});
    service_ =
        std::make_unique<IdentityServiceImpl>(IdentityServiceDeps{*db_, outbox_, clock, ids_, config_});
  }

  IdentityServiceImpl& service() { return *service_; }
  platform::db::Db& db() { return *db_; }
  platform::events::Outbox& outbox() { return outbox_; }
  platform::IdGenerator& ids() { return ids_; }

  /// A second service on the same database with other settings.
  std::unique_ptr<IdentityServiceImpl> ServiceWith(const platform::config::IdentityConfig& config) {
    other_configs_.push_back(std::make_unique<platform::config::IdentityConfig>(config));
    return std::make_unique<IdentityServiceImpl>(
        IdentityServiceDeps{*db_, outbox_, clock, ids_, *other_configs_.back()});
  }

  std::int64_t Count(const std::string& sql_text) {
    return db_->WithSession([&](soci::session& sql) {
      std::int64_t n = 0;
      sql << sql_text, soci::into(n);
      return n;
    });
  }

  /// Every event in the outbox of `type` ("" = all), oldest first.
  std::vector<StoredEvent> Events(const std::string& type = "") {
    return db_->WithSession([&](soci::session& sql) {
      std::vector<StoredEvent> out;
      platform::events::Envelope e;
      soci::statement st =
          (sql.prepare
               << "SELECT id, type, occurred_at_ms, aggregate_type, aggregate_id, aggregate_seq, payload"
                  " FROM events_outbox ORDER BY occurred_at_ms, aggregate_seq, id",
           soci::into(e.id), soci::into(e.type), soci::into(e.occurred_at_ms), soci::into(e.aggregate_type),
           soci::into(e.aggregate_id), soci::into(e.aggregate_seq), soci::into(e.payload));
      st.execute();
      while (st.fetch()) {
        if (!type.empty() && e.type != type) continue;
        out.push_back({e, boost::json::parse(e.payload).as_object()});
      }
      return out;
    });
  }

  /// The raw token of the newest event of `type` (reset or verification).
  std::string LastToken(const std::string& type) {
    auto events = Events(type);
    if (events.empty()) return {};
    return std::string(events.back().payload.at("token").as_string());
  }

  std::string PasswordHashOf(const std::string& user_id) {
    return db_->WithSession([&](soci::session& sql) {
      std::string hash;
      sql << "SELECT password_hash FROM identity_users WHERE id = :id", soci::use(user_id), soci::into(hash);
      return hash;
    });
  }

 private:
  std::unique_ptr<platform::db::Db> db_;
  platform::RandomIdGenerator ids_;
  platform::events::Outbox outbox_;
  platform::config::IdentityConfig config_;
  std::vector<std::unique_ptr<platform::config::IdentityConfig>> other_configs_;
  std::unique_ptr<IdentityServiceImpl> service_;
};

inline constexpr const char* kRegistered = "identity.user_registered.v1";
inline constexpr const char* kResetRequested = "identity.password_reset_requested.v1";
inline constexpr const char* kVerificationRequested = "identity.email_verification_requested.v1";
inline constexpr const char* kPasswordChanged = "identity.password_changed.v1";
inline constexpr const char* kRoleChanged = "identity.role_changed.v1";

}  // namespace shop::identity::testing
