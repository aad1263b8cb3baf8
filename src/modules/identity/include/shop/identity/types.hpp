#pragma once
/// Value types of the identity module's public contract.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::identity {

enum class Role { kCustomer, kStaff, kAdmin };

/// "customer" | "staff" | "admin".
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

/// A user's id (UUIDv7). Typed so it is never confused with other ids.
struct UserId {
  std::string value;
  bool operator==(const UserId&) const = default;
};

struct User {
  UserId id;
  std::string email;  ///< normalised: trimmed, NFC, lower-case
  std::string name;
  Role role = Role::kCustomer;
  bool email_verified = false;
  std::int64_t created_at_ms = 0;
  /// Bumped in the same transaction as every password change or reset. A
  /// session or API token remembers the value it was made under and is void
  /// once the account's differs, so a new password signs out every device.
  std::int64_t credential_epoch = 0;
};

/// A postal address in a customer's address book (used by checkout).
struct AddressInput {
  std::string name;
  std::string line1;
  std::string line2;
  std::string city;
  std::string postal_code;
  std::string country;  ///< ISO 3166-1 alpha-2, upper-case
  std::string phone;
  bool is_default = false;
};

struct Address : AddressInput {
  std::string id;
  UserId user_id;
};

/// Who is making a request, as established by a session cookie or a bearer token.
struct Principal {
  UserId user_id;
  std::string email;
  std::string name;
  Role role = Role::kCustomer;
  bool IsStaff() const { return role == Role::kStaff || role == Role::kAdmin; }
  bool IsAdmin() const { return role == Role::kAdmin; }
};

/// A page of users for staff screens.
struct UserPage {
  std::vector<User> items;
  std::optional<std::string> next_cursor;
};

}  // namespace shop::identity
