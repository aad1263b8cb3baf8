#include "identity_service.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>

#include "address_repository.hpp"
#include "shop/identity/email.hpp"
#include "platform/crypto/hmac.hpp"
#include "shop/identity/events.hpp"
#include "text.hpp"
#include "validation.hpp"

namespace shop::identity {
namespace {

namespace db = platform::db;
namespace ev = shop::identity::events;

constexpr std::size_t kMaxTokenChars = 128;  // NewToken(32) is 43; anything far longer is garbage
constexpr std::size_t kMaxIdChars = 64;
constexpr std::size_t kMaxQueryChars = 254;
constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;

Error Unauthenticated(std::string detail) { return {ErrorCode::kUnauthenticated, std::move(detail), {}}; }
Error Forbidden(std::string detail) { return {ErrorCode::kForbidden, std::move(detail), {}}; }

Error BadCredentials() { return Unauthenticated("invalid e-mail or password"); }
Error BadToken() { return Unauthenticated("this link is invalid or has expired"); }
Error EmailTaken() { return Error::Conflict("an account with this e-mail address already exists"); }
Error UserNotFound() { return Error::NotFound("user not found"); }
Error AddressNotFound() { return Error::NotFound("address not found"); }

// Merges the field errors of several failed checks into one InvalidInput.
void Collect(const Error& error, std::vector<FieldError>& into) {
  into.insert(into.end(), error.fields.begin(), error.fields.end());
}

bool IsUnique(const db::DbError& e) { return e.kind() == db::DbErrorKind::kUniqueViolation; }

std::string Base64Url(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::optional<std::string> FromBase64Url(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

// The cursor is opaque to clients: base64url of "<created_at_ms>:<id>".
std::string EncodeCursor(const User& last) {
  return Base64Url(std::to_string(last.created_at_ms) + ":" + last.id.value);
}

std::optional<UserCursor> DecodeCursor(std::string_view cursor) {
  if (cursor.size() > 128) return std::nullopt;
  auto text = FromBase64Url(cursor);
  if (!text) return std::nullopt;
  const auto colon = text->find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text->size()) return std::nullopt;
  UserCursor out;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + colon, out.created_at_ms);
  if (ec != std::errc() || end != text->data() + colon) return std::nullopt;
  out.id = text->substr(colon + 1);
  return out;
}

}  // namespace

std::unique_ptr<IdentityService> MakeIdentityService(IdentityServiceDeps deps) {
  return std::make_unique<IdentityServiceImpl>(deps);
}

IdentityServiceImpl::IdentityServiceImpl(IdentityServiceDeps deps)
    : db_(deps.db),
      outbox_(deps.outbox),
      clock_(deps.clock),
      ids_(deps.ids),
      config_(deps.config),
      hasher_(static_cast<std::uint64_t>(deps.config.argon2_ops),
              static_cast<std::uint64_t>(deps.config.argon2_memory_kib)) {}

std::optional<UserRow> IdentityServiceImpl::FindUser(const std::string& id) {
  if (id.empty() || id.size() > kMaxIdChars) return std::nullopt;
  return db_.WithSession([&](soci::session& sql) { return UserRepository::FindById(sql, id); });
}

void IdentityServiceImpl::IssueToken(db::Tx& tx, const User& user, TokenPurpose purpose) {
  const std::int64_t now = clock_.NowMs();
  const std::int64_t ttl_ms = purpose == TokenPurpose::kPasswordReset
                                  ? config_.reset_token_ttl_minutes * 60'000
                                  : config_.verification_token_ttl_hours * 3'600'000;
  const std::string token = ids_.NewToken(32);
  TokenRow row;
  row.token_hash = platform::crypto::Sha256Hex(token);
  row.purpose = purpose;
  row.user_id = user.id.value;
  row.email = user.email;
  row.expires_at_ms = now + ttl_ms;
  TokenRepository::InvalidateUnused(tx.sql(), user.id.value, purpose, now);
  TokenRepository::Insert(tx.sql(), row, now);
  if (purpose == TokenPurpose::kPasswordReset) {
    outbox_.Publish(
        tx, user.id.value,
        ev::PasswordResetRequested{user.id.value, user.email, user.name, token, row.expires_at_ms});
  } else {
    outbox_.Publish(
        tx, user.id.value,
        ev::EmailVerificationRequested{user.id.value, user.email, user.name, token, row.expires_at_ms});
  }
}

Result<User> IdentityServiceImpl::Register(std::string_view email, std::string_view password,
                                           std::string_view name) {
  std::vector<FieldError> errors;
  auto normalized = NormalizeEmail(email);
  if (!normalized) Collect(normalized.error(), errors);
  std::string clean_name = CleanName(name, errors);
  if (auto length = ValidatePasswordLength(password); !length) Collect(length.error(), errors);
  if (!errors.empty()) return Error::InvalidInput("the account details are invalid", std::move(errors));

  const bool taken = db_.WithSession(
      [&](soci::session& sql) { return UserRepository::FindByEmail(sql, *normalized).has_value(); });
  if (taken) return EmailTaken();

  UserRow row;
  row.password_hash = hasher_.Hash(password);  // outside any transaction: argon2 is slow on purpose
  row.user.id = UserId{ids_.NewId()};
  row.user.email = *normalized;
  row.user.name = std::move(clean_name);
  row.user.role = Role::kCustomer;
  row.user.email_verified = false;
  try {
    return db_.InTransaction([&](db::Tx& tx) -> Result<User> {
      const std::int64_t now = clock_.NowMs();
      row.user.created_at_ms = now;
      UserRepository::Insert(tx.sql(), row, now);
      outbox_.Publish(tx, row.user.id.value,
                      ev::UserRegistered{row.user.id.value, row.user.email, row.user.name});
      IssueToken(tx, row.user, TokenPurpose::kEmailVerification);
      return row.user;
    });
  } catch (const db::DbError& e) {
    if (IsUnique(e)) return EmailTaken();
    throw;
  }
}

Result<User> IdentityServiceImpl::Authenticate(std::string_view email, std::string_view password) {
  // An oversized password is refused before any hashing; the answer is the
  // same as for a wrong one.
  if (password.empty() || password.size() > kMaxPasswordBytes) return BadCredentials();
  auto normalized = NormalizeEmail(email);
  std::optional<UserRow> row;
  if (normalized) {
    row = db_.WithSession([&](soci::session& sql) { return UserRepository::FindByEmail(sql, *normalized); });
  }
  if (!row) {
    (void)hasher_.Verify(hasher_.DummyHash(), password);  // same work as for a real account
    return BadCredentials();
  }
  if (!hasher_.Verify(row->password_hash, password)) return BadCredentials();

  if (hasher_.NeedsRehash(row->password_hash)) {
    const std::string fresh = hasher_.Hash(password);
    db_.InTransaction([&](db::Tx& tx) {
      // Compare-and-set: a password changed meanwhile stays changed.
      UserRepository::ReplacePasswordHash(tx.sql(), row->user.id.value, row->password_hash, fresh,
                                          clock_.NowMs());
    });
  }
  return row->user;
}

Result<User> IdentityServiceImpl::GetUser(const UserId& id) {
  auto row = FindUser(id.value);
  if (!row) return UserNotFound();
  return row->user;
}

Result<User> IdentityServiceImpl::UpdateProfile(const UserId& id, const std::optional<std::string>& name,
                                                const std::optional<std::string>& email) {
  std::vector<FieldError> errors;
  std::optional<std::string> clean_name;
  std::optional<std::string> clean_email;
  if (name) clean_name = CleanName(*name, errors);
  if (email) {
    auto normalized = NormalizeEmail(*email);
    if (normalized) {
      clean_email = *normalized;
    } else {
      Collect(normalized.error(), errors);
    }
  }
  if (!errors.empty()) return Error::InvalidInput("the profile is invalid", std::move(errors));
  if (id.value.empty() || id.value.size() > kMaxIdChars) return UserNotFound();

  try {
    return db_.InTransaction([&](db::Tx& tx) -> Result<User> {
      auto row = UserRepository::FindById(tx.sql(), id.value);
      if (!row) return UserNotFound();
      User user = row->user;
      const bool email_changed = clean_email && *clean_email != user.email;
      if (clean_name) user.name = *clean_name;
      if (email_changed) {
        if (UserRepository::FindByEmail(tx.sql(), *clean_email)) return EmailTaken();
        user.email = *clean_email;
        user.email_verified = false;
      }
      if (user.name == row->user.name && !email_changed) return user;
      const std::int64_t now = clock_.NowMs();
      UserRepository::UpdateProfile(tx.sql(), user.id.value, user.name, user.email, user.email_verified, now);
      if (email_changed) {
        // Links mailed to the old address must not act on the new one.
        TokenRepository::InvalidateUnused(tx.sql(), user.id.value, TokenPurpose::kPasswordReset, now);
        IssueToken(tx, user, TokenPurpose::kEmailVerification);
      }
      return user;
    });
  } catch (const db::DbError& e) {
    if (IsUnique(e)) return EmailTaken();
    throw;
  }
}

Result<User> IdentityServiceImpl::ChangePassword(const UserId& id, std::string_view current,
                                                 std::string_view next) {
  if (auto length = ValidatePasswordLength(next); !length) return length.error();
  if (current.empty() || current.size() > kMaxPasswordBytes)
    return Unauthenticated("the current password is wrong");
  auto row = FindUser(id.value);
  if (!row) return UserNotFound();
  if (!hasher_.Verify(row->password_hash, current)) return Unauthenticated("the current password is wrong");
  const std::string fresh = hasher_.Hash(next);
  return db_.InTransaction([&](db::Tx& tx) -> Result<User> {
    const std::int64_t now = clock_.NowMs();
    if (!UserRepository::ReplacePasswordHash(tx.sql(), id.value, row->password_hash, fresh, now)) {
      return Error::Conflict("the password was changed meanwhile; try again");
    }
    TokenRepository::InvalidateUnused(tx.sql(), id.value, TokenPurpose::kPasswordReset, now);
    outbox_.Publish(tx, id.value, ev::PasswordChanged{id.value});
    auto updated = UserRepository::FindById(tx.sql(), id.value);
    if (!updated) return UserNotFound();
    return updated->user;
  });
}

Result<void> IdentityServiceImpl::RequestPasswordReset(std::string_view email) {
  auto normalized = NormalizeEmail(email);
  if (!normalized) return normalized.error();
  return db_.InTransaction([&](db::Tx& tx) -> Result<void> {
    auto row = UserRepository::FindByEmail(tx.sql(), *normalized);
    if (!row) return {};                                      // same answer as for an account: no enumeration
    IssueToken(tx, row->user, TokenPurpose::kPasswordReset);  // to the stored address
    return {};
  });
}

Result<User> IdentityServiceImpl::ResetPassword(std::string_view token, std::string_view new_password) {
  if (auto length = ValidatePasswordLength(new_password); !length) return length.error();
  if (token.empty() || token.size() > kMaxTokenChars) return BadToken();
  const std::string hash = platform::crypto::Sha256Hex(token);
  // Cheap pre-check so a bogus link costs no argon2 work; Consume decides.
  const bool usable = db_.WithSession([&](soci::session& sql) {
    return TokenRepository::IsUsable(sql, hash, TokenPurpose::kPasswordReset, clock_.NowMs());
  });
  if (!usable) return BadToken();
  const std::string fresh = hasher_.Hash(new_password);
  return db_.InTransaction([&](db::Tx& tx) -> Result<User> {
    const std::int64_t now = clock_.NowMs();
    auto owner = TokenRepository::Consume(tx.sql(), hash, TokenPurpose::kPasswordReset, now);
    if (!owner) return BadToken();
    auto row = UserRepository::FindById(tx.sql(), owner->user_id);
    // A token mailed to an address the account no longer has is void.
    if (!row || row->user.email != owner->email) return BadToken();
    UserRepository::SetPasswordHash(tx.sql(), owner->user_id, fresh, now);
    ++row->user.credential_epoch;  // as the UPDATE just did
    // Receiving the link at the stored address proves it is theirs.
    if (!row->user.email_verified) {
      UserRepository::SetEmailVerified(tx.sql(), owner->user_id, now);
      row->user.email_verified = true;
    }
    TokenRepository::InvalidateUnused(tx.sql(), owner->user_id, TokenPurpose::kPasswordReset, now);
    outbox_.Publish(tx, owner->user_id, ev::PasswordChanged{owner->user_id});
    return row->user;
  });
}

Result<void> IdentityServiceImpl::RequestEmailVerification(const UserId& id) {
  if (id.value.empty() || id.value.size() > kMaxIdChars) return UserNotFound();
  return db_.InTransaction([&](db::Tx& tx) -> Result<void> {
    auto row = UserRepository::FindById(tx.sql(), id.value);
    if (!row) return UserNotFound();
    if (row->user.email_verified) return {};
    IssueToken(tx, row->user, TokenPurpose::kEmailVerification);
    return {};
  });
}

Result<User> IdentityServiceImpl::VerifyEmail(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenChars) return BadToken();
  const std::string hash = platform::crypto::Sha256Hex(token);
  return db_.InTransaction([&](db::Tx& tx) -> Result<User> {
    const std::int64_t now = clock_.NowMs();
    auto owner = TokenRepository::Consume(tx.sql(), hash, TokenPurpose::kEmailVerification, now);
    if (!owner) return BadToken();
    auto row = UserRepository::FindById(tx.sql(), owner->user_id);
    if (!row || row->user.email != owner->email) return BadToken();
    if (!row->user.email_verified) UserRepository::SetEmailVerified(tx.sql(), owner->user_id, now);
    row->user.email_verified = true;
    return row->user;
  });
}

