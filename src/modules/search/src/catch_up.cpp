#include "catch_up.hpp"

#include "platform/log/log.hpp"
#include "product_index.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace shop::search {

namespace {

constexpr int kPageSize = 500;
// Bounds one poll after a long outage; the next poll continues.
constexpr int kMaxPagesPerPoll = 40;

std::int64_t ParseMs(const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : 0;
}

}  // namespace

CatchUp::CatchUp(platform::search::Index& index, Indexer& indexer, catalog::CatalogService& catalog,
                 TaxonomyCache& taxonomy, std::chrono::milliseconds interval, std::chrono::milliseconds overlap)
    : index_(index),
      indexer_(indexer),
      catalog_(catalog),
      taxonomy_(taxonomy),
      interval_(interval),
      overlap_ms_(overlap.count()) {
  // Resume from the stored watermark; a fresh generation has none and
  // starts from when its build began.
  std::int64_t since = ParseMs(index_.Metadata(kCatchUpKey));
  if (since == 0) since = ParseMs(index_.Metadata(platform::search::Index::kBuiltFromKey)) - overlap_ms_;
  since_ms_ = std::max<std::int64_t>(since, 0);
}

CatchUp::~CatchUp() { Stop(); }

void CatchUp::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void CatchUp::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CatchUp::Rewind(std::int64_t since_ms) {
  std::lock_guard lock(mutex_);
  since_ms_ = std::max<std::int64_t>(0, std::min(since_ms_, since_ms));
}

std::int64_t CatchUp::watermark() const {
  std::lock_guard lock(mutex_);
  return since_ms_;
}

std::size_t CatchUp::RunOnce() {
  std::lock_guard run(run_mutex_);
  taxonomy_.Refresh();
  std::int64_t since = watermark();
  const std::int64_t start = since;
  std::int64_t newest = -1;
  std::size_t synced = 0;
  for (int page = 0; page < kMaxPagesPerPoll; ++page) {
    const auto stamps = catalog_.ChangedSince(since, kPageSize);
    for (const auto& stamp : stamps) {
      newest = std::max(newest, stamp.updated_at_ms);
      if (indexer_.AppliedVersion(stamp.id.value) >= stamp.version) continue;
      indexer_.SyncProduct(stamp.id.value);
      ++synced;
    }
    if (static_cast<int>(stamps.size()) < kPageSize) break;
    // A full page: continue after it. Stamps of the same millisecond on both
    // sides of the cut are read twice and skipped by version.
    since = std::max(stamps.back().updated_at_ms, since + 1);
  }
  if (newest >= 0) {
    const std::int64_t next = std::max(start, newest - overlap_ms_);
    bool moved = false;
    {
      std::lock_guard lock(mutex_);
      // A Rewind() during this poll wins.
      if (since_ms_ == start && next != start) {
        since_ms_ = next;
        moved = true;
      }
    }
    if (moved) index_.SetMetadata(kCatchUpKey, std::to_string(next));
  }
  return synced;
}

void CatchUp::Loop() {
  auto log = platform::log::Get("search");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    try {
      if (std::size_t n = RunOnce(); n > 0) log->info("catch-up synced {} product(s)", n);
    } catch (const std::exception& e) {
      log->warn("catch-up poll failed: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace shop::search
