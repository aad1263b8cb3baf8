#pragma once
// In-memory CatalogService and InventoryService for the search tests: the
// few reads search makes, with counters, and a hook into ForEachProduct so a
// test can change the catalog while a rebuild runs.

#include "shop/catalog/catalog.hpp"
#include "shop/inventory/inventory.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>

namespace shop::search::testing {

inline platform::money::Money Eur(std::int64_t amount) {
  return platform::money::Money{amount, platform::money::Currency::FromCode("EUR").value()};
}

class FakeCatalog final : public catalog::CatalogService {
 public:
  FakeCatalog() {
    categories_ = {{.id = "c-shoes", .slug = "shoes", .name = "Shoes"},
                   {.id = "c-running", .slug = "running-shoes", .name = "Running shoes", .parent_id = "c-shoes"},
                   {.id = "c-socks", .slug = "socks", .name = "Socks"},
                   {.id = "c-kitchen", .slug = "kitchen", .name = "Kitchen"}};
    brands_ = {{"b-acme", "acme", "Acme"}, {"b-zoom", "zoom", "Zoom"}, {"b-brewco", "brewco", "BrewCo"},
               {"b-basic", "basic", "Basic"}};
  }

  /// Adds or replaces a product, bumping its version and updated_at like the
  /// real catalog does.
  catalog::Product Put(catalog::Product p) {
    std::lock_guard lock(mutex_);
    auto it = products_.find(p.id.value);
    p.version = it == products_.end() ? 1 : it->second.version + 1;
    p.updated_at_ms = ++now_ms_;
    if (p.created_at_ms == 0) p.created_at_ms = p.updated_at_ms;
    products_[p.id.value] = p;
    return p;
  }
  void Remove(const std::string& id) {
    std::lock_guard lock(mutex_);
    products_.erase(id);
  }
  std::optional<catalog::Product> Find(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto it = products_.find(id);
    if (it == products_.end()) return std::nullopt;
    return it->second;
  }
  std::int64_t now_ms() const { return now_ms_; }

  catalog::Category CategoryBySlug(const std::string& slug) const {
    for (const auto& c : categories_) {
      if (c.slug == slug) return c;
    }
    throw std::invalid_argument("no category " + slug);
  }
  catalog::Brand BrandBySlug(const std::string& slug) const {
    for (const auto& b : brands_) {
      if (b.slug == slug) return b;
    }
    throw std::invalid_argument("no brand " + slug);
  }

  Result<catalog::Product> GetProduct(const catalog::ProductId& id) override {
    ++get_product_calls;
    if (fail) return Error::Unavailable("catalog down");
    auto p = Find(id.value);
    if (!p) return Error::NotFound("no product");
    return *p;
  }
  Result<catalog::Product> GetProductBySlug(std::string_view, bool) override {
    return Error::Internal("not used by search");
  }
  std::vector<catalog::SellableVariant> GetSellableVariants(const std::vector<std::string>&) override { return {}; }
  Result<catalog::ProductPage> ListProducts(const catalog::ProductQuery&) override {
    return Error::Internal("not used by search");
  }
  std::vector<catalog::Category> Categories() override { return categories_; }
  std::vector<catalog::Brand> Brands() override { return brands_; }
  void ForEachProduct(const std::function<void(const catalog::Product&)>& fn) override {
    std::vector<catalog::Product> all;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, p] : products_) all.push_back(p);
    }
    for (const auto& p : all) {
      if (on_each) on_each(p);
      fn(p);
    }
  }
  std::vector<catalog::ProductStamp> ChangedSince(std::int64_t since_ms, int limit) override {
    ++changed_since_calls;
    std::vector<catalog::ProductStamp> out;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, p] : products_) {
        if (p.updated_at_ms >= since_ms) out.push_back({p.id, p.version, p.updated_at_ms});
      }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.updated_at_ms < b.updated_at_ms; });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
    return out;
  }

  std::atomic<int> get_product_calls{0};
  std::atomic<int> changed_since_calls{0};
  std::atomic<bool> fail{false};
  std::function<void(const catalog::Product&)> on_each;

 private:
  std::mutex mutex_;
  std::map<std::string, catalog::Product> products_;
  std::vector<catalog::Category> categories_;
  std::vector<catalog::Brand> brands_;
  // Real time, like the catalog's updated_at: the catch-up compares it with
  // the index's own timestamps.
  std::atomic<std::int64_t> now_ms_{std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count()};
};

