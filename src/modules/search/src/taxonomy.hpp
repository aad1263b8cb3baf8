#pragma once
// The catalog's categories and brands as the index needs them: the slug path
// of a category up to its root (a product is filed under every ancestor, so
// a filter on a category finds its descendants), and names for facet labels.
// Refreshed from CatalogService; readers get an immutable snapshot.

#include "shop/catalog/catalog.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace shop::search {

class Taxonomy {
 public:
  Taxonomy() = default;
  Taxonomy(const std::vector<catalog::Category>& categories, const std::vector<catalog::Brand>& brands);

  /// Slugs of `category` and its ancestors, leaf first. A parent this
  /// snapshot does not know ends the path.
  std::vector<std::string> CategoryPath(const catalog::Category& category) const;
  /// Names of the same path, leaf first.
  std::vector<std::string> CategoryNames(const catalog::Category& category) const;
  bool Knows(const catalog::Category& category) const;
  /// The name of a category or brand slug; the slug itself when unknown.
  std::string CategoryLabel(const std::string& slug) const;
  std::string BrandLabel(const std::string& slug) const;

 private:
  std::unordered_map<std::string, catalog::Category> by_id_;
  std::unordered_map<std::string, std::string> category_names_;
  std::unordered_map<std::string, std::string> brand_names_;
};

/// The current Taxonomy; thread-safe.
class TaxonomyCache {
 public:
  explicit TaxonomyCache(catalog::CatalogService& catalog) : catalog_(catalog) {}
  std::shared_ptr<const Taxonomy> Get() const;
  /// Reads categories and brands again. Throws what the catalog throws.
  std::shared_ptr<const Taxonomy> Refresh();

 private:
  catalog::CatalogService& catalog_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Taxonomy> current_ = std::make_shared<Taxonomy>();
};

}  // namespace shop::search