Result<User> IdentityServiceImpl::SetRole(const UserId& actor, const UserId& target, Role role) {
  if (actor.value.empty() || actor.value.size() > kMaxIdChars)
    return Forbidden("only an admin may change roles");
  if (target.value.empty() || target.value.size() > kMaxIdChars) return UserNotFound();
  return db_.InTransaction([&](db::Tx& tx) -> Result<User> {
    auto acting = UserRepository::FindById(tx.sql(), actor.value);
    if (!acting || acting->user.role != Role::kAdmin) return Forbidden("only an admin may change roles");
    auto row = UserRepository::FindById(tx.sql(), target.value);
    if (!row) return UserNotFound();
    if (actor == target && role != Role::kAdmin) return Forbidden("an admin cannot demote themself");
    if (row->user.role == role) return row->user;
    UserRepository::SetRole(tx.sql(), target.value, role, clock_.NowMs());
    outbox_.Publish(tx, target.value,
                    ev::RoleChanged{target.value, std::string(RoleName(role)), actor.value});
    row->user.role = role;
    return row->user;
  });
}

Result<User> IdentityServiceImpl::EnsureUser(std::string_view email, std::string_view password,
                                             std::string_view name, Role role) {
  std::vector<FieldError> errors;
  auto normalized = NormalizeEmail(email);
  if (!normalized) Collect(normalized.error(), errors);
  std::string clean_name = CleanName(name, errors);
  if (auto length = ValidatePasswordLength(password); !length) Collect(length.error(), errors);
  if (!errors.empty()) return Error::InvalidInput("the account details are invalid", std::move(errors));
  const std::string hash = hasher_.Hash(password);
  try {
    return db_.InTransaction([&](db::Tx& tx) -> Result<User> {
      const std::int64_t now = clock_.NowMs();
      if (auto row = UserRepository::FindByEmail(tx.sql(), *normalized)) {
        const std::string& id = row->user.id.value;
        UserRepository::SetPasswordHash(tx.sql(), id, hash, now);
        TokenRepository::InvalidateUnused(tx.sql(), id, TokenPurpose::kPasswordReset, now);
        outbox_.Publish(tx, id, ev::PasswordChanged{id});
        if (row->user.role != role) {
          UserRepository::SetRole(tx.sql(), id, role, now);
          outbox_.Publish(tx, id, ev::RoleChanged{id, std::string(RoleName(role)), "system"});
          row->user.role = role;
        }
        return row->user;
      }
      // The operator names the address, so it counts as verified.
      UserRow row;
      row.user.id = UserId{ids_.NewId()};
      row.user.email = *normalized;
      row.user.name = clean_name;
      row.user.role = role;
      row.user.email_verified = true;
      row.user.created_at_ms = now;
      row.password_hash = hash;
      UserRepository::Insert(tx.sql(), row, now);
      outbox_.Publish(tx, row.user.id.value,
                      ev::UserRegistered{row.user.id.value, row.user.email, row.user.name});
      if (role != Role::kCustomer) {
        outbox_.Publish(tx, row.user.id.value,
                        ev::RoleChanged{row.user.id.value, std::string(RoleName(role)), "system"});
      }
      return row.user;
    });
  } catch (const db::DbError& e) {
    if (IsUnique(e)) return EmailTaken();  // created concurrently; the caller may retry
    throw;
  }
}

