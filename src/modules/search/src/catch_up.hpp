#pragma once
// The catch-up poller. The relay hands each event to one instance only, so
// an instance that did not receive a product's event learns of the change
// here: every interval it asks the catalog what changed since its watermark
// (minus an overlap, for transactions that commit late with an older
// timestamp) and syncs each product whose version it has not written yet.
// The watermark is kept in the index, so a restart resumes where it stopped.

#include "indexer.hpp"
#include "platform/search/index.hpp"
#include "shop/catalog/catalog.hpp"
#include "taxonomy.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace shop::search {

class CatchUp {
 public:
  CatchUp(platform::search::Index& index, Indexer& indexer, catalog::CatalogService& catalog,
          TaxonomyCache& taxonomy, std::chrono::milliseconds interval, std::chrono::milliseconds overlap);
  ~CatchUp();  ///< Stop()
  CatchUp(const CatchUp&) = delete;
  CatchUp& operator=(const CatchUp&) = delete;

  void Start();
  void Stop();

  /// One poll; returns the number of products synced. Throws on catalog or
  /// index failures (the loop logs them and tries again next interval).
  std::size_t RunOnce();

  /// Polls from `since_ms` again next time, if that is earlier (after a swap).
  void Rewind(std::int64_t since_ms);
  std::int64_t watermark() const;

 private:
  void Loop();

  platform::search::Index& index_;
  Indexer& indexer_;
  catalog::CatalogService& catalog_;
  TaxonomyCache& taxonomy_;
  const std::chrono::milliseconds interval_;
  const std::int64_t overlap_ms_;

  mutable std::mutex mutex_;
  std::int64_t since_ms_ = 0;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::mutex run_mutex_;  // one poll at a time
  std::thread thread_;
};

}  // namespace shop::search
