#pragma once
// Sellable variants by SKU, per instance, for carts and checkout: an add to
// cart reads a SKU's name, price and weight from here instead of a query
// with a join (availability is never cached; the cart reads it live from
// inventory). Bounded to `capacity` SKUs, least recently used dropped first.
// Entries of a product are dropped when this instance commits a change to
// it (before the write returns), when catalog.product_changed.v1 arrives
// from another instance, and after `max_age` at the latest. Thread-safe.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "platform/core/lru_cache.hpp"
#include "shop/catalog/catalog.hpp"

namespace shop::catalog {

class VariantCache {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  /// capacity 0: disabled (Find finds nothing, Put stores nothing).
  VariantCache(std::size_t capacity, std::chrono::milliseconds max_age,
               Now now = [] { return std::chrono::steady_clock::now(); });

  std::optional<SellableVariant> Find(const std::string& sku);
  /// Read before the query whose rows will be Put: a drop in between (a
  /// change committed while the rows were read) makes Put skip them, so a
  /// stale row is never stored after its invalidation.
  std::uint64_t Generation() const;
  void Put(const SellableVariant& variant, std::uint64_t generation);
  void DropProduct(const std::string& product_id);
  void Clear();

 private:
  struct Slot {
    std::shared_ptr<const SellableVariant> variant;
    std::chrono::steady_clock::time_point stored;
  };

  std::chrono::milliseconds max_age_;
  Now now_;
  // Taken by Put and the drops, so checking the generation and storing are
  // one step with respect to an invalidation.
  mutable std::mutex generation_mutex_;
  std::uint64_t generation_ = 0;
  platform::LruCache<Slot> entries_;
};

}  // namespace shop::catalog
