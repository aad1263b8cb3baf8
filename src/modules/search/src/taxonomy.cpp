#include "taxonomy.hpp"

#include <unordered_set>

namespace shop::search {

Taxonomy::Taxonomy(const std::vector<catalog::Category>& categories, const std::vector<catalog::Brand>& brands) {
  for (const auto& c : categories) {
    by_id_.emplace(c.id, c);
    category_names_.emplace(c.slug, c.name);
  }
  for (const auto& b : brands) brand_names_.emplace(b.slug, b.name);
}

bool Taxonomy::Knows(const catalog::Category& category) const { return by_id_.contains(category.id); }

namespace {

template <class F>
void WalkUp(const std::unordered_map<std::string, catalog::Category>& by_id, const catalog::Category& leaf, F&& f) {
  f(leaf);
  std::unordered_set<std::string> seen{leaf.id};
  auto parent = leaf.parent_id;
  // A cycle would be a catalog bug; never loop on it.
  while (parent && seen.insert(*parent).second) {
    auto it = by_id.find(*parent);
    if (it == by_id.end()) break;
    f(it->second);
    parent = it->second.parent_id;
  }
}

}  // namespace

std::vector<std::string> Taxonomy::CategoryPath(const catalog::Category& category) const {
  std::vector<std::string> path;
  WalkUp(by_id_, category, [&](const catalog::Category& c) { path.push_back(c.slug); });
  return path;
}

std::vector<std::string> Taxonomy::CategoryNames(const catalog::Category& category) const {
  std::vector<std::string> names;
  WalkUp(by_id_, category, [&](const catalog::Category& c) { names.push_back(c.name); });
  return names;
}

std::string Taxonomy::CategoryLabel(const std::string& slug) const {
  auto it = category_names_.find(slug);
  return it == category_names_.end() ? slug : it->second;
}

std::string Taxonomy::BrandLabel(const std::string& slug) const {
  auto it = brand_names_.find(slug);
  return it == brand_names_.end() ? slug : it->second;
}

std::shared_ptr<const Taxonomy> TaxonomyCache::Get() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::shared_ptr<const Taxonomy> TaxonomyCache::Refresh() {
  auto fresh = std::make_shared<const Taxonomy>(catalog_.Categories(), catalog_.Brands());
  std::lock_guard lock(mutex_);
  current_ = fresh;
  return fresh;
}

}  // namespace shop::search
