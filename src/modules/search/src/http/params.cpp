#include "http/params.hpp"

#include "search_engine.hpp"

#include <fmt/format.h>

#include <charconv>
#include <set>

namespace shop::search {

namespace {

constexpr std::size_t kMaxSlugLength = 120;
constexpr std::size_t kMaxCursorLength = 64;

// Well-formed UTF-8 (lead bytes and continuations; surrogates and overlong
// three- and four-byte forms are left to the tokenizer) with no control
// characters.
bool ValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
    } else if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

bool ValidSlug(std::string_view s) {
  if (s.empty() || s.size() > kMaxSlugLength) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::optional<std::int64_t> ParseInt(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

Result<SearchRequest> ParseSearchParams(const platform::http::Request& http, bool strict) {
  static const std::set<std::string, std::less<>> kKnown = {"q",        "category", "brand",  "min_price", "max_price",
                                                            "in_stock", "sort",     "cursor", "limit"};
  SearchRequest r;
  std::vector<FieldError> errors;
  std::set<std::string, std::less<>> seen;
  for (const auto& [name, value] : http.QueryParams()) {
    if (!kKnown.contains(name)) {
      if (strict) errors.push_back({name, "unknown parameter"});
      continue;
    }
    if (!seen.insert(name).second) {
      errors.push_back({name, "given more than once"});
      continue;
    }
    if (name == "q") {
      if (!ValidUtf8(value)) {
        errors.push_back({"q", "must be UTF-8 text without control characters"});
      } else {
        r.text = value;
      }
    } else if (name == "category" || name == "brand") {
      if (value.empty()) continue;  // an empty select means "any"
      if (!ValidSlug(value)) {
        errors.push_back({name, "must be a slug (a-z, 0-9, '-')"});
      } else {
        (name == "category" ? r.category : r.brand) = value;
      }
    } else if (name == "min_price" || name == "max_price") {
      if (value.empty()) continue;
      auto v = ParseInt(value);
      if (!v) {
        errors.push_back({name, "must be an integer amount in minor units"});
      } else {
        (name == "min_price" ? r.min_price : r.max_price) = *v;
      }
    } else if (name == "in_stock") {
      if (value == "true") {
        r.in_stock = true;
      } else if (value == "false") {
        r.in_stock = false;
      } else if (!value.empty()) {
        errors.push_back({"in_stock", "must be true or false"});
      }
    } else if (name == "sort") {
      if (value.empty()) continue;
      auto sort = ParseSearchSort(value);
      if (!sort) {
        errors.push_back({"sort", "must be relevance, price_asc, price_desc or newest"});
      } else {
        r.sort = *sort;
      }
    } else if (name == "cursor") {
      if (value.size() > kMaxCursorLength) {
        errors.push_back({"cursor", "is not a cursor of this search"});
      } else {
        r.cursor = value;
      }
    } else if (name == "limit") {
      auto v = ParseInt(value);
      if (!v || *v < 1 || *v > kMaxLimit) {
        errors.push_back({"limit", fmt::format("must be an integer 1..{}", kMaxLimit)});
      } else {
        r.limit = static_cast<int>(*v);
      }
    }
  }
  for (auto& e : ValidateRequest(r)) {
    bool already = false;
    for (const auto& have : errors) already = already || have.field == e.field;
    if (!already) errors.push_back(std::move(e));
  }
  if (!errors.empty()) return Error::InvalidInput("The search parameters are not valid.", std::move(errors));
  return r;
}

std::string SearchQueryString(const SearchRequest& r) {
  std::string out;
  auto add = [&out](std::string_view name, std::string_view value) {
    out += out.empty() ? "" : "&";
    out += name;
    out += '=';
    out += Encode(value);
  };
  if (!r.text.empty()) add("q", r.text);
  if (r.category) add("category", *r.category);
  if (r.brand) add("brand", *r.brand);
  if (r.min_price) add("min_price", std::to_string(*r.min_price));
  if (r.max_price) add("max_price", std::to_string(*r.max_price));
  if (r.in_stock) add("in_stock", *r.in_stock ? "true" : "false");
  if (r.sort != SearchSort::kRelevance) add("sort", SearchSortName(r.sort));
  return out;
}

}  // namespace shop::search
