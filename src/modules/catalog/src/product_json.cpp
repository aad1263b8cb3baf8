#include "product_json.hpp"

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace shop::catalog {

namespace json = boost::json;

namespace {
json::value MoneyJson(const platform::money::Money& m) { return platform::money::ToJson(m); }
}  // namespace

json::object CategoryJson(const Category& c) {
  json::object o{{"id", c.id}, {"slug", c.slug}, {"name", c.name}, {"description", c.description},
                 {"position", c.position}};
  o["parent_id"] = c.parent_id ? json::value(*c.parent_id) : json::value(nullptr);
  return o;
}

json::object BrandJson(const Brand& b) { return {{"id", b.id}, {"slug", b.slug}, {"name", b.name}}; }

json::array CategoryTree(const std::vector<Category>& categories) {
  // `categories` lists parents before children, so each child finds its
  // parent already placed; children keep the list's order.
  std::function<json::array(const std::optional<std::string>&)> level = [&](const std::optional<std::string>& parent) {
    json::array out;
    for (const auto& c : categories) {
      if (c.parent_id != parent) continue;
      json::object o = CategoryJson(c);
      o["children"] = level(c.id);
      out.push_back(std::move(o));
    }
    return out;
  };
  return level(std::nullopt);
}

json::object ProductJson(const Product& p, const Availability& available) {
  json::object o;
  o["id"] = p.id.value;
  o["slug"] = p.slug;
  o["name"] = p.name;
  o["description"] = p.description;
  if (p.category) {
    o["category"] = json::object{{"id", p.category->id}, {"slug", p.category->slug}, {"name", p.category->name}};
  } else {
    o["category"] = nullptr;
  }
  if (p.brand) {
    o["brand"] = BrandJson(*p.brand);
  } else {
    o["brand"] = nullptr;
  }
  json::object attributes;
  for (const auto& [name, value] : p.attributes) attributes[name] = value;
  o["attributes"] = std::move(attributes);
  json::array images;
  for (const auto& img : p.images) {
    images.push_back(json::object{{"id", img.id},
                                  {"url", img.url},
                                  {"small_url", img.small_url},
                                  {"large_url", img.large_url},
                                  {"alt", img.alt},
                                  {"width", img.width},
                                  {"height", img.height}});
  }
  o["images"] = std::move(images);
  json::array variants;
  for (const auto& v : p.variants) {
    json::object vo;
    vo["sku"] = v.sku;
    json::object options;
    for (const auto& [name, value] : v.options) options[name] = value;
    vo["options"] = std::move(options);
    vo["price"] = MoneyJson(v.price);
    vo["compare_at_price"] = v.compare_at_price ? MoneyJson(*v.compare_at_price) : json::value(nullptr);
    vo["weight_grams"] = v.weight_grams;
    auto it = available.find(v.sku);
    std::int64_t units = it == available.end() ? 0 : it->second;
    vo["available"] = units;
    vo["in_stock"] = units > 0;
    variants.push_back(std::move(vo));
  }
  o["variants"] = std::move(variants);
  o["status"] = std::string(ProductStatusName(p.status));
  o["seo"] = json::object{{"title", p.seo_title.empty() ? p.name : p.seo_title},
                          {"description", p.seo_description}};
  o["version"] = p.version;
  o["created_at"] = IsoTime(p.created_at_ms);
  o["updated_at"] = IsoTime(p.updated_at_ms);
  return o;
}

std::string ProductEtag(const Product& p, const Availability& available) {
  // FNV-1a over "sku=units;" in variant order: short, stable, and any
  // change in any variant's availability changes it.
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  for (const auto& v : p.variants) {
    auto it = available.find(v.sku);
    mix(v.sku);
    mix("=");
    mix(std::to_string(it == available.end() ? 0 : it->second));
    mix(";");
  }
  return fmt::format("\"v{}-{:08x}\"", p.version, static_cast<std::uint32_t>(h ^ (h >> 32)));
}

std::optional<std::int64_t> VersionFromEtag(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  if (!etag.empty() && etag.front() == 'v') etag.remove_prefix(1);
  if (auto dash = etag.find('-'); dash != std::string_view::npos) etag = etag.substr(0, dash);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(etag.data(), etag.data() + etag.size(), v);
  if (etag.empty() || ec != std::errc() || end != etag.data() + etag.size() || v < 1) return std::nullopt;
  return v;
}

}  // namespace shop::catalog
