#pragma once
// The JSON shapes of the catalog API (DESIGN §5): product, category, brand.
// One place, so the public API, the admin API and the cache agree.

#include "platform/clock/iso_time.hpp"
#include "shop/catalog/types.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace shop::catalog {

/// Available units per SKU (untracked SKUs are absent → 0).
using Availability = std::map<std::string, std::int64_t, std::less<>>;

/// {id, slug, name, description, category, brand, attributes, images,
/// variants:[{sku, options, price, compare_at_price, weight_grams, available,
/// in_stock}], status, seo:{title, description}, version, created_at, updated_at}.
boost::json::object ProductJson(const Product& product, const Availability& available);
boost::json::object CategoryJson(const Category& category);
boost::json::object BrandJson(const Brand& brand);
/// Every category as a tree: [{..., children:[...]}], parents by position.
boost::json::array CategoryTree(const std::vector<Category>& categories);

/// The product's ETag: its version and a fingerprint of its availability, so
/// a stock movement changes it like an edit does. Quoted ("\"v3-1a2b\"").
std::string ProductEtag(const Product& product, const Availability& available);
/// The version an If-Match names: "\"v3\"", "\"v3-…\"", W/ prefixes and a
/// bare "3" accepted; nullopt for anything else.
std::optional<std::int64_t> VersionFromEtag(std::string_view etag);

/// ISO 8601 UTC with milliseconds ("2026-01-02T03:04:05.678Z").
using platform::IsoTime;

}  // namespace shop::catalog
