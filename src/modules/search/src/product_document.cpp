#include "product_document.hpp"

#include "product_index.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace shop::search {

namespace json = boost::json;

namespace {

// Relevance weights: the name says most about a product, its brand and
// category come next, the long description least.
constexpr unsigned kNameWeight = 5;
constexpr unsigned kBrandWeight = 3;
constexpr unsigned kCategoryWeight = 2;
constexpr unsigned kAttributeWeight = 2;
constexpr unsigned kDescriptionWeight = 1;

const catalog::Variant& Cheapest(const catalog::Product& product) {
  return *std::min_element(product.variants.begin(), product.variants.end(),
                           [](const auto& a, const auto& b) { return a.price.amount < b.price.amount; });
}

std::string ImageOf(const catalog::Product& product) {
  if (product.images.empty()) return {};
  const auto& first = *std::min_element(product.images.begin(), product.images.end(),
                                        [](const auto& a, const auto& b) { return a.position < b.position; });
  if (!first.large_url.empty()) return first.large_url;
  return first.small_url.empty() ? first.url : first.small_url;
}

json::value NamedJson(const std::string& slug, const std::string& name) {
  return json::object{{"slug", slug}, {"name", name}};
}

std::optional<Named> ReadNamed(const json::value& v) {
  if (v.is_null()) return std::nullopt;
  const auto& o = v.as_object();
  return Named{std::string(o.at("slug").as_string()), std::string(o.at("name").as_string())};
}

}  // namespace

bool Searchable(const catalog::Product& product) {
  return product.status == catalog::ProductStatus::kPublished && !product.variants.empty();
}

std::vector<inventory::Sku> SkusOf(const catalog::Product& product) {
  std::vector<inventory::Sku> skus;
  skus.reserve(product.variants.size());
  for (const auto& v : product.variants) skus.push_back(inventory::Sku{v.sku});
  return skus;
}

platform::search::Document MakeDocument(const catalog::Product& product, bool in_stock, const Taxonomy& taxonomy) {
  platform::search::Document doc;
  doc.id = product.id.value;
  doc.text.push_back({product.name, kNameWeight});
  if (product.brand) doc.text.push_back({product.brand->name, kBrandWeight});
  if (product.category) {
    std::string names;
    for (const auto& name : taxonomy.CategoryNames(*product.category)) names += name + " ";
    doc.text.push_back({names, kCategoryWeight});
  }
  std::string attributes;
  for (const auto& [name, value] : product.attributes) attributes += value + " ";
  for (const auto& variant : product.variants) {
    for (const auto& [name, value] : variant.options) attributes += value + " ";
  }
  if (!attributes.empty()) doc.text.push_back({attributes, kAttributeWeight});
  doc.text.push_back({product.description, kDescriptionWeight});

  if (product.category) {
    for (const auto& slug : taxonomy.CategoryPath(*product.category)) doc.facets.emplace_back(kCategoryField, slug);
  }
  if (product.brand) doc.facets.emplace_back(kBrandField, product.brand->slug);
  doc.facets.emplace_back(kInStockField, in_stock ? "true" : "false");

  const catalog::Variant& cheapest = Cheapest(product);
  doc.numbers.emplace_back(kPriceField, cheapest.price.amount);
  doc.numbers.emplace_back(kCreatedField, product.created_at_ms);
  for (const auto& variant : product.variants) doc.exact.emplace_back(kSkuField, variant.sku);

  json::object data{
      {"id", product.id.value},
      {"slug", product.slug},
      {"name", product.name},
      {"brand", product.brand ? NamedJson(product.brand->slug, product.brand->name) : json::value(nullptr)},
      {"category",
       product.category ? NamedJson(product.category->slug, product.category->name) : json::value(nullptr)},
      {"price", platform::money::ToJson(cheapest.price)},
      {"image", ImageOf(product)},
      {"in_stock", in_stock},
      {"version", product.version}};
  doc.data = json::serialize(data);
  return doc;
}

SearchItem ReadStoredItem(std::string_view data) {
  try {
    const json::value v = json::parse(data);
    const auto& o = v.as_object();
    auto price = platform::money::FromJson(o.at("price"));
    if (!price) throw std::runtime_error(price.error().detail);
    return SearchItem{.id = std::string(o.at("id").as_string()),
                      .slug = std::string(o.at("slug").as_string()),
                      .name = std::string(o.at("name").as_string()),
                      .brand = ReadNamed(o.at("brand")),
                      .category = ReadNamed(o.at("category")),
                      .price = *price,
                      .image = std::string(o.at("image").as_string()),
                      .in_stock = o.at("in_stock").as_bool()};
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("search: unreadable stored hit (reindex): ") + e.what());
  }
}

}  // namespace shop::search