class FakeInventory final : public inventory::InventoryService {
 public:
  void Set(const std::string& sku, std::int64_t available) {
    std::lock_guard lock(mutex_);
    available_[sku] = available;
  }

  std::vector<inventory::StockLevel> GetMany(const std::vector<inventory::Sku>& skus) override {
    ++get_many_calls;
    std::lock_guard lock(mutex_);
    std::vector<inventory::StockLevel> out;
    for (const auto& sku : skus) {
      auto it = available_.find(sku.value);
      if (it == available_.end()) continue;
      out.push_back(inventory::StockLevel{.sku = sku, .on_hand = it->second, .reserved = 0, .available = it->second});
    }
    return out;
  }

  Result<inventory::StockLevel> Track(const inventory::Sku&) override { return Unused(); }
  Result<void> ReceiveMany(const std::vector<inventory::ReceiptLine>&, std::string_view, std::string_view) override {
    return Unused();
  }
  Result<inventory::StockLevel> Get(const inventory::Sku&) override { return Unused(); }
  Result<inventory::StockLevel> Adjust(const inventory::Sku&, std::int64_t, std::string_view, std::string_view) override {
    return Unused();
  }
  Result<inventory::StockLevel> SetLowStockThreshold(const inventory::Sku&, std::optional<std::int64_t>) override {
    return Unused();
  }
  Result<void> Reserve(std::string_view, const std::vector<inventory::ReservationLine>&, std::int64_t) override {
    return Unused();
  }
  Result<void> Reserve(shop::platform::db::Tx&, std::string_view, const std::vector<inventory::ReservationLine>&,
                       std::int64_t) override {
    return Unused();
  }
  Result<void> Release(std::string_view, std::string_view) override { return Unused(); }
  Result<void> Commit(std::string_view) override { return Unused(); }
  Result<void> Commit(shop::platform::db::Tx&, std::string_view) override { return Unused(); }
  Result<inventory::StockLevel> Restock(const inventory::Sku&, std::int64_t, std::string_view, std::string_view,
                                        std::string_view) override {
    return Unused();
  }
  Result<inventory::ReservationStatus> GetReservation(std::string_view) override { return Unused(); }
  std::size_t ReleaseExpired(std::int64_t) override { return 0; }
  Result<inventory::MovementPage> Ledger(const inventory::Sku&, int, std::string_view) override { return Unused(); }
  Result<inventory::StockPage> Search(std::string_view, int, std::string_view) override { return Unused(); }
  Result<inventory::StockPage> LowStock(int, std::string_view) override { return Unused(); }

  std::atomic<int> get_many_calls{0};

 private:
  static Error Unused() { return Error::Internal("not used by search"); }
  std::mutex mutex_;
  std::map<std::string, std::int64_t> available_;
};

/// A product with one variant per (sku, price).
inline shop::catalog::Product MakeProduct(const FakeCatalog& source, std::string id, std::string name,
                                    std::string category_slug, std::string brand_slug,
                                    std::vector<std::pair<std::string, std::int64_t>> variants,
                                    std::string description = "", bool published = true) {
  shop::catalog::Product p;
  p.id = shop::catalog::ProductId{id};
  p.slug = id;
  p.name = std::move(name);
  p.description = std::move(description);
  if (!category_slug.empty()) p.category = source.CategoryBySlug(category_slug);
  if (!brand_slug.empty()) p.brand = source.BrandBySlug(brand_slug);
  p.status = published ? shop::catalog::ProductStatus::kPublished : shop::catalog::ProductStatus::kDraft;
  int position = 0;
  for (auto& [sku, price] : variants) {
    shop::catalog::Variant v;
    v.id = "v-" + sku;
    v.sku = sku;
    v.price = Eur(price);
    v.position = position++;
    p.variants.push_back(std::move(v));
  }
  return p;
}

}  // namespace shop::search::testing
