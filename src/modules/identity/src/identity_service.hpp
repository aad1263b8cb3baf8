#pragma once
// The identity service: accounts, credentials, mailed tokens, roles and the
// address book, over the repositories in this folder.

#include <memory>

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/outbox.hpp"
#include "platform/ids/ids.hpp"
#include "shop/identity/identity.hpp"

namespace shop::identity {

struct IdentityServiceDeps {
  platform::db::Db& db;
  platform::events::Outbox& outbox;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  /// Copied: argon2id cost and token lifetimes.
  const platform::config::IdentityConfig& config;
};

/// Builds the service. Computes the dummy password hash once (tens of
/// milliseconds). Throws std::invalid_argument when the argon2id cost in
/// `config` is below the minimum. The references in `deps` must outlive the
/// service.
std::unique_ptr<IdentityService> MakeIdentityService(IdentityServiceDeps deps);

}  // namespace shop::identity

#include "password.hpp"
#include "token_repository.hpp"
#include "user_repository.hpp"

namespace shop::identity {

/// Thread-safe: holds no mutable state besides what the database keeps.
class IdentityServiceImpl final : public IdentityService {
 public:
  explicit IdentityServiceImpl(IdentityServiceDeps deps);

  Result<User> Register(std::string_view email, std::string_view password, std::string_view name) override;
  Result<User> Authenticate(std::string_view email, std::string_view password) override;
  Result<User> GetUser(const UserId& id) override;
  Result<User> UpdateProfile(const UserId& id, const std::optional<std::string>& name,
                             const std::optional<std::string>& email) override;
  Result<User> ChangePassword(const UserId& id, std::string_view current, std::string_view next) override;
  Result<void> RequestPasswordReset(std::string_view email) override;
  Result<User> ResetPassword(std::string_view token, std::string_view new_password) override;
  Result<void> RequestEmailVerification(const UserId& id) override;
  Result<User> VerifyEmail(std::string_view token) override;
  Result<User> SetRole(const UserId& actor, const UserId& target, Role role) override;
  Result<User> EnsureUser(std::string_view email, std::string_view password, std::string_view name,
                          Role role) override;
  bool Empty() override;
  Result<UserPage> ListUsers(std::string_view query, int limit, std::string_view cursor) override;
  Result<std::vector<Address>> ListAddresses(const UserId& owner) override;
  Result<Address> AddAddress(const UserId& owner, const AddressInput& input) override;
  Result<Address> GetAddress(const UserId& owner, std::string_view address_id) override;
  Result<Address> UpdateAddress(const UserId& owner, std::string_view address_id,
                                const AddressInput& input) override;
  Result<void> DeleteAddress(const UserId& owner, std::string_view address_id) override;

  const PasswordHasher& hasher() const { return hasher_; }

 private:
  // Issues a fresh token of `purpose` for `user` in `tx` (older unused ones of
  // the purpose stop working) and appends the matching event.
  void IssueToken(platform::db::Tx& tx, const User& user, TokenPurpose purpose);
  std::optional<UserRow> FindUser(const std::string& id);

  platform::db::Db& db_;
  platform::events::Outbox& outbox_;
  const platform::Clock& clock_;
  platform::IdGenerator& ids_;
  platform::config::IdentityConfig config_;
  PasswordHasher hasher_;
};

}  // namespace shop::identity
