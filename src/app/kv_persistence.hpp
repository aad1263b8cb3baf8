#pragma once
/// Keeps the embedded key-value store (carts, sessions, rate limits) across
/// restarts of a shop that runs without Redis: Restore() at start reads the
/// last snapshot; while serving, a snapshot is written every `interval` and
/// once more at Stop(). A damaged snapshot is moved aside (`.damaged`) with
/// a warning and the shop starts with an empty store rather than not at all.

#include "platform/core/periodic_task.hpp"
#include "platform/kv/embedded_kv.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>

namespace shop::app {

class KvPersistence {
 public:
  KvPersistence(platform::kv::EmbeddedKv& kv, std::filesystem::path path, std::chrono::seconds interval);
  KvPersistence(const KvPersistence&) = delete;
  KvPersistence& operator=(const KvPersistence&) = delete;

  /// Loads the snapshot into the store; returns the entries restored.
  std::size_t Restore();
  /// Starts the periodic snapshots.
  void Start() { task_.Start(); }
  /// Stops them and writes the final snapshot (call once requests are done).
  void Stop();

 private:
  void Save();

  platform::kv::EmbeddedKv& kv_;
  std::filesystem::path path_;
  platform::PeriodicTask task_;  // last: its thread uses the members above
};

}  // namespace shop::app