bool IdentityServiceImpl::Empty() {
  return !db_.WithSession([](soci::session& sql) { return UserRepository::Any(sql); });
}

Result<UserPage> IdentityServiceImpl::ListUsers(std::string_view query, int limit, std::string_view cursor) {
  const std::string_view trimmed = TrimAscii(query);
  if (trimmed.size() > kMaxQueryChars) {
    return Error::InvalidInput("invalid search", {{"query", "must be at most 254 characters"}});
  }
  std::optional<UserCursor> after;
  if (!cursor.empty()) {
    after = DecodeCursor(cursor);
    if (!after)
      return Error::InvalidInput("invalid cursor", {{"cursor", "is not a cursor this server issued"}});
  }
  const int page_size = limit <= 0 ? kDefaultPageSize : std::min(limit, kMaxPageSize);
  auto users = db_.WithSession(
      [&](soci::session& sql) { return UserRepository::List(sql, trimmed, page_size + 1, after); });
  UserPage page;
  if (static_cast<int>(users.size()) > page_size) {
    users.resize(static_cast<std::size_t>(page_size));
    page.next_cursor = EncodeCursor(users.back());
  }
  page.items = std::move(users);
  return page;
}

Result<std::vector<Address>> IdentityServiceImpl::ListAddresses(const UserId& owner) {
  return db_.WithSession([&](soci::session& sql) { return AddressRepository::List(sql, owner.value); });
}

