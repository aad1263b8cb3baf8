#pragma once
// What the cart needs to know about SKUs — the catalog's price, name and
// weight, and inventory's live availability — behind one small interface,
// so pricing is testable without either module.

#include "shop/catalog/catalog.hpp"
#include "shop/inventory/inventory.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace shop::cart {

struct SkuFacts {
  catalog::SellableVariant variant;
  std::int64_t available = 0;  ///< 0 when inventory does not track the SKU
};

class CartCatalog {
 public:
  virtual ~CartCatalog() = default;
  /// Facts for the SKUs the catalog knows (others are absent), in two queries.
  virtual std::map<std::string, SkuFacts, std::less<>> Lookup(const std::vector<std::string>& skus) = 0;
};

/// The real thing: catalog::GetSellableVariants + inventory::GetMany.
std::unique_ptr<CartCatalog> MakeCartCatalog(catalog::CatalogService& catalog, inventory::InventoryService& inventory);

}  // namespace shop::cart
