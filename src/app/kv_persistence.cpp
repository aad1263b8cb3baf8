#include "app/kv_persistence.hpp"

#include "platform/kv/kv_snapshot.hpp"
#include "platform/log/log.hpp"

namespace shop::app {

KvPersistence::KvPersistence(platform::kv::EmbeddedKv& kv, std::filesystem::path path, std::chrono::seconds interval)
    : kv_(kv),
      path_(std::move(path)),
      // A failed write is logged by the task and tried again next time; the
      // previous snapshot stays in place meanwhile.
      task_("kv", "snapshot", interval, [this] { Save(); }) {}

std::size_t KvPersistence::Restore() {
  auto logger = platform::log::Get("kv");
  try {
    const std::size_t restored = platform::kv::LoadSnapshot(kv_, path_);
    if (restored > 0) logger->info("restored {} key-value entries from {}", restored, path_.string());
    return restored;
  } catch (const platform::kv::KvError& e) {
    std::error_code ec;
    std::filesystem::rename(path_, path_.string() + ".damaged", ec);
    logger->warn("{}; starting with an empty key-value store (file kept as {}.damaged)", e.what(),
                 path_.string());
    return 0;
  }
}

void KvPersistence::Save() { platform::kv::SaveSnapshot(kv_, path_); }

void KvPersistence::Stop() {
  task_.Stop();
  try {
    const std::size_t saved = platform::kv::SaveSnapshot(kv_, path_);
    platform::log::Get("kv")->info("saved {} key-value entries to {}", saved, path_.string());
  } catch (const platform::kv::KvError& e) {
    platform::log::Get("kv")->error("final key-value snapshot failed: {}", e.what());
  }
}

}  // namespace shop::app
