#include "cart_catalog.hpp"

namespace shop::cart {
namespace {

class ServicesCartCatalog final : public CartCatalog {
 public:
  ServicesCartCatalog(catalog::CatalogService& catalog, inventory::InventoryService& inventory)
      : catalog_(catalog), inventory_(inventory) {}

  std::map<std::string, SkuFacts, std::less<>> Lookup(const std::vector<std::string>& skus) override {
    std::map<std::string, SkuFacts, std::less<>> out;
    if (skus.empty()) return out;
    for (catalog::SellableVariant& v : catalog_.GetSellableVariants(skus)) {
      std::string sku = v.sku;
      out.emplace(std::move(sku), SkuFacts{std::move(v), 0});
    }
    std::vector<inventory::Sku> tracked;
    for (const auto& [sku, facts] : out) tracked.push_back(inventory::Sku{sku});
    for (const inventory::StockLevel& level : inventory_.GetMany(tracked)) {
      if (auto it = out.find(level.sku.value); it != out.end()) it->second.available = level.available;
    }
    return out;
  }

 private:
  catalog::CatalogService& catalog_;
  inventory::InventoryService& inventory_;
};

}  // namespace

std::unique_ptr<CartCatalog> MakeCartCatalog(catalog::CatalogService& catalog, inventory::InventoryService& inventory) {
  return std::make_unique<ServicesCartCatalog>(catalog, inventory);
}

}  // namespace shop::cart