Result<Address> IdentityServiceImpl::AddAddress(const UserId& owner, const AddressInput& input) {
  auto clean = CleanAddress(input);
  if (!clean) return clean.error();
  if (owner.value.empty() || owner.value.size() > kMaxIdChars) return UserNotFound();
  return db_.InTransaction([&](db::Tx& tx) -> Result<Address> {
    if (!UserRepository::FindById(tx.sql(), owner.value)) return UserNotFound();
    const int count = AddressRepository::Count(tx.sql(), owner.value);
    if (count >= kMaxAddressesPerUser) {
      return Error::Unprocessable("an address book holds at most 50 addresses; delete one first");
    }
    Address address;
    static_cast<AddressInput&>(address) = *clean;
    address.id = ids_.NewId();
    address.user_id = owner;
    address.is_default = clean->is_default || count == 0;  // the first address is the default
    if (address.is_default) AddressRepository::ClearDefault(tx.sql(), owner.value);
    AddressRepository::Insert(tx.sql(), address, clock_.NowMs());
    return address;
  });
}

Result<Address> IdentityServiceImpl::GetAddress(const UserId& owner, std::string_view address_id) {
  if (address_id.empty() || address_id.size() > kMaxIdChars) return AddressNotFound();
  const std::string id(address_id);
  auto found =
      db_.WithSession([&](soci::session& sql) { return AddressRepository::Find(sql, owner.value, id); });
  if (!found) return AddressNotFound();
  return *found;
}

