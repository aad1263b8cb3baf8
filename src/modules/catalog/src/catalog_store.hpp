#pragma once
// The catalog's service: the public read contract (CatalogService) plus the
// staff writes the admin API, admin pages and seed use. Every write runs in
// one transaction that bumps the product's version, keeps min_price current,
// and appends ProductChanged (and VariantAdded for a new SKU) to the outbox;
// listeners hear about it only after the commit (cache invalidation).

#include "platform/clock/clock.hpp"
#include "platform/db/db.hpp"
#include "platform/events/outbox.hpp"
#include "platform/ids/ids.hpp"
#include "platform/money/money.hpp"
#include "shop/catalog/catalog.hpp"
#include "variant_cache.hpp"

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace shop::catalog {

/// Fields of a product create/update; absent fields are left as they are.
/// Category and brand are named by slug; an empty string clears the link.
struct ProductInput {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> category_slug;
  std::optional<std::string> brand_slug;
  std::optional<OptionValues> attributes;
  std::optional<ProductStatus> status;
  std::optional<std::string> seo_title;
  std::optional<std::string> seo_description;
};

struct VariantInput {
  std::optional<std::string> sku;
  std::optional<OptionValues> options;
  std::optional<std::int64_t> price;
  std::optional<std::optional<std::int64_t>> compare_at;  ///< nullopt inside: clear
  std::optional<std::int64_t> weight_grams;
  std::optional<int> position;
};

struct CategoryInput {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> parent_slug;  ///< "" → top level
  std::optional<int> position;
};

/// A stored image's files (relative to the media root) and size.
struct StoredImage {
  std::string path, small_path, large_path, alt;
  int width = 0, height = 0;
};

/// Largest accepted price or compare-at price, in minor units.
inline constexpr std::int64_t kMaxPrice = 100'000'000'000;

struct CatalogStoreDeps {
  platform::db::Db& db;
  platform::events::Outbox& outbox;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  platform::money::Currency currency;
  /// SKUs GetSellableVariants keeps per instance (VariantCache); 0: none.
  std::size_t variant_cache_entries = 0;
};

/// One page of product slugs (see CatalogStore::ListProductSlugs).
struct SlugPage {
  std::vector<std::string> slugs;
  std::optional<std::string> next_cursor;
};

class CatalogStore final : public CatalogService {
 public:
  explicit CatalogStore(CatalogStoreDeps deps);

  // CatalogService
  Result<Product> GetProduct(const ProductId& id) override;
  Result<Product> GetProductBySlug(std::string_view slug, bool published_only) override;
  std::vector<SellableVariant> GetSellableVariants(const std::vector<std::string>& skus) override;
  Result<ProductPage> ListProducts(const ProductQuery& query) override;
  std::vector<Category> Categories() override;
  std::vector<Brand> Brands() override;
  void ForEachProduct(const std::function<void(const Product&)>& fn) override;
  std::vector<ProductStamp> ChangedSince(std::int64_t since_ms, int limit) override;

  /// The slugs of ListProducts(query), in the same order and with the same
  /// cursor, without loading variants and images: the public list is then
  /// assembled from cached product documents.
  Result<SlugPage> ListProductSlugs(const ProductQuery& query);

  /// Staff search by name (case-insensitive substring), drafts included, newest first.
  Result<ProductPage> SearchProducts(std::string_view q, int limit, std::string_view cursor);
  bool HasProducts();

  // Writes. `expected_version` (If-Match) nullopt → unconditional. Errors:
  // kNotFound, kPreconditionFailed (stale version), kInvalidInput (fields),
  // kConflict (duplicate SKU or slug, category still in use).
  Result<Product> CreateProduct(const ProductInput& input, const std::vector<VariantInput>& variants = {});
  Result<Product> UpdateProduct(const ProductId& id, std::optional<std::int64_t> expected_version,
                                const ProductInput& input);
  Result<void> DeleteProduct(const ProductId& id, std::optional<std::int64_t> expected_version);
  Result<Product> AddVariant(const ProductId& id, std::optional<std::int64_t> expected_version,
                             const VariantInput& input);
  Result<Product> UpdateVariant(const ProductId& id, std::string_view sku,
                                std::optional<std::int64_t> expected_version, const VariantInput& input);
  Result<Product> DeleteVariant(const ProductId& id, std::string_view sku,
                                std::optional<std::int64_t> expected_version);
  Result<Product> AddImage(const ProductId& id, std::optional<std::int64_t> expected_version,
                           const StoredImage& image);
  Result<Product> DeleteImage(const ProductId& id, std::string_view image_id,
                              std::optional<std::int64_t> expected_version);

  Result<Category> CreateCategory(const CategoryInput& input);
  Result<Category> UpdateCategory(std::string_view slug, const CategoryInput& input);
  Result<void> DeleteCategory(std::string_view slug);
  Result<Brand> CreateBrand(std::string_view name);
  Result<Brand> UpdateBrand(std::string_view slug, std::string_view name);
  Result<void> DeleteBrand(std::string_view slug);

  /// Called after each committed product change with (slug, sku list) —
  /// the cache drops the product. Register while wiring.
  void OnProductCommitted(std::function<void(const std::string& slug)> fn) { listeners_.push_back(std::move(fn)); }

  /// Called after a committed write that added variants with new SKUs (the
  /// module starts inventory tracking there). Register while wiring.
  void OnSkusAdded(std::function<void(const std::vector<std::string>& skus)> fn) { sku_listener_ = std::move(fn); }

  /// Bulk insert for the seed: products with their variants and images in
  /// one transaction, with events. Slugs must already be unique.
  void InsertSeedBatch(const std::vector<Product>& products);
  Result<Category> InsertCategoryRaw(const Category& category);
  Result<Brand> InsertBrandRaw(const Brand& brand);

  const platform::money::Currency& currency() const { return deps_.currency; }

  /// Another instance changed `product_id` (catalog.product_changed.v1):
  /// its cached sellable variants are dropped. This instance's own writes
  /// drop them at commit without this.
  void ForgetProduct(const std::string& product_id) { variants_.DropProduct(product_id); }

 private:
  Result<ProductPage> ListPage(const ProductQuery& query, bool complete);
  Result<Product> Mutate(const ProductId& id, std::optional<std::int64_t> expected_version,
                         const std::function<Result<void>(platform::db::Tx&, Product&)>& change);
  void Committed(platform::db::Tx& tx, const Product& product, std::string_view status);

  std::vector<SellableVariant> QuerySellableVariants(const std::vector<std::string>& skus);

  CatalogStoreDeps deps_;
  VariantCache variants_;
  std::vector<std::function<void(const std::string&)>> listeners_;
  std::function<void(const std::vector<std::string>&)> sku_listener_;
};

/// Validates SKU codes the way inventory does: 1..64 of [A-Za-z0-9._-].
bool IsValidSkuCode(std::string_view code);

/// A category and its descendants' ids, from the full list.
std::vector<std::string> Subtree(const std::vector<Category>& all, const std::string& root_id);

}  // namespace shop::catalog
