#pragma once
// URL slugs of products, categories and brands: lower-case ASCII letters and
// digits in hyphen-separated runs ("blue-cotton-shirt-2"), at most kMaxSlug
// bytes. A slug is made once from the name and then kept: renaming a product
// never changes its URL.

#include <functional>
#include <string>
#include <string_view>

namespace shop::catalog {

inline constexpr std::size_t kMaxSlug = 96;

/// True when `slug` is well-formed (see above). Read routes check this first,
/// so a malformed slug never reaches the database.
bool IsValidSlug(std::string_view slug);

/// The slug a name suggests: ASCII letters and digits lower-cased, every other
/// run of characters (spaces, punctuation, non-ASCII) one hyphen, trimmed and
/// cut to fit. "" when the name has no ASCII letter or digit.
std::string Slugify(std::string_view name);

/// `base`, or base-2, base-3 … : the first candidate `taken` says is free.
/// `base` must be valid; the suffix still fits kMaxSlug.
std::string UniqueSlug(const std::string& base, const std::function<bool(const std::string&)>& taken);

}  // namespace shop::catalog
