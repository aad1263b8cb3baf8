#include "app/maintenance.hpp"

#include "platform/events/inbox.hpp"
#include "platform/log/log.hpp"

namespace shop::app {

Maintenance::Maintenance(platform::db::Db& db, const platform::Clock& clock, std::chrono::hours inbox_retention,
                         std::chrono::milliseconds interval)
    : db_(db),
      clock_(clock),
      inbox_retention_(inbox_retention),
      idempotency_(db, clock, platform::idempotency::kDefaultRetention, platform::idempotency::kDefaultLockTimeout),
      // A failed pass is retried at the next interval; nothing depends on it.
      task_("maintenance", "prune", interval, [this] {
        const Pruned pruned = RunOnce();
        if (pruned.inbox_entries > 0 || pruned.idempotency_keys > 0) {
          platform::log::Get("maintenance")->info("pruned {} inbox entries, {} idempotency keys",
                                                  pruned.inbox_entries, pruned.idempotency_keys);
        }
      }) {}

Maintenance::Pruned Maintenance::RunOnce() {
  const std::int64_t before =
      clock_.NowMs() - std::chrono::duration_cast<std::chrono::milliseconds>(inbox_retention_).count();
  Pruned out;
  out.inbox_entries = platform::events::Inbox::Prune(db_, before);
  out.idempotency_keys = idempotency_.Prune();
  return out;
}

}  // namespace shop::app
