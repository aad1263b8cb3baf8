#pragma once
// The product index's shape on top of platform/search: which fields a
// product document has, and the price bands the facets count.

#include "platform/search/index.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace shop::search {

inline constexpr const char* kCategoryField = "category";  // the leaf's slug and every ancestor's
inline constexpr const char* kBrandField = "brand";        // brand slug
inline constexpr const char* kInStockField = "in_stock";   // "true" | "false"
inline constexpr const char* kPriceField = "price";        // cheapest variant, minor units
inline constexpr const char* kCreatedField = "created_at";  // ms since the epoch
inline constexpr const char* kSkuField = "sku";

/// Index metadata: where the catch-up poller resumes after a restart.
inline constexpr const char* kCatchUpKey = "search.catchup_since_ms";

platform::search::IndexOptions ProductIndexOptions(const std::filesystem::path& dir,
                                                   std::chrono::milliseconds commit_interval);

/// Lower bounds of the price bands (minor units); the last band is open.
const std::vector<std::int64_t>& PriceBandBounds();

}  // namespace shop::search
