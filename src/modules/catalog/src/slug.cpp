#include "slug.hpp"

namespace shop::catalog {

namespace {
bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
}  // namespace

bool IsValidSlug(std::string_view slug) {
  if (slug.empty() || slug.size() > kMaxSlug) return false;
  if (slug.front() == '-' || slug.back() == '-') return false;
  char previous = 0;
  for (char c : slug) {
    if (c == '-') {
      if (previous == '-') return false;
    } else if (!IsAlnum(c)) {
      return false;
    }
    previous = c;
  }
  return true;
}

std::string Slugify(std::string_view name) {
  std::string out;
  bool pending_hyphen = false;
  for (char raw : name) {
    char c = raw;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (IsAlnum(c)) {
      if (pending_hyphen && !out.empty()) out.push_back('-');
      pending_hyphen = false;
      out.push_back(c);
    } else {
      pending_hyphen = true;
    }
  }
  if (out.size() > kMaxSlug) out.resize(kMaxSlug);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string UniqueSlug(const std::string& base, const std::function<bool(const std::string&)>& taken) {
  if (!taken(base)) return base;
  for (int n = 2;; ++n) {
    std::string suffix = "-" + std::to_string(n);
    std::string stem = base.substr(0, kMaxSlug - suffix.size());
    while (!stem.empty() && stem.back() == '-') stem.pop_back();
    std::string candidate = stem + suffix;
    if (!taken(candidate)) return candidate;
  }
}

}  // namespace shop::catalog