Result<Address> IdentityServiceImpl::UpdateAddress(const UserId& owner, std::string_view address_id,
                                                   const AddressInput& input) {
  if (address_id.empty() || address_id.size() > kMaxIdChars) return AddressNotFound();
  auto clean = CleanAddress(input);
  if (!clean) return clean.error();
  const std::string id(address_id);
  return db_.InTransaction([&](db::Tx& tx) -> Result<Address> {
    if (!AddressRepository::Find(tx.sql(), owner.value, id)) return AddressNotFound();
    Address address;
    static_cast<AddressInput&>(address) = *clean;
    address.id = id;
    address.user_id = owner;
    if (address.is_default) AddressRepository::ClearDefault(tx.sql(), owner.value);
    if (!AddressRepository::Update(tx.sql(), address)) return AddressNotFound();
    return address;
  });
}

Result<void> IdentityServiceImpl::DeleteAddress(const UserId& owner, std::string_view address_id) {
  if (address_id.empty() || address_id.size() > kMaxIdChars) return AddressNotFound();
  const std::string id(address_id);
  return db_.InTransaction([&](db::Tx& tx) -> Result<void> {
    if (!AddressRepository::Delete(tx.sql(), owner.value, id)) return AddressNotFound();
    return {};
  });
}

}  // namespace shop::identity
