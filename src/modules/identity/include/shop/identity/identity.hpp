#pragma once
/// The identity module's service contract: accounts, credentials, roles and
/// the address book. Plain synchronous C++ (no transport types), so it can be
/// tested without a server and moved behind RPC unchanged. Implementations
/// are thread-safe. Password hashing is slow on purpose (argon2id): call from
/// the blocking pool, never an I/O thread.
///
/// Errors are values (shop::Result). Common kinds: kInvalidInput with field
/// errors for bad input (nothing changes), kNotFound for a missing id or one
/// that belongs to someone else (never 403, so ids cannot be probed),
/// kConflict for a taken e-mail, kUnauthenticated for bad credentials or an
/// invalid/expired token.

#include "platform/core/error.hpp"
#include "shop/identity/types.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::identity {

/// Bounds that the HTTP layer also uses to refuse input before hashing.
inline constexpr std::size_t kMinPasswordBytes = 8;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

class IdentityService {
 public:
  virtual ~IdentityService() = default;

  /// Creates a customer account. The e-mail is normalised (trim, NFC,
  /// lower-case) and must be unique; a role cannot be chosen here. Publishes
  /// identity.user_registered.v1 and an e-mail verification message.
  virtual Result<User> Register(std::string_view email, std::string_view password, std::string_view name) = 0;

  /// Checks credentials. An unknown e-mail and a wrong password give the same
  /// kUnauthenticated error in similar time (a dummy hash is verified).
  /// Re-hashes the password when the configured argon2id cost has risen.
  virtual Result<User> Authenticate(std::string_view email, std::string_view password) = 0;

  virtual Result<User> GetUser(const UserId& id) = 0;

  /// Changes name and/or e-mail (a new e-mail becomes unverified and gets a
  /// verification message). kConflict if the e-mail is taken.
  virtual Result<User> UpdateProfile(const UserId& id, const std::optional<std::string>& name,
                                     const std::optional<std::string>& email) = 0;

  /// kUnauthenticated if `current` is wrong. Bumps the credential epoch, so
  /// every session and API token of the account ends; returns the updated
  /// user (the caller starts a new session for the current browser).
  virtual Result<User> ChangePassword(const UserId& id, std::string_view current, std::string_view next) = 0;

  /// Succeeds for any well-formed e-mail, whether or not an account exists
  /// (no enumeration). If one exists, a single-use token with an expiry is
  /// mailed to the address stored on the account — never to the address as
  /// typed.
  virtual Result<void> RequestPasswordReset(std::string_view email) = 0;

  /// Consumes a reset token and sets the password, ending every session and
  /// API token of the account (credential epoch). kUnauthenticated for an
  /// unknown, used or expired token.
  virtual Result<User> ResetPassword(std::string_view token, std::string_view new_password) = 0;

  /// Mails a fresh verification token to the stored address.
  virtual Result<void> RequestEmailVerification(const UserId& id) = 0;
  /// Consumes a verification token. kUnauthenticated for an unknown, used or expired token.
  virtual Result<User> VerifyEmail(std::string_view token) = 0;

  /// Admin grants or revokes staff: `actor` must be an admin (kForbidden
  /// otherwise); an admin cannot demote themself.
  virtual Result<User> SetRole(const UserId& actor, const UserId& target, Role role) = 0;

  /// For `shopd create-admin` and the dev profile's demo admin: creates the
  /// account with `role`, or sets the role and password of an existing one.
  virtual Result<User> EnsureUser(std::string_view email, std::string_view password, std::string_view name,
                                  Role role) = 0;

  /// True when no user exists yet (the dev profile then creates a demo admin).
  virtual bool Empty() = 0;

  /// Staff listing: users whose e-mail or name contains `query` (any case),
  /// newest first, cursor-paginated.
  virtual Result<UserPage> ListUsers(std::string_view query, int limit, std::string_view cursor) = 0;

  virtual Result<std::vector<Address>> ListAddresses(const UserId& owner) = 0;
  virtual Result<Address> AddAddress(const UserId& owner, const AddressInput& input) = 0;
  /// kNotFound when the address does not exist or belongs to another user.
  virtual Result<Address> GetAddress(const UserId& owner, std::string_view address_id) = 0;
  virtual Result<Address> UpdateAddress(const UserId& owner, std::string_view address_id,
                                        const AddressInput& input) = 0;
  virtual Result<void> DeleteAddress(const UserId& owner, std::string_view address_id) = 0;
};

}  // namespace shop::identity
