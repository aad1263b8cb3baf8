#pragma once
// Opaque keyset cursors for product lists: base64url of
// "<sort>|<id>|<key>", where key is the last item's sort key (created_at_ms,
// min_price or sort_name). Decoding checks the sort matches, so a cursor
// from another sort is refused instead of skipping rows.

#include <optional>
#include <string>
#include <string_view>

namespace shop::catalog {

struct CursorKey {
  char sort = 'n';  ///< n newest, a price_asc, d price_desc, m name
  std::string id;
  std::string key;
};

std::string EncodeCursor(const CursorKey& key);
/// nullopt for anything EncodeCursor did not make (bad base64, wrong shape,
/// id not a UUID, integer key not an integer).
std::optional<CursorKey> DecodeCursor(std::string_view text);

}  // namespace shop::catalog
