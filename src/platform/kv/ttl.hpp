#pragma once
/// Argument check shared by the KvStore implementations (internal).

#include <chrono>
#include <optional>
#include <stdexcept>

namespace shop::platform::kv {

/// A zero or negative TTL is a caller bug (Redis would refuse it), not an
/// infrastructure failure, hence std::invalid_argument rather than KvError.
inline void RequireValidTtl(std::optional<std::chrono::milliseconds> ttl) {
  if (ttl && ttl->count() <= 0) throw std::invalid_argument("kv: TTL must be positive");
}

}  // namespace shop::platform::kv
