#pragma once
/// Events the catalog module publishes through the outbox (DESIGN §3), in the
/// same transaction as the change. Aggregate "product", id = product id.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace shop::catalog::events {

/// A product (or one of its variants, images, or its category/brand link)
/// was created, changed, published, unpublished or deleted. Read models
/// (search) fetch the product again through CatalogService.
struct ProductChanged {
  static constexpr std::string_view kType = "catalog.product_changed.v1";
  static constexpr std::string_view kAggregateType = "product";
  std::string product_id;
  std::string slug;
  std::string status;  ///< "draft" | "published" | "deleted"
  std::int64_t version = 0;
  boost::json::value ToJson() const {
    return {{"product_id", product_id}, {"slug", slug}, {"status", status}, {"version", version}};
  }
  static ProductChanged FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    return {std::string(o.at("product_id").as_string()), std::string(o.at("slug").as_string()),
            std::string(o.at("status").as_string()), o.at("version").to_number<std::int64_t>()};
  }
};

/// A variant with a new SKU was added; inventory starts tracking it.
struct VariantAdded {
  static constexpr std::string_view kType = "catalog.variant_added.v1";
  static constexpr std::string_view kAggregateType = "product";
  std::string product_id;
  std::string sku;
  boost::json::value ToJson() const { return {{"product_id", product_id}, {"sku", sku}}; }
  static VariantAdded FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    return {std::string(o.at("product_id").as_string()), std::string(o.at("sku").as_string())};
  }
};

}  // namespace shop::catalog::events
