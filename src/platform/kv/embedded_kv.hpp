#pragma once
/// The embedded KvStore (see kv.hpp for the contract). Exposed as a class,
/// beyond MakeEmbeddedKv, for EntryCount() and for snapshots
/// (kv_snapshot.hpp), which keep its contents across restarts.

#include "platform/kv/kv.hpp"

#include <array>
#include <cstddef>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace shop::platform::kv {

class EmbeddedKv final : public KvStore {
 public:
  /// `clock` must outlive the store.
  explicit EmbeddedKv(const Clock& clock);

  std::optional<std::string> Get(std::string_view key) override;
  void Set(std::string_view key, std::string_view value, std::optional<Millis> ttl) override;
  bool SetIfAbsent(std::string_view key, std::string_view value, std::optional<Millis> ttl) override;
  std::int64_t Increment(std::string_view key, std::int64_t delta,
                         std::optional<Millis> ttl_if_created) override;
  bool Delete(std::string_view key) override;
  bool CompareAndSet(std::string_view key, const std::optional<std::string>& expected,
                     std::string_view desired, std::optional<Millis> ttl) override;
  std::optional<Millis> TimeToLive(std::string_view key) override;
  bool Ping() override;

  /// Entries held, including expired ones not yet swept (for metrics and
  /// for tests of the sweep). Locks each shard in turn.
  std::size_t EntryCount();

  /// Calls `fn` for every live entry (expires_at_ms 0: never), one shard
  /// at a time under its lock: writes to other shards go on meanwhile, so
  /// the result is consistent per key, not across keys.
  void ForEachLive(const std::function<void(std::string_view key, std::string_view value,
                                            std::int64_t expires_at_ms)>& fn);
  /// Stores an entry as a snapshot recorded it; one already expired is
  /// skipped. Returns whether it was stored.
  bool Restore(std::string_view key, std::string_view value, std::int64_t expires_at_ms);

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  struct Entry {
    std::string value;
    std::int64_t expires_at_ms = 0;  // 0: never
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> map;
    std::size_t sweep_bucket = 0;
  };
  static constexpr std::size_t kShardCount = 16;

  Shard& ShardFor(std::string_view key);
  static Entry* FindLive(Shard& shard, std::string_view key, std::int64_t now);
  static void Put(Shard& shard, std::string_view key, std::string_view value, std::int64_t expires_at_ms);
  static void Sweep(Shard& shard, std::int64_t now);

  const Clock& clock_;
  std::array<Shard, kShardCount> shards_;
};

}  // namespace shop::platform::kv
