#pragma once
/// Consumer-side deduplication (DESIGN §3): a subscriber records
/// (consumer, event id) in events_inbox in the same transaction as its
/// effect, so a redelivered event changes nothing.

#include <cstdint>
#include <string_view>

#include "platform/db/db.hpp"

namespace shop::platform::events {

class Inbox {
 public:
  /// Records that `consumer` handles `event_id` in `tx`. Returns true the
  /// first time, false when already recorded (the caller must then skip its
  /// effect). On PostgreSQL a concurrent first attempt makes this wait for
  /// that transaction's outcome. Throws DbError on database failure.
  static bool TryRecord(db::Tx& tx, std::string_view consumer, std::string_view event_id,
                        std::int64_t recorded_at_ms);
  /// As above, stamped with the system clock.
  static bool TryRecord(db::Tx& tx, std::string_view consumer, std::string_view event_id);

  /// Forgets entries recorded before `before_ms` and returns how many. Only
  /// safe for events that can no longer be redelivered (older than the
  /// longest possible retry window). Throws DbError.
  static std::int64_t Prune(db::Db& db, std::int64_t before_ms);
};

}  // namespace shop::platform::events
