#include "app/maintenance.hpp"

#include "platform/events/inbox.hpp"
#include "platform/log/log.hpp"

namespace shop::app {

Maintenance::Maintenance(platform::db::Db& db, const platform::Clock& clock, std::chrono::hours inbox_retention,
                         std::chrono::milliseconds interval)
    : db_(db),
      clock_(clock),
      inbox_retention_(inbox_retention),
      // A failed pass is retried at the next interval; nothing depends on it.
      task_("maintenance", "inbox prune", interval, [this] {
        if (std::int64_t pruned = RunOnce(); pruned > 0) {
          platform::log::Get("maintenance")->info("pruned {} inbox entries", pruned);
        }
      }) {}

std::int64_t Maintenance::RunOnce() {
  const std::int64_t before =
      clock_.NowMs() - std::chrono::duration_cast<std::chrono::milliseconds>(inbox_retention_).count();
  return platform::events::Inbox::Prune(db_, before);
}

}  // namespace shop::app
