#include "shop/identity/types.hpp"

namespace shop::identity {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kCustomer: return "customer";
    case Role::kStaff: return "staff";
    case Role::kAdmin: return "admin";
  }
  return "customer";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "customer") return Role::kCustomer;
  if (name == "staff") return Role::kStaff;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

}  // namespace shop::identity
