#pragma once
// The deterministic demo catalog (`shopd seed --demo`, and the dev profile on
// an empty database): categories with subcategories, brands, products with
// 2–6 variants (options, prices, weights), attributes, names and descriptions
// from word lists, and images from a small palette drawn with libvips. The
// same product count always gives the same slugs, SKUs, prices and stock.

#include "catalog_store.hpp"
#include "shop/catalog/module.hpp"
#include "shop/inventory/inventory.hpp"

#include <filesystem>

namespace shop::catalog {

struct SeedDeps {
  CatalogStore& store;
  inventory::InventoryService& inventory;
  platform::IdGenerator& ids;
  const platform::Clock& clock;
  std::filesystem::path media_root;
};

/// One demo product as generated (before ids): exposed for tests.
struct SeedProduct {
  std::string name, slug, category_slug, brand_slug, description;
  OptionValues attributes;
  struct Variant {
    std::string sku;
    OptionValues options;
    std::int64_t price = 0;
    std::optional<std::int64_t> compare_at;
    std::int64_t weight_grams = 0;
    std::int64_t stock = 0;
  };
  std::vector<Variant> variants;
  int image = 0;  ///< palette index
};

/// Product `index` of the demo catalog; slugs are made unique by the caller.
SeedProduct GenerateSeedProduct(std::int64_t index);

/// Seeds `count` products. kConflict when the catalog already has products;
/// kInvalidInput for count outside 1..1,000,000.
Result<SeedReport> SeedDemoCatalog(const SeedDeps& deps, std::int64_t count);

}  // namespace shop::catalog
