#pragma once
/// A small ordered, case-insensitive header list shared by Request and Response.
/// Not thread-safe; a request is handled by one thread at a time.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::platform::http {

class Headers {
 public:
  /// First value of `name` (case-insensitive), if present.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  /// Appends a value (repeatable headers such as Set-Cookie).
  void Add(std::string name, std::string value);
  /// Replaces every value of `name` with one.
  void Set(std::string name, std::string value);
  void Remove(std::string_view name);
  /// Pre-sizes for `count` headers (the server knows how many it will copy).
  void Reserve(std::size_t count) { items_.reserve(count); }

  const std::vector<std::pair<std::string, std::string>>& All() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

/// ASCII case-insensitive equality (header names, tokens).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace shop::platform::http
