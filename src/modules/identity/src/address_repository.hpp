#pragma once
// SQL for identity_addresses. Every query names the owner, so an address of
// another user is simply not found.

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shop/identity/types.hpp"

namespace shop::identity {

class AddressRepository {
 public:
  /// Default first, then oldest first.
  static std::vector<Address> List(soci::session& sql, const std::string& user_id);
  static std::optional<Address> Find(soci::session& sql, const std::string& user_id, const std::string& id);
  static int Count(soci::session& sql, const std::string& user_id);
  static void Insert(soci::session& sql, const Address& address, std::int64_t now_ms);
  /// True when the owner's address existed and was updated.
  static bool Update(soci::session& sql, const Address& address);
  /// True when the owner's address existed and was deleted.
  static bool Delete(soci::session& sql, const std::string& user_id, const std::string& id);
  /// Clears the default flag on every address of the user.
  static void ClearDefault(soci::session& sql, const std::string& user_id);
};

}  // namespace shop::identity
