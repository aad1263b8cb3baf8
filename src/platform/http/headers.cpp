#include "platform/http/headers.hpp"

#include <algorithm>

namespace shop::platform::http {

namespace {

constexpr char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& [key, value] : items_) {
    if (EqualsIgnoreCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

void Headers::Add(std::string name, std::string value) {
  items_.emplace_back(std::move(name), std::move(value));
}

void Headers::Set(std::string name, std::string value) {
  // Replace the first occurrence in place so header order stays stable, then
  // drop any later duplicates.
  auto first = std::find_if(items_.begin(), items_.end(),
                            [&](const auto& item) { return EqualsIgnoreCase(item.first, name); });
  if (first == items_.end()) {
    items_.emplace_back(std::move(name), std::move(value));
    return;
  }
  first->second = std::move(value);
  auto rest = std::remove_if(std::next(first), items_.end(),
                             [&](const auto& item) { return EqualsIgnoreCase(item.first, first->first); });
  items_.erase(rest, items_.end());
}

void Headers::Remove(std::string_view name) {
  std::erase_if(items_, [&](const auto& item) { return EqualsIgnoreCase(item.first, name); });
}

}  // namespace shop::platform::http
