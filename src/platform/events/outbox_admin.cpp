#include "platform/events/outbox_admin.hpp"

#include <algorithm>

#include "platform/events/outbox_store.hpp"

namespace shop::platform::events {
namespace {

constexpr int kMaxPage = 1000;

}  // namespace

OutboxAdmin::OutboxAdmin(db::Db& db, const Clock& clock, std::function<void()> on_redrive)
    : db_(db), clock_(clock), on_redrive_(std::move(on_redrive)) {}

OutboxStats OutboxAdmin::Stats() const {
  store::Counts counts = db_.WithSession([](soci::session& sql) { return store::Count(sql); });
  OutboxStats stats;
  stats.pending = counts.pending;
  stats.dead_letters = counts.dead_letters;
  if (counts.oldest_occurred_at_ms) {
    stats.oldest_pending_age_ms = std::max<std::int64_t>(0, clock_.NowMs() - *counts.oldest_occurred_at_ms);
  }
  return stats;
}

DeadLetterPage OutboxAdmin::ListDeadLetters(int limit, std::string_view cursor) const {
  limit = std::clamp(limit, 1, kMaxPage);
  DeadLetterPage page;
  page.items =
      db_.WithSession([&](soci::session& sql) { return store::ListDeadLetters(sql, cursor, limit); });
  if (static_cast<int>(page.items.size()) == limit) page.next_cursor = page.items.back().envelope.id;
  return page;
}

bool OutboxAdmin::Redrive(std::string_view id) {
  return db_.InTransaction([&](db::Tx& tx) {
    bool found = store::Redrive(tx, id, clock_.NowMs());
    if (found && on_redrive_) tx.AfterCommit(on_redrive_);
    return found;
  });
}

std::int64_t OutboxAdmin::RedriveAll() {
  return db_.InTransaction([&](db::Tx& tx) {
    std::int64_t count = 0;
    const std::int64_t now = clock_.NowMs();
    for (const std::string& id : store::DeadLetterIds(tx)) count += store::Redrive(tx, id, now) ? 1 : 0;
    if (count > 0 && on_redrive_) tx.AfterCommit(on_redrive_);
    return count;
  });
}

}  // namespace shop::platform::events
