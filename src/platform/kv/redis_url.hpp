#pragma once
/// Parsing of `redis.url` for the Redis KvStore.
///
/// Thread-safety: pure function.

#include <string>
#include <string_view>

namespace shop::platform::kv {

struct RedisEndpoint {
  std::string host;
  int port = 6379;
  std::string username;  ///< Redis 6 ACL user; empty: the default user
  std::string password;  ///< empty: no AUTH
  int db = 0;            ///< SELECTed after connecting

  /// "host:port" for messages; never includes the password.
  std::string Describe() const;
};

/// Parses redis://[[username]:password@]host[:port][/db]. The user and
/// password may be percent-encoded; an IPv6 host is written in brackets.
/// Throws KvError naming what is wrong (never echoing the password) for any
/// other scheme (rediss:// included: TLS is not supported), a missing host,
/// a bad port or db, or a query string.
RedisEndpoint ParseRedisUrl(std::string_view url);

}  // namespace shop::platform::kv
