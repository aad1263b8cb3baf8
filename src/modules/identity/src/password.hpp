#pragma once
// Password hashing with argon2id (libsodium), and the length policy checked
// before any hashing so an oversized password costs nothing.

#include <cstdint>
#include <string>
#include <string_view>

#include "platform/core/error.hpp"

namespace shop::identity {

/// Minimum argon2id cost the shop accepts (OWASP: m = 19 MiB, t = 2).
inline constexpr std::uint64_t kMinArgon2MemoryKib = 19456;
inline constexpr std::uint64_t kMinArgon2Ops = 2;

/// kInvalidInput with field "password" unless 8 <= bytes <= 1024. Cheap.
Result<void> ValidatePasswordLength(std::string_view password);

/// Thread-safe; every call is independent. Hash and Verify take tens of
/// milliseconds and ~memory_kib of RAM on purpose: never call them on an I/O
/// thread or while holding a database transaction.
class PasswordHasher {
 public:
  /// Throws std::invalid_argument below the minimum cost, std::runtime_error
  /// when libsodium cannot initialise. Computes the dummy hash.
  PasswordHasher(std::uint64_t ops, std::uint64_t memory_kib);

  /// "$argon2id$v=19$m=<kib>,t=<ops>,p=1$<salt>$<hash>". Throws
  /// std::runtime_error when memory for hashing cannot be had.
  std::string Hash(std::string_view password) const;

  /// True when `password` matches `hash`; false for a wrong password or an
  /// unparsable hash.
  bool Verify(std::string_view hash, std::string_view password) const;

  /// True when `hash` was made with other parameters than the configured
  /// ones (or cannot be parsed): store a fresh hash after a good sign-in.
  bool NeedsRehash(std::string_view hash) const;

  /// A hash of a random password made at construction, verified against
  /// when an account does not exist, so "unknown e-mail" and "wrong password"
  /// take the same time.
  const std::string& DummyHash() const { return dummy_hash_; }

  std::uint64_t ops() const { return ops_; }
  std::uint64_t memory_kib() const { return memory_kib_; }

 private:
  std::uint64_t ops_;
  std::uint64_t memory_kib_;
  std::string dummy_hash_;
};

}  // namespace shop::identity
