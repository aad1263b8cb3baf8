#include "password.hpp"

#include <sodium.h>

#include <stdexcept>

#include "shop/identity/identity.hpp"

namespace shop::identity {

Result<void> ValidatePasswordLength(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return Error::InvalidInput("invalid password", {{"password", "must be at least 8 characters"}});
  }
  if (password.size() > kMaxPasswordBytes) {
    return Error::InvalidInput("invalid password", {{"password", "must be at most 1024 bytes"}});
  }
  return {};
}

PasswordHasher::PasswordHasher(std::uint64_t ops, std::uint64_t memory_kib)
    : ops_(ops), memory_kib_(memory_kib) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  if (ops_ < kMinArgon2Ops) throw std::invalid_argument("argon2id ops must be at least 2");
  if (memory_kib_ < kMinArgon2MemoryKib)
    throw std::invalid_argument("argon2id memory must be at least 19456 KiB");
  if (ops_ > crypto_pwhash_OPSLIMIT_MAX || memory_kib_ * 1024 > crypto_pwhash_MEMLIMIT_MAX) {
    throw std::invalid_argument("argon2id cost exceeds libsodium's limits");
  }
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  dummy_hash_ = Hash(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
}

std::string PasswordHasher::Hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_,
                            static_cast<std::size_t>(memory_kib_ * 1024),
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory)");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(std::string_view hash, std::string_view password) const {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string terminated(hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view hash) const {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return true;
  const std::string terminated(hash);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), ops_,
                                        static_cast<std::size_t>(memory_kib_ * 1024)) != 0;
}

}  // namespace shop::identity
