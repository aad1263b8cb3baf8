// SKU syntax and movement names: the small pure parts of the contract.
#include "shop/inventory/inventory.hpp"

namespace shop::inventory {

bool IsValidSku(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string_view MovementKindName(MovementKind kind) {
  switch (kind) {
    case MovementKind::kReceive:
      return "receive";
    case MovementKind::kAdjust:
      return "adjust";
    case MovementKind::kReserve:
      return "reserve";
    case MovementKind::kRelease:
      return "release";
    case MovementKind::kCommit:
      return "commit";
    case MovementKind::kRestock:
      return "restock";
  }
  return "adjust";
}

}  // namespace shop::inventory
