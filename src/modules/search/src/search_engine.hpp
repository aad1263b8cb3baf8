#pragma once
// SearchService on the product index: validates the request, maps it onto a
// platform/search Query (filters, price range, sort, bands, cursor offset)
// and the results back onto SearchPage with facet labels.

#include "platform/search/index.hpp"
#include "shop/search/search.hpp"
#include "taxonomy.hpp"

#include <atomic>
#include <string>

namespace shop::search {

/// Field errors of `request` (limit, prices, text length); empty when valid.
std::vector<FieldError> ValidateRequest(const SearchRequest& request);

class SearchEngine final : public SearchService {
 public:
  explicit SearchEngine(const TaxonomyCache& taxonomy) : taxonomy_(taxonomy) {}

  /// Serves from `index` once set; kUnavailable before, or while `building`.
  void Attach(platform::search::Index* index) { index_.store(index, std::memory_order_release); }
  void SetBuilding(bool building) { building_.store(building, std::memory_order_release); }

  Result<SearchPage> Search(const SearchRequest& request) override;

 private:
  const TaxonomyCache& taxonomy_;
  std::atomic<platform::search::Index*> index_{nullptr};
  std::atomic<bool> building_{false};
};

}  // namespace shop::search
