#pragma once
/// Value types of the search module's contract (search.hpp): what a product
/// search asks for and what it answers. Prices are integer minor units of the
/// shop's currency.

#include "platform/money/money.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::search {

/// Longest query text accepted, in bytes.
inline constexpr std::size_t kMaxQueryLength = 200;
inline constexpr int kDefaultLimit = 24;
inline constexpr int kMaxLimit = 100;
/// Largest price a filter may name (minor units): ten billion in major units.
inline constexpr std::int64_t kMaxPriceFilter = 1'000'000'000'000;

enum class SearchSort { kRelevance, kPriceAsc, kPriceDesc, kNewest };
/// "relevance" | "price_asc" | "price_desc" | "newest".
std::string_view SearchSortName(SearchSort sort);
/// The inverse of SearchSortName; nullopt for anything else.
std::optional<SearchSort> ParseSearchSort(std::string_view name);

struct SearchRequest {
  /// Words, "quoted phrases", prefix* (the last word is a prefix while
  /// typing), SKUs. Empty lists every published product.
  std::string text;
  std::optional<std::string> category;  ///< category slug; its descendants match too
  std::optional<std::string> brand;     ///< brand slug
  std::optional<std::int64_t> min_price;  ///< inclusive, minor units
  std::optional<std::int64_t> max_price;  ///< inclusive, minor units
  std::optional<bool> in_stock;           ///< true: available now; false: sold out
  SearchSort sort = SearchSort::kRelevance;
  std::string cursor;  ///< next_cursor of the previous page of the same search
  int limit = kDefaultLimit;  ///< 1..kMaxLimit
};

/// A category or brand as shown with a hit.
struct Named {
  std::string slug;
  std::string name;
};

struct SearchItem {
  std::string id;
  std::string slug;
  std::string name;
  std::optional<Named> brand;
  std::optional<Named> category;
  platform::money::Money price;  ///< the cheapest variant's price
  std::string image;             ///< a thumbnail URL, or "" without images
  bool in_stock = false;         ///< some variant is available now
};

/// One facet value: what to filter on, what to show, how many hits it has.
struct FacetValue {
  std::string value;
  std::string label;
  std::size_t count = 0;
};

/// Hits whose price is in [min, max] (max inclusive; unset for the top band).
struct PriceBand {
  std::int64_t min = 0;
  std::optional<std::int64_t> max;
  std::size_t count = 0;
};

struct SearchPage {
  std::vector<SearchItem> items;
  /// Counts over the whole match set of this search (filters applied), so
  /// adding a value as a filter gives a total equal to its count.
  std::vector<FacetValue> categories;
  std::vector<FacetValue> brands;
  std::vector<PriceBand> price;
  std::vector<FacetValue> in_stock;  ///< values "true" / "false"
  std::size_t total = 0;
  /// A spelling correction of the text, or "" when it needs none.
  std::string did_you_mean;
  /// True when the text as typed found nothing and the results are for did_you_mean.
  bool corrected = false;
  std::optional<std::string> next_cursor;
};

}  // namespace shop::search
