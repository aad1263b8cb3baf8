#include "variant_cache.hpp"

namespace shop::catalog {

VariantCache::VariantCache(std::size_t capacity, std::chrono::milliseconds max_age, Now now)
    : max_age_(max_age), now_(std::move(now)), entries_(capacity) {}

std::optional<SellableVariant> VariantCache::Find(const std::string& sku) {
  auto slot = entries_.Find(sku);
  if (!slot || now_() - slot->stored > max_age_) return std::nullopt;
  return *slot->variant;
}

std::uint64_t VariantCache::Generation() const {
  std::lock_guard lock(generation_mutex_);
  return generation_;
}

void VariantCache::Put(const SellableVariant& variant, std::uint64_t generation) {
  std::lock_guard lock(generation_mutex_);
  if (generation != generation_) return;
  entries_.Put(variant.sku, Slot{std::make_shared<const SellableVariant>(variant), now_()});
}

void VariantCache::DropProduct(const std::string& product_id) {
  std::lock_guard lock(generation_mutex_);
  ++generation_;
  entries_.EraseIf([&](const std::string&, const Slot& slot) { return slot.variant->product_id.value == product_id; });
}

void VariantCache::Clear() {
  std::lock_guard lock(generation_mutex_);
  ++generation_;
  entries_.Clear();
}

}  // namespace shop::catalog
