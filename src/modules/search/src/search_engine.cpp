#include "search_engine.hpp"

#include "product_document.hpp"
#include "product_index.hpp"

#include <fmt/format.h>

#include <functional>

namespace shop::search {

namespace ps = platform::search;

std::string_view SearchSortName(SearchSort sort) {
  switch (sort) {
    case SearchSort::kRelevance:
      return "relevance";
    case SearchSort::kPriceAsc:
      return "price_asc";
    case SearchSort::kPriceDesc:
      return "price_desc";
    case SearchSort::kNewest:
      return "newest";
  }
  return "relevance";
}

std::optional<SearchSort> ParseSearchSort(std::string_view name) {
  for (auto sort : {SearchSort::kRelevance, SearchSort::kPriceAsc, SearchSort::kPriceDesc, SearchSort::kNewest}) {
    if (SearchSortName(sort) == name) return sort;
  }
  return std::nullopt;
}

std::vector<FieldError> ValidateRequest(const SearchRequest& r) {
  std::vector<FieldError> errors;
  if (r.text.size() > kMaxQueryLength) {
    errors.push_back({"q", fmt::format("must be at most {} bytes", kMaxQueryLength)});
  }
  if (r.limit < 1 || r.limit > kMaxLimit) errors.push_back({"limit", fmt::format("must be 1..{}", kMaxLimit)});
  auto check_price = [&](const char* field, const std::optional<std::int64_t>& v) {
    if (v && (*v < 0 || *v > kMaxPriceFilter)) {
      errors.push_back({field, fmt::format("must be 0..{} (minor units)", kMaxPriceFilter)});
    }
  };
  check_price("min_price", r.min_price);
  check_price("max_price", r.max_price);
  if (r.min_price && r.max_price && *r.min_price > *r.max_price) {
    errors.push_back({"min_price", "must not be greater than max_price"});
  }
  return errors;
}

namespace {

ps::Query ToQuery(const SearchRequest& r) {
  ps::Query q;
  q.text = r.text;
  if (r.category) q.filters.emplace_back(kCategoryField, *r.category);
  if (r.brand) q.filters.emplace_back(kBrandField, *r.brand);
  if (r.in_stock) q.filters.emplace_back(kInStockField, *r.in_stock ? "true" : "false");
  if (r.min_price || r.max_price) q.ranges.push_back(ps::Range{kPriceField, r.min_price, r.max_price});
  switch (r.sort) {
    case SearchSort::kRelevance:
      // Equal relevance (and no text at all) lists the newest first.
      q.sort = {ps::SortOrder::kRelevance, kCreatedField};
      break;
    case SearchSort::kPriceAsc:
      q.sort = {ps::SortOrder::kAscending, kPriceField};
      break;
    case SearchSort::kPriceDesc:
      q.sort = {ps::SortOrder::kDescending, kPriceField};
      break;
    case SearchSort::kNewest:
      q.sort = {ps::SortOrder::kDescending, kCreatedField};
      break;
  }
  q.limit = static_cast<std::size_t>(r.limit);
  q.bands = ps::Bands{kPriceField, PriceBandBounds()};
  return q;
}

// Everything that makes two queries give different results, unambiguously
// (length-prefixed fields).
std::string CacheKey(const ps::Query& q) {
  std::string key;
  auto add = [&key](std::string_view part) {
    key += std::to_string(part.size());
    key += ':';
    key += part;
  };
  add(q.text);
  for (const auto& [field, value] : q.filters) {
    add(field);
    add(value);
  }
  for (const auto& r : q.ranges) {
    add(r.field);
    add(r.min ? std::to_string(*r.min) : "-");
    add(r.max ? std::to_string(*r.max) : "-");
  }
  add(std::to_string(static_cast<int>(q.sort.order)));
  add(q.sort.field);
  if (q.bands) {
    add(q.bands->field);
    for (auto bound : q.bands->bounds) add(std::to_string(bound));
  }
  add(std::to_string(q.offset));
  add(std::to_string(q.limit));
  add(q.spelling ? "s" : "-");
  return key;
}

std::vector<FacetValue> Facet(const ps::Results& results, const char* field,
                              const std::function<std::string(const std::string&)>& label) {
  std::vector<FacetValue> out;
  auto it = results.facets.find(field);
  if (it == results.facets.end()) return out;
  for (const auto& f : it->second) out.push_back(FacetValue{f.value, label(f.value), f.count});
  return out;
}

}  // namespace

std::shared_ptr<const ps::Results> SearchEngine::Run(ps::Index& index, const ps::Query& query) {
  // The revision is read before searching: a commit landing during the
  // search then only makes this entry stale early, never wrongly fresh.
  const std::uint64_t revision = index.revision();
  const std::string key = CacheKey(query);
  if (auto hit = results_.Find(key); hit && hit->index == &index && hit->revision == revision) {
    return hit->results;
  }
  auto results = std::make_shared<const ps::Results>(index.Search(query));
  results_.Put(key, CachedResults{&index, revision, results});
  return results;
}

Result<SearchPage> SearchEngine::Search(const SearchRequest& request) {
  if (auto errors = ValidateRequest(request); !errors.empty()) {
    return Error::InvalidInput("The search parameters are not valid.", std::move(errors));
  }
  ps::Index* index = index_.load(std::memory_order_acquire);
  if (!index) return Error::Unavailable("Search is starting; try again in a moment.");
  if (building_.load(std::memory_order_acquire)) {
    return Error::Unavailable("The search index is being built; try again in a moment.");
  }
  ps::Query query = ToQuery(request);
  const std::uint64_t fingerprint = ps::QueryFingerprint(query);
  if (!request.cursor.empty()) {
    auto offset = ps::DecodeCursor(request.cursor, fingerprint);
    if (!offset) {
      return Error::InvalidInput("The cursor is not valid for this search.",
                                 {{"cursor", "malformed, expired or from another search"}});
    }
    query.offset = *offset;
  }
  const auto found = Run(*index, query);
  const ps::Results& results = *found;

  SearchPage page;
  page.items.reserve(results.hits.size());
  for (const auto& hit : results.hits) page.items.push_back(ReadStoredItem(hit.data));
  const auto taxonomy = taxonomy_.Get();
  page.categories = Facet(results, kCategoryField, [&](const std::string& v) { return taxonomy->CategoryLabel(v); });
  page.brands = Facet(results, kBrandField, [&](const std::string& v) { return taxonomy->BrandLabel(v); });
  page.in_stock = Facet(results, kInStockField,
                        [](const std::string& v) { return std::string(v == "true" ? "In stock" : "Sold out"); });
  for (const auto& band : results.bands) {
    // Shown and filtered as inclusive bounds: [min, max - 1].
    page.price.push_back(PriceBand{band.min, band.max ? std::optional(*band.max - 1) : std::nullopt, band.count});
  }
  page.total = results.total;
  page.did_you_mean = results.did_you_mean;
  page.corrected = results.corrected;
  const std::size_t next = query.offset + results.hits.size();
  if (!results.hits.empty() && next < results.total && next <= 10'000) {
    page.next_cursor = ps::EncodeCursor(next, fingerprint);
  }
  return page;
}

}  // namespace shop::search
