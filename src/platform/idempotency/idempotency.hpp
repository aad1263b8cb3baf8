#pragma once
/// Idempotency-Key support for state-changing API calls (DESIGN §4
/// Payments): checkout, payment confirmation, capture and refund.
///
/// The first request with a key claims it; when it finishes, its response is
/// stored with a hash of the request. Then, for the same (scope, key):
/// - the same request again → the stored response, replayed unchanged;
/// - a different request (another body, method or path) → 422;
/// - while the first is still running → 409 (a concurrent duplicate).
/// A claim whose request failed with 5xx (or threw) is dropped, so the
/// client may retry. A claim left by a crashed process expires after
/// `lock_timeout` and can be taken again.
///
/// Rows live in platform_idempotency_keys; `retention` bounds how long a
/// stored response is replayed (Prune deletes older ones).

#include "platform/clock/clock.hpp"
#include "platform/db/db.hpp"
#include "platform/http/request.hpp"
#include "platform/http/response.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace shop::platform::idempotency {

/// Longest accepted key; longer or empty keys, or keys with characters
/// outside visible ASCII, are refused with 400.
inline constexpr std::size_t kMaxKeyLength = 255;

/// How long a finished request's response is replayed, and after how long
/// a claim left by a crashed request may be taken again: a client retrying
/// within a day gets the first answer; a claim whose request died is free
/// again after a minute.
inline constexpr std::chrono::hours kDefaultRetention{24};
inline constexpr std::chrono::seconds kDefaultLockTimeout{60};

/// True when `key` is 1..kMaxKeyLength visible ASCII characters.
bool IsValidKey(std::string_view key);

/// What Begin found.
enum class ClaimKind {
  kFresh,       ///< this caller owns the key now: run the request, then Complete or Abandon
  kReplay,      ///< a finished request with the same hash: `stored` holds its response
  kMismatch,    ///< the key was used for a different request
  kInProgress,  ///< another request with this key is still running
};

struct StoredResponse {
  int status = 200;
  std::string content_type;
  std::string location;  ///< Location header, if the response had one
  std::string body;
};

struct Claim {
  ClaimKind kind = ClaimKind::kFresh;
  std::optional<StoredResponse> stored;  ///< set for kReplay
};

class IdempotencyStore {
 public:
  IdempotencyStore(db::Db& db, const Clock& clock, std::chrono::milliseconds retention,
                   std::chrono::milliseconds lock_timeout);

  /// Claims (scope, key) for a request whose hash is `request_hash`. The
  /// scope separates callers and operations ("checkout:guest",
  /// "refund:<user id>"), so one client's key never replays to another.
  /// Throws DbError on database failure.
  Claim Begin(std::string_view scope, std::string_view key, std::string_view request_hash);

  /// Stores the response of a claimed request (kFresh) for replay.
  void Complete(std::string_view scope, std::string_view key, const StoredResponse& response);
  /// As Complete, inside the caller's transaction, so the response is
  /// committed exactly when the effect is.
  void Complete(db::Tx& tx, std::string_view scope, std::string_view key, const StoredResponse& response);

  /// Drops a claim whose request did not finish (5xx, exception), so a
  /// retry runs again.
  void Abandon(std::string_view scope, std::string_view key);

  /// Deletes finished entries older than the retention and claims older than
  /// the lock timeout; returns how many.
  std::int64_t Prune();

 private:
  db::Db& db_;
  const Clock& clock_;
  std::chrono::milliseconds retention_;
  std::chrono::milliseconds lock_timeout_;
};

/// Hash of what makes two requests "the same": method, path and body.
std::string RequestHash(const http::Request& request);

/// Handed to a handler run under WithIdempotencyKey: lets it store its
/// response inside its own write transaction, so the response commits
/// exactly with the effect, one write transaction fewer than storing it
/// afterwards. Not thread-safe; lives for one request.
class Completion {
 public:
  /// Stores `response` for replay in `tx` (a transaction on the store's
  /// database). Once that transaction has committed, WithIdempotencyKey
  /// stores nothing itself; the handler must then return this same
  /// response. Does nothing for a request without a key.
  void InTransaction(db::Tx& tx, const http::Response& response);

 private:
  friend http::Response WithIdempotencyKey(IdempotencyStore& store, const http::Request& request,
                                           std::string_view scope, bool required,
                                           const std::function<http::Response(Completion&)>& handler);
  Completion(IdempotencyStore* store, std::string scope, std::string key)
      : store_(store), scope_(std::move(scope)), key_(std::move(key)) {}
  IdempotencyStore* store_;  // nullptr: no key
  std::string scope_;
  std::string key_;
  bool committed_ = false;
};

/// Runs `handler` under the request's Idempotency-Key header within `scope`:
/// fresh → runs it and stores a non-5xx response; replay → the stored
/// response with `Idempotent-Replayed: true`; mismatch → 422; in progress →
/// 409; malformed key → 400. Without the header: runs `handler` when
/// `required` is false, else 400. All refusals are problem+json.
http::Response WithIdempotencyKey(IdempotencyStore& store, const http::Request& request,
                                  std::string_view scope, bool required,
                                  const std::function<http::Response()>& handler);
/// As above, for a handler that may store its response inside its own
/// transaction (Completion::InTransaction).
http::Response WithIdempotencyKey(IdempotencyStore& store, const http::Request& request,
                                  std::string_view scope, bool required,
                                  const std::function<http::Response(Completion&)>& handler);

}  // namespace shop::platform::idempotency
