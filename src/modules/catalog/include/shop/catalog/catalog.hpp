#pragma once
/// The catalog module's read contract for other modules (search, cart,
/// orders): products, variants, categories and brands. Writes (admin API,
/// pages, seed) stay inside the module. Plain synchronous C++, thread-safe.
///
/// Errors: kNotFound for a missing or (where published_only) unpublished
/// product; kInvalidInput for a malformed slug, cursor or limit.

#include "platform/core/error.hpp"
#include "shop/catalog/types.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::catalog {

class CatalogService {
 public:
  virtual ~CatalogService() = default;

  virtual Result<Product> GetProduct(const ProductId& id) = 0;
  /// With `published_only`, a draft is kNotFound.
  virtual Result<Product> GetProductBySlug(std::string_view slug, bool published_only) = 0;

  /// Variants by SKU with their product's name and price; SKUs that do not
  /// exist are omitted. One query, for carts and checkout.
  virtual std::vector<SellableVariant> GetSellableVariants(const std::vector<std::string>& skus) = 0;

  virtual Result<ProductPage> ListProducts(const ProductQuery& query) = 0;

  /// Every category, parents before children, by position then name.
  virtual std::vector<Category> Categories() = 0;
  virtual std::vector<Brand> Brands() = 0;

  /// Calls `fn` for every product (drafts included), in id order, in
  /// batches, so a reindex never holds the whole catalog in memory.
  virtual void ForEachProduct(const std::function<void(const Product&)>& fn) = 0;

  /// Products whose updated_at_ms is at or after `since_ms`, oldest change
  /// first, at most `limit` (1..1000). Lets a read model in another instance
  /// (which does not receive this instance's events) catch up by polling
  /// with an overlap window; callers dedupe on (id, version).
  virtual std::vector<ProductStamp> ChangedSince(std::int64_t since_ms, int limit) = 0;
};

}  // namespace shop::catalog
