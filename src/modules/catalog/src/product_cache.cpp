#include "product_cache.hpp"

namespace shop::catalog {

ProductCache::ProductCache(std::size_t capacity, std::chrono::milliseconds max_age, Now now)
    : capacity_(capacity == 0 ? 1 : capacity), max_age_(max_age), now_(std::move(now)) {}

std::shared_ptr<const CachedProduct> ProductCache::Find(const std::string& slug) {
  std::lock_guard lock(mutex_);
  auto it = by_slug_.find(slug);
  if (it == by_slug_.end()) return nullptr;
  if (now_() - it->second.stored > max_age_) {
    EraseLocked(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.entry;
}

std::uint64_t ProductCache::Generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

void ProductCache::Put(std::shared_ptr<const CachedProduct> entry, std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) return;
  if (auto it = by_slug_.find(entry->slug); it != by_slug_.end()) EraseLocked(it);
  while (by_slug_.size() >= capacity_ && !lru_.empty()) EraseLocked(by_slug_.find(lru_.back()));
  lru_.push_front(entry->slug);
  for (const auto& sku : entry->skus) slug_of_sku_[sku] = entry->slug;
  const std::string slug = entry->slug;
  by_slug_.emplace(slug, Slot{std::move(entry), now_(), lru_.begin()});
}

void ProductCache::EraseLocked(std::unordered_map<std::string, Slot>::iterator it) {
  for (const auto& sku : it->second.entry->skus) {
    auto s = slug_of_sku_.find(sku);
    if (s != slug_of_sku_.end() && s->second == it->first) slug_of_sku_.erase(s);
  }
  lru_.erase(it->second.lru);
  by_slug_.erase(it);
}

void ProductCache::DropSlug(const std::string& slug) {
  std::lock_guard lock(mutex_);
  ++generation_;
  if (auto it = by_slug_.find(slug); it != by_slug_.end()) EraseLocked(it);
}

void ProductCache::DropSku(const std::string& sku) {
  std::lock_guard lock(mutex_);
  ++generation_;
  auto s = slug_of_sku_.find(sku);
  if (s == slug_of_sku_.end()) return;
  if (auto it = by_slug_.find(s->second); it != by_slug_.end()) {
    EraseLocked(it);
  } else {
    slug_of_sku_.erase(s);
  }
}

void ProductCache::Clear() {
  std::lock_guard lock(mutex_);
  ++generation_;
  by_slug_.clear();
  slug_of_sku_.clear();
  lru_.clear();
}

std::size_t ProductCache::size() const {
  std::lock_guard lock(mutex_);
  return by_slug_.size();
}

}  // namespace shop::catalog
