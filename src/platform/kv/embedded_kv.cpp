#include "platform/kv/embedded_kv.hpp"

#include "platform/kv/ttl.hpp"

#include <charconv>
#include <limits>

namespace shop::platform::kv {
namespace {

// Buckets inspected per write. A full pass over a shard takes bucket_count /
// kSweepBucketsPerWrite writes, during which at most as many keys can be
// added, so dead keys stay a bounded fraction of the live ones.
constexpr std::size_t kSweepBucketsPerWrite = 8;

template <class E>
bool Expired(const E& e, std::int64_t now_ms) {
  return e.expires_at_ms != 0 && e.expires_at_ms <= now_ms;
}

std::int64_t ExpiryFor(std::optional<KvStore::Millis> ttl, std::int64_t now_ms) {
  if (!ttl) return 0;
  std::int64_t at = 0;
  // A TTL of "practically forever" (Millis::max()) must not wrap into the past.
  if (__builtin_add_overflow(now_ms, static_cast<std::int64_t>(ttl->count()), &at)) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return at;
}

}  // namespace

EmbeddedKv::EmbeddedKv(const Clock& clock) : clock_(clock) {}

std::optional<std::string> EmbeddedKv::Get(std::string_view key) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  const Entry* e = FindLive(shard, key, clock_.NowMs());
  if (e == nullptr) return std::nullopt;
  return e->value;
}

void EmbeddedKv::Set(std::string_view key, std::string_view value, std::optional<Millis> ttl) {
  RequireValidTtl(ttl);
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  const std::int64_t now = clock_.NowMs();
  Sweep(shard, now);
  Put(shard, key, value, ExpiryFor(ttl, now));
}

bool EmbeddedKv::SetIfAbsent(std::string_view key, std::string_view value, std::optional<Millis> ttl) {
  RequireValidTtl(ttl);
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  const std::int64_t now = clock_.NowMs();
  Sweep(shard, now);
  if (FindLive(shard, key, now) != nullptr) return false;
  Put(shard, key, value, ExpiryFor(ttl, now));
  return true;
}

std::int64_t EmbeddedKv::Increment(std::string_view key, std::int64_t delta,
                                   std::optional<Millis> ttl_if_created) {
  RequireValidTtl(ttl_if_created);
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  const std::int64_t now = clock_.NowMs();
  Sweep(shard, now);
  Entry* e = FindLive(shard, key, now);
  if (e == nullptr) {
    Put(shard, key, std::to_string(delta), ExpiryFor(ttl_if_created, now));
    return delta;
  }
  std::int64_t current = 0;
  const auto [end, ec] = std::from_chars(e->value.data(), e->value.data() + e->value.size(), current);
  if (e->value.empty() || ec != std::errc() || end != e->value.data() + e->value.size()) {
    throw KvError("kv: value is not an integer");
  }
  std::int64_t next = 0;
  if (__builtin_add_overflow(current, delta, &next)) {
    throw KvError("kv: increment would overflow");
  }
  e->value = std::to_string(next);  // the TTL is kept, as Redis INCRBY does
  return next;
}

bool EmbeddedKv::Delete(std::string_view key) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  const std::int64_t now = clock_.NowMs();
  Sweep(shard, now);
  auto it = shard.map.find(key);
  if (it == shard.map.end()) return false;
  const bool live = !Expired(it->second, now);
  shard.map.erase(it);
  return live;
}

bool EmbeddedKv::CompareAndSet(std::string_view key, const std::optional<std::string>& expected,
                               std::string_view desired, std::optional<Millis> ttl) {
  RequireValidTtl(ttl);
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  const std::int64_t now = clock_.NowMs();
  Sweep(shard, now);
  Entry* e = FindLive(shard, key, now);
  const bool matches = expected ? (e != nullptr && e->value == *expected) : e == nullptr;
  if (!matches) return false;
  Put(shard, key, desired, ExpiryFor(ttl, now));
  return true;
}

std::optional<KvStore::Millis> EmbeddedKv::TimeToLive(std::string_view key) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  const std::int64_t now = clock_.NowMs();
  const Entry* e = FindLive(shard, key, now);
  if (e == nullptr || e->expires_at_ms == 0) return std::nullopt;
  return Millis(e->expires_at_ms - now);
}

bool EmbeddedKv::Ping() { return true; }

EmbeddedKv::Shard& EmbeddedKv::ShardFor(std::string_view key) {
  // Shard by the high bits so the choice is independent of the bucket the
  // map picks from the same hash.
  const std::uint64_t h = StringHash{}(key)*0x9E3779B97F4A7C15ull;
  return shards_[h >> 60];
}

// The live entry, or nullptr; an expired entry found here is removed.
EmbeddedKv::Entry* EmbeddedKv::FindLive(Shard& shard, std::string_view key, std::int64_t now) {
  auto it = shard.map.find(key);
  if (it == shard.map.end()) return nullptr;
  if (Expired(it->second, now)) {
    shard.map.erase(it);
    return nullptr;
  }
  return &it->second;
}

void EmbeddedKv::Put(Shard& shard, std::string_view key, std::string_view value, std::int64_t expires_at_ms) {
  auto it = shard.map.find(key);
  if (it == shard.map.end()) {
    shard.map.emplace(std::string(key), Entry{std::string(value), expires_at_ms});
  } else {
    it->second.value.assign(value);
    it->second.expires_at_ms = expires_at_ms;
  }
}

void EmbeddedKv::Sweep(Shard& shard, std::int64_t now) {
  auto& map = shard.map;
  if (map.empty()) return;
  const std::size_t buckets = map.bucket_count();
  for (std::size_t i = 0; i < kSweepBucketsPerWrite; ++i) {
    const std::size_t bucket = shard.sweep_bucket++ % buckets;
    for (auto it = map.begin(bucket); it != map.end(bucket);) {
      const auto victim = it++;
      // erase() never rehashes and invalidates only the erased node, so
      // `it` stays valid.
      if (Expired(victim->second, now)) map.erase(map.find(victim->first));
    }
  }
}

std::size_t EmbeddedKv::EntryCount() {
  std::size_t total = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.map.size();
  }
  return total;
}

void EmbeddedKv::ForEachLive(
    const std::function<void(std::string_view, std::string_view, std::int64_t)>& fn) {
  const std::int64_t now = clock_.NowMs();
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [key, entry] : shard.map) {
      if (!Expired(entry, now)) fn(key, entry.value, entry.expires_at_ms);
    }
  }
}

bool EmbeddedKv::Restore(std::string_view key, std::string_view value, std::int64_t expires_at_ms) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  if (Expired(Entry{{}, expires_at_ms}, clock_.NowMs())) return false;
  Put(shard, key, value, expires_at_ms);
  return true;
}

std::unique_ptr<KvStore> MakeEmbeddedKv(const Clock& clock) { return std::make_unique<EmbeddedKv>(clock); }

}  // namespace shop::platform::kv
