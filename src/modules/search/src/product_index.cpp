#include "product_index.hpp"

namespace shop::search {

platform::search::IndexOptions ProductIndexOptions(const std::filesystem::path& dir,
                                                   std::chrono::milliseconds commit_interval) {
  // Field order is the on-disk layout: append only (or reindex).
  return platform::search::IndexOptions{
      .dir = dir,
      .schema = {.facets = {kCategoryField, kBrandField, kInStockField},
                 .numbers = {kPriceField, kCreatedField},
                 .exact = {kSkuField}},
      .commit_interval = commit_interval};
}

const std::vector<std::int64_t>& PriceBandBounds() {
  // Round amounts a shopper thinks in (10, 25, 50 … in major units of a
  // two-decimal currency).
  static const std::vector<std::int64_t> kBounds = {0, 1000, 2500, 5000, 10000, 25000, 50000, 100000};
  return kBounds;
}

}  // namespace shop::search
