#pragma once
/// A bounded map from string keys to values, dropping the least recently
/// used entry when full. Thread-safe (one mutex; lookups are short). A
/// capacity of 0 disables it: Put stores nothing and Find finds nothing.
///
/// Values are copied out, so store cheap handles (std::shared_ptr<const T>)
/// for anything large.

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace shop::platform {

template <class Value>
class LruCache {
 public:
  explicit LruCache(std::size_t capacity) : capacity_(capacity) {}

  /// The value under `key`, marked most recently used; nullopt if absent.
  std::optional<Value> Find(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }

  /// Stores or replaces `key`; evicts the least recently used entry beyond
  /// the capacity.
  void Put(const std::string& key, Value value) {
    if (capacity_ == 0) return;
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->second = std::move(value);
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

  /// Removes every entry for which pred(key, value) is true; returns how
  /// many. Walks all entries: for rare invalidations, not the hot path.
  template <class Pred>
  std::size_t EraseIf(Pred pred) {
    std::lock_guard lock(mutex_);
    std::size_t erased = 0;
    for (auto it = order_.begin(); it != order_.end();) {
      if (pred(std::as_const(it->first), std::as_const(it->second))) {
        index_.erase(it->first);
        it = order_.erase(it);
        ++erased;
      } else {
        ++it;
      }
    }
    return erased;
  }

  void Clear() {
    std::lock_guard lock(mutex_);
    index_.clear();
    order_.clear();
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return order_.size();
  }

 private:
  using Entry = std::pair<std::string, Value>;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  ///< most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

}  // namespace shop::platform
