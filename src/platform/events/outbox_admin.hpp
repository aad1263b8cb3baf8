#pragma once
/// Operator view of the outbox (DESIGN §3, §2 metrics): backlog size and
/// age, dead letters, and redrive. Used by /admin, /metrics and
/// `shopd outbox …`.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/clock/clock.hpp"
#include "platform/db/db.hpp"
#include "platform/events/envelope.hpp"

namespace shop::platform::events {

struct OutboxStats {
  std::int64_t pending = 0;                ///< Events not yet delivered (including retrying).
  std::int64_t oldest_pending_age_ms = 0;  ///< Now minus the oldest pending event's time; 0 if none.
  std::int64_t dead_letters = 0;
};

struct DeadLetterPage {
  std::vector<DeadLetter> items;  ///< Ordered by event id (creation time).
  std::string next_cursor;        ///< Pass back for the next page; empty at the end.
};

/// Thread-safe. Every method throws DbError when the database fails.
class OutboxAdmin {
 public:
  /// `on_redrive` runs after a redrive commits; pass one that wakes the relay.
  OutboxAdmin(db::Db& db, const Clock& clock, std::function<void()> on_redrive = {});

  OutboxStats Stats() const;

  /// Up to `limit` (1–1000) dead letters after `cursor` (empty: from the start).
  DeadLetterPage ListDeadLetters(int limit, std::string_view cursor = {}) const;

  /// Moves one dead letter back to the outbox with attempts 0, due now.
  /// Returns false when there is no dead letter with that id. The event keeps
  /// its aggregate sequence, so it goes out before any later event of its
  /// aggregate still pending.
  bool Redrive(std::string_view id);

  /// Redrives every dead letter in one transaction; returns how many.
  std::int64_t RedriveAll();

 private:
  db::Db& db_;
  const Clock& clock_;
  std::function<void()> on_redrive_;
};

}  // namespace shop::platform::events
