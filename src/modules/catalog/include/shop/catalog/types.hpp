#pragma once
/// Value types of the catalog module's public contract. Money is integer
/// minor units in the shop's currency (config shop.currency).

#include "platform/money/money.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shop::catalog {

/// A product's id (UUIDv7). Typed so it is never confused with other ids.
struct ProductId {
  std::string value;
  bool operator==(const ProductId&) const = default;
};

enum class ProductStatus { kDraft, kPublished };
std::string_view ProductStatusName(ProductStatus status);  ///< "draft" | "published"

/// Ordered name → value pairs ("size" → "M"), as entered.
using OptionValues = std::vector<std::pair<std::string, std::string>>;

struct Category {
  std::string id;
  std::string slug;
  std::string name;
  std::string description;
  std::optional<std::string> parent_id;
  int position = 0;
};

struct Brand {
  std::string id;
  std::string slug;
  std::string name;
};

/// An uploaded image; URLs are paths served by shopd (/media/...).
struct Image {
  std::string id;
  std::string url;        ///< the original
  std::string small_url;  ///< thumbnail, fits 160×160
  std::string large_url;  ///< thumbnail, fits 600×600
  std::string alt;
  int width = 0;
  int height = 0;
  int position = 0;
};

struct Variant {
  std::string id;
  std::string sku;
  OptionValues options;
  platform::money::Money price;
  std::optional<platform::money::Money> compare_at_price;
  std::int64_t weight_grams = 0;
  int position = 0;
};

struct Product {
  ProductId id;
  std::string slug;  ///< unique and stable: renaming keeps it
  std::string name;
  std::string description;
  std::optional<Category> category;
  std::optional<Brand> brand;
  OptionValues attributes;  ///< "material" → "cotton"
  std::vector<Image> images;
  std::vector<Variant> variants;
  ProductStatus status = ProductStatus::kDraft;
  std::string seo_title;
  std::string seo_description;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::int64_t version = 1;  ///< bumped on every change; the ETag / If-Match value
};

/// What another module (cart, orders) needs to sell one variant.
struct SellableVariant {
  std::string sku;
  ProductId product_id;
  std::string product_slug;
  std::string product_name;
  OptionValues options;
  platform::money::Money price;
  std::int64_t weight_grams = 0;
  bool published = false;
  std::string image_url;  ///< first image's small thumbnail, or empty
};

enum class ProductSort { kNewest, kPriceAsc, kPriceDesc, kName };

struct ProductQuery {
  std::optional<std::string> category_slug;  ///< includes the category's descendants
  ProductSort sort = ProductSort::kNewest;
  int limit = 24;  ///< 1..100
  std::string cursor;
  bool include_drafts = false;  ///< staff screens only
};

/// Which version of a product changed when (see CatalogService::ChangedSince).
struct ProductStamp {
  ProductId id;
  std::int64_t version = 0;
  std::int64_t updated_at_ms = 0;
};

struct ProductPage {
  std::vector<Product> items;
  std::optional<std::string> next_cursor;
};

}  // namespace shop::catalog
