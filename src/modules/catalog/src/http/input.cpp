#include "http/input.hpp"

#include "options_json.hpp"

#include <boost/json.hpp>

namespace shop::catalog {

namespace http = platform::http;
namespace json = boost::json;

namespace {

// A price as minor units (1999) or as the API's own money shape
// ({"amount": 1999, "currency": "EUR"}) in the shop's currency.
std::optional<std::int64_t> ReadPrice(http::JsonInput& input, std::string_view key, bool required,
                                      const platform::money::Currency& currency, const std::string& field) {
  const json::value* v = input.Value(key, required);
  if (!v) return std::nullopt;
  if (v->is_object()) {
    auto money = platform::money::FromJson(*v);
    if (!money) {
      input.Fail(field, "must be {\"amount\": integer minor units, \"currency\": \"" + std::string(currency.Code()) + "\"}");
      return std::nullopt;
    }
    if (!(money->currency == currency)) {
      input.Fail(field, "must be in the shop's currency " + std::string(currency.Code()));
      return std::nullopt;
    }
    if (money->amount < 0 || money->amount > kMaxPrice) {
      input.Fail(field, "must be 0 or more");
      return std::nullopt;
    }
    return money->amount;
  }
  if (!v->is_int64() && !v->is_uint64()) {
    input.Fail(field, "must be an integer amount in minor units");
    return std::nullopt;
  }
  if (v->is_uint64() || v->as_int64() < 0 || v->as_int64() > kMaxPrice) {
    input.Fail(field, "must be an integer from 0 to " + std::to_string(kMaxPrice));
    return std::nullopt;
  }
  return v->as_int64();
}

std::optional<OptionValues> ReadOptions(http::JsonInput& input, std::string_view key, const std::string& field) {
  const json::value* v = input.Value(key, false);
  if (!v) return std::nullopt;
  std::string error;
  auto values = OptionsFromJson(*v, error);
  if (!values) input.Fail(field, error);
  return values;
}

// A link named by slug; null or "" clears it.
std::optional<std::string> ReadLink(http::JsonInput& input, std::string_view key) {
  if (input.IsNull(key)) {
    input.Ignore(key);
    return std::string();
  }
  return input.String(key, false);
}

}  // namespace

void ReadVariantFields(http::JsonInput& input, VariantInput& out, bool creating,
                       const platform::money::Currency& currency, const std::string& prefix) {
  out.sku = input.String("sku", creating);
  out.options = ReadOptions(input, "options", prefix + "options");
  out.price = ReadPrice(input, "price", creating, currency, prefix + "price");
  if (input.IsNull("compare_at_price")) {
    input.Ignore("compare_at_price");
    out.compare_at = std::optional<std::int64_t>{};
  } else if (input.Has("compare_at_price")) {
    if (auto c = ReadPrice(input, "compare_at_price", false, currency, prefix + "compare_at_price")) out.compare_at = c;
  }
  out.weight_grams = input.Int("weight_grams", false, 0, 10'000'000);
  if (auto position = input.Int("position", false, 0, 10000)) out.position = static_cast<int>(*position);
}

void ReadProductFields(http::JsonInput& input, ProductInput& out, std::vector<VariantInput>* variants,
                       const platform::money::Currency& currency) {
  const bool creating = variants != nullptr;
  out.name = input.String("name", creating);
  out.description = input.String("description", false);
  out.category_slug = ReadLink(input, "category");
  out.brand_slug = ReadLink(input, "brand");
  out.attributes = ReadOptions(input, "attributes", "attributes");
  if (auto status = input.String("status", false)) {
    if (*status == "draft") out.status = ProductStatus::kDraft;
    else if (*status == "published") out.status = ProductStatus::kPublished;
    else input.Fail("status", "must be \"draft\" or \"published\"");
  }
  out.seo_title = input.String("seo_title", false);
  out.seo_description = input.String("seo_description", false);
  if (!creating) return;
  const json::value* list = input.Value("variants", false);
  if (!list) return;
  if (!list->is_array()) {
    input.Fail("variants", "must be an array of variants");
    return;
  }
  if (list->as_array().size() > 100) input.Fail("variants", "at most 100 variants");
  std::size_t i = 0;
  for (const auto& item : list->as_array()) {
    const std::string prefix = "variants[" + std::to_string(i++) + "].";
    if (!item.is_object()) {
      input.Fail(prefix.substr(0, prefix.size() - 1), "must be an object");
      continue;
    }
    // The whole body was already checked for repeated keys; re-reading the
    // element strictly gives it the same type and unknown-field checks.
    auto nested = http::JsonInput::ParseText(json::serialize(item));
    if (!nested) {
      input.Fail(prefix + "body", nested.error().detail);
      continue;
    }
    VariantInput v;
    ReadVariantFields(*nested, v, true, currency, prefix);
    if (auto done = nested->Finish(); !done) {
      for (const auto& f : done.error().fields) {
        input.Fail(f.field.starts_with(prefix) ? f.field : prefix + f.field, f.message);
      }
      continue;
    }
    variants->push_back(std::move(v));
  }
}

}  // namespace shop::catalog
