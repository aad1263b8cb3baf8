#include "platform/events/inbox.hpp"

#include <chrono>
#include <string>

#include "platform/db/prepared.hpp"

namespace shop::platform::events {
namespace {

constexpr const char* kRecord =
    "INSERT INTO events_inbox (consumer, event_id, recorded_at_ms)"
    " VALUES (:consumer, :event_id, :recorded_at_ms)"
    " ON CONFLICT (consumer, event_id) DO NOTHING"
    // A row comes back only when inserted: one round trip, no prepared statement.
    " RETURNING event_id";
constexpr const char* kPrune = "DELETE FROM events_inbox WHERE recorded_at_ms < :before";

}  // namespace

bool Inbox::TryRecord(db::Tx& tx, std::string_view consumer, std::string_view event_id, std::int64_t recorded_at_ms) {
  std::string consumer_value(consumer), event_value(event_id), inserted;
  soci::indicator inserted_ind = soci::i_null;
  return db::Exec(tx.sql(), kRecord, soci::use(consumer_value), soci::use(event_value), soci::use(recorded_at_ms),
                  soci::into(inserted, inserted_ind));
}

bool Inbox::TryRecord(db::Tx& tx, std::string_view consumer, std::string_view event_id) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return TryRecord(tx, consumer, event_id, now);
}

std::int64_t Inbox::Prune(db::Db& db, std::int64_t before_ms) {
  return db.InTransaction([&](db::Tx& tx) {
    soci::statement st = (tx.sql().prepare << kPrune, soci::use(before_ms));
    st.execute(true);
    return static_cast<std::int64_t>(st.get_affected_rows());
  });
}

}  // namespace shop::platform::events
