#pragma once
/// Value types of the search wrapper (platform/search/index.hpp): what a
/// document holds and what a query asks for. Nothing here knows what is being
/// indexed; a module maps its own records onto these.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shop::platform::search {

/// The fields an index knows, fixed when it is opened. Field names are the
/// caller's ("category", "price"); the wrapper maps them to Xapian terms and
/// value slots in declaration order, so keep the order stable (append only)
/// or rebuild the index after changing it.
struct Schema {
  /// Boolean filter fields, each also counted as a facet ("category",
  /// "brand", "in_stock"). A document may carry several values per field
  /// (a category and its ancestors).
  std::vector<std::string> facets;
  /// Integer fields for range filters, sorting and bands ("price", "created_at").
  std::vector<std::string> numbers;
  /// Exact-code fields ("sku"): a query word equal to a code matches its
  /// document strongly, and IdsWith() finds documents by code.
  std::vector<std::string> exact;
};

/// Free text with a relevance weight: a match in a weight-3 field counts
/// three times one in a weight-1 field.
struct TextField {
  std::string text;
  unsigned weight = 1;
};

struct Document {
  std::string id;  ///< unique in the index; 1..200 bytes
  std::vector<TextField> text;
  std::vector<std::pair<std::string, std::string>> facets;  ///< (field, value), several per field allowed
  std::vector<std::pair<std::string, std::int64_t>> numbers;  ///< (field, value), one per field
  std::vector<std::pair<std::string, std::string>> exact;    ///< (field, code), matched case-insensitively
  std::string data;  ///< stored verbatim and returned with each hit
};

enum class SortOrder { kRelevance, kAscending, kDescending };

/// kRelevance ranks by text relevance, ties (and an empty text, where every
/// hit is equally relevant) by `field` descending when set. kAscending /
/// kDescending order by the number `field`, ties by relevance.
struct Sort {
  SortOrder order = SortOrder::kRelevance;
  std::string field;
};

/// Inclusive bounds on a number field; an unset bound is open.
struct Range {
  std::string field;
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
};

/// Counts of a number field in bands [bounds[0], bounds[1]), …,
/// [bounds.back(), ∞). Values below bounds[0] are not counted.
struct Bands {
  std::string field;
  std::vector<std::int64_t> bounds;  ///< strictly increasing
};

struct Query {
  /// What the shopper typed: words (stemmed, English), "quoted phrases",
  /// prefix* wildcards, +must/-not, and exact codes. Empty matches everything.
  std::string text;
  /// Treat the last word as a prefix too ("runn" finds "running") unless the
  /// text ends with a space: search as you type.
  bool partial_last_word = true;
  /// (facet field, value): values of one field are OR-ed, fields AND-ed.
  std::vector<std::pair<std::string, std::string>> filters;
  std::vector<Range> ranges;
  Sort sort;
  std::size_t offset = 0;
  std::size_t limit = 20;
  /// Count every facet field over the whole match set.
  bool facets = true;
  std::optional<Bands> bands;
  /// Suggest a correction for words the index does not know, and search for
  /// it instead when the text as typed finds nothing.
  bool spelling = true;
};

struct FacetCount {
  std::string value;
  std::size_t count = 0;
};

struct BandCount {
  std::int64_t min = 0;
  std::optional<std::int64_t> max;  ///< exclusive; unset for the last, open band
  std::size_t count = 0;
};

struct Hit {
  std::string id;
  std::string data;
};

struct Results {
  std::vector<Hit> hits;
  /// Every match, exact (the whole match set is examined, which is what
  /// shop-sized indexes afford and what makes facet counts add up).
  std::size_t total = 0;
  /// Per facet field, by count (descending) then value. Empty without Query::facets.
  std::map<std::string, std::vector<FacetCount>> facets;
  std::vector<BandCount> bands;  ///< non-empty bands only, in band order
  /// The text with unknown words corrected, or "" when there is nothing to correct.
  std::string did_you_mean;
  /// True when the text found nothing and these results are for did_you_mean.
  bool corrected = false;
};

}  // namespace shop::platform::search
