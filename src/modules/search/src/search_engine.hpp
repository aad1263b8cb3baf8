#pragma once
// SearchService on the product index: validates the request, maps it onto a
// platform/search Query (filters, price range, sort, bands, cursor offset)
// and the results back onto SearchPage with facet labels.

#include "platform/core/lru_cache.hpp"
#include "platform/search/index.hpp"
#include "shop/search/search.hpp"
#include "taxonomy.hpp"

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

namespace shop::search {

/// Field errors of `request` (limit, prices, text length); empty when valid.
std::vector<FieldError> ValidateRequest(const SearchRequest& request);

class SearchEngine final : public SearchService {
 public:
  /// Keeps the index's answers to the last `cached_results` distinct queries
  /// (0: none). An answer is reused only while the index is at the revision
  /// it was computed at, so any commit or swap makes every entry stale: the
  /// cache never serves a result the index would not give now. Shoppers
  /// repeat queries a lot (the same few words, paging, facet clicks), and a
  /// hit skips the Xapian match and the facet pass over every match.
  explicit SearchEngine(const TaxonomyCache& taxonomy, std::size_t cached_results = 0)
      : taxonomy_(taxonomy), results_(cached_results) {}

  /// Serves from `index` once set; kUnavailable before, or while `building`.
  /// (Revisions are per index, so attaching another one forgets every cached answer.)
  void Attach(platform::search::Index* index) {
    index_.store(index, std::memory_order_release);
    results_.Clear();
  }
  void SetBuilding(bool building) { building_.store(building, std::memory_order_release); }

  Result<SearchPage> Search(const SearchRequest& request) override;

 private:
  struct CachedResults {
    const platform::search::Index* index = nullptr;
    std::uint64_t revision = 0;
    std::shared_ptr<const platform::search::Results> results;
  };
  std::shared_ptr<const platform::search::Results> Run(platform::search::Index& index,
                                                       const platform::search::Query& query);

  const TaxonomyCache& taxonomy_;
  platform::LruCache<CachedResults> results_;
  std::atomic<platform::search::Index*> index_{nullptr};
  std::atomic<bool> building_{false};
};

}  // namespace shop::search
