#pragma once
/// Identifiers (DESIGN §2): time-ordered random ids for entities (UUIDv7, so
/// B-tree inserts stay local and ids sort by creation), and unguessable
/// tokens for carts, sessions and guest order links. Thread-safe.

#include "platform/clock/clock.hpp"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace shop::platform {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  /// A UUIDv7 in canonical lower-case form (36 chars).
  virtual std::string NewId() = 0;
  /// `bytes` random bytes from the OS CSPRNG, base64url without padding.
  virtual std::string NewToken(std::size_t bytes = 32) = 0;
};

/// UUIDv7 from the given clock and libsodium's CSPRNG. Ids made within the
/// same millisecond by one generator still increase (monotonic counter in
/// the random bits, RFC 9562 §6.2 method 1).
class RandomIdGenerator final : public IdGenerator {
 public:
  explicit RandomIdGenerator(const Clock& clock);
  std::string NewId() override;
  std::string NewToken(std::size_t bytes = 32) override;

 private:
  const Clock& clock_;
  std::int64_t last_ms_ = 0;
  std::uint16_t counter_ = 0;
  std::mutex mutex_;
};

/// True for a canonical UUID string of any version (36 chars, lower or upper hex).
bool LooksLikeUuid(std::string_view s);
/// The millisecond timestamp embedded in a UUIDv7; 0 if `id` is not one.
std::int64_t UuidV7Millis(std::string_view id);

}  // namespace shop::platform
