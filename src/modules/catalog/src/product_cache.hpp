#pragma once
// An in-process cache of rendered public product documents, keyed by slug,
// so GET /api/v1/products/{slug} is a map lookup on the hot path. Bounded to
// `capacity` entries (least recently used dropped first) so memory stays flat
// however large the catalog is. Entries are dropped by the instance's own
// writes, by catalog.product_changed.v1 (another instance's writes) and by
// inventory.stock_changed.v1 (availability is part of the document); each
// entry also expires after `max_age`, which bounds staleness when an event is
// delivered to another instance of a scaled-out shop. Thread-safe.

#include <chrono>
#include <cstdint>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace shop::catalog {

struct CachedProduct {
  std::string product_id;
  std::string slug;
  std::vector<std::string> skus;
  std::string body;  ///< the JSON document
  std::string etag;  ///< quoted, version and availability
};

class ProductCache {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  ProductCache(std::size_t capacity, std::chrono::milliseconds max_age,
               Now now = [] { return std::chrono::steady_clock::now(); });

  std::shared_ptr<const CachedProduct> Find(const std::string& slug);
  /// Read before loading what will be Put: a drop between the two (a write
  /// that committed while the document was built) makes Put skip it, so a
  /// stale document is never stored after its invalidation.
  std::uint64_t Generation() const;
  void Put(std::shared_ptr<const CachedProduct> entry, std::uint64_t generation);
  void DropSlug(const std::string& slug);
  void DropSku(const std::string& sku);
  void Clear();
  std::size_t size() const;

 private:
  struct Slot {
    std::shared_ptr<const CachedProduct> entry;
    std::chrono::steady_clock::time_point stored;
    std::list<std::string>::iterator lru;
  };
  void EraseLocked(std::unordered_map<std::string, Slot>::iterator it);

  std::size_t capacity_;
  std::chrono::milliseconds max_age_;
  Now now_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Slot> by_slug_;
  std::unordered_map<std::string, std::string> slug_of_sku_;
  std::list<std::string> lru_;  ///< most recently used first
  std::uint64_t generation_ = 0;
};

}  // namespace shop::catalog
