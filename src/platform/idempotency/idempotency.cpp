#include "platform/idempotency/idempotency.hpp"

#include "platform/core/error.hpp"
#include "platform/crypto/hmac.hpp"
#include "platform/db/prepared.hpp"

#include <soci/soci.h>

#include <string>

namespace shop::platform::idempotency {
namespace {

constexpr const char* kInsertClaim =
    "INSERT INTO platform_idempotency_keys (scope, idem_key, request_hash, status, created_at_ms)"
    " VALUES (:scope, :key, :hash, 'running', :now)"
    " ON CONFLICT (scope, idem_key) DO NOTHING RETURNING idem_key";
constexpr const char* kSelect =
    "SELECT request_hash, status, response_code, content_type, location, body, created_at_ms"
    " FROM platform_idempotency_keys WHERE scope = :scope AND idem_key = :key";
// Takes over a stale claim or an entry past its retention; the guard on the
// old timestamp makes exactly one of several racing callers win.
constexpr const char* kRetake =
    "UPDATE platform_idempotency_keys SET request_hash = :hash, status = 'running', response_code = 0,"
    " content_type = '', location = '', body = '', created_at_ms = :now"
    " WHERE scope = :scope AND idem_key = :key AND created_at_ms = :seen";
constexpr const char* kComplete =
    "UPDATE platform_idempotency_keys SET status = 'done', response_code = :code, content_type = :type,"
    " location = :location, body = :body WHERE scope = :scope AND idem_key = :key AND status = 'running'";
constexpr const char* kAbandon =
    "DELETE FROM platform_idempotency_keys WHERE scope = :scope AND idem_key = :key AND status = 'running'";
constexpr const char* kPrune =
    "DELETE FROM platform_idempotency_keys WHERE (status = 'done' AND created_at_ms < :done_before)"
    " OR (status = 'running' AND created_at_ms < :running_before)";

// True when the key was new and is now claimed (running) by the caller.
bool InsertClaim(soci::session& sql, const std::string& scope, const std::string& key, const std::string& hash,
                 std::int64_t now) {
  std::string inserted;
  soci::indicator inserted_ind = soci::i_null;
  return db::Exec(sql, kInsertClaim, soci::use(scope), soci::use(key), soci::use(hash), soci::use(now),
                  soci::into(inserted, inserted_ind));
}

Claim BeginInTx(db::Tx& tx, const std::string& scope, const std::string& key, const std::string& hash, std::int64_t now,
                std::int64_t retention_ms, std::int64_t lock_timeout_ms) {
  if (InsertClaim(tx.sql(), scope, key, hash, now)) return {ClaimKind::kFresh, std::nullopt};

  std::string stored_hash, status, content_type, location, body;
  int code = 0;
  std::int64_t created = 0;
  // The row existed a moment ago; if it vanished (abandoned meanwhile) the
  // caller's retry claims it.
  if (!db::Exec(tx.sql(), kSelect, soci::use(scope), soci::use(key), soci::into(stored_hash), soci::into(status),
                soci::into(code), soci::into(content_type), soci::into(location), soci::into(body),
                soci::into(created)))
    return {ClaimKind::kInProgress, std::nullopt};

  const bool expired = status == "done" ? created < now - retention_ms : created < now - lock_timeout_ms;
  if (expired) {
    soci::statement retake = (tx.sql().prepare << kRetake, soci::use(hash), soci::use(now), soci::use(scope),
                              soci::use(key), soci::use(created));
    retake.execute(true);
    return {retake.get_affected_rows() == 1 ? ClaimKind::kFresh : ClaimKind::kInProgress, std::nullopt};
  }
  if (stored_hash != hash) return {ClaimKind::kMismatch, std::nullopt};
  if (status != "done") return {ClaimKind::kInProgress, std::nullopt};
  return {ClaimKind::kReplay, StoredResponse{code, content_type, location, body}};
}

void CompleteInTx(db::Tx& tx, const std::string& scope, const std::string& key, const StoredResponse& response) {
  db::Exec(tx.sql(), kComplete, soci::use(response.status), soci::use(response.content_type),
           soci::use(response.location), soci::use(response.body), soci::use(scope), soci::use(key));
}

http::Response Refusal(ErrorCode code, std::string detail, std::string_view instance) {
  return http::Response::Problem(Error{code, std::move(detail), {}}, instance);
}

}  // namespace

bool IsValidKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength) return false;
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

IdempotencyStore::IdempotencyStore(db::Db& db, const Clock& clock, std::chrono::milliseconds retention,
                                   std::chrono::milliseconds lock_timeout)
    : db_(db), clock_(clock), retention_(retention), lock_timeout_(lock_timeout) {}

Claim IdempotencyStore::Begin(std::string_view scope, std::string_view key, std::string_view request_hash) {
  const std::string scope_value(scope), key_value(key), hash_value(request_hash);
  const std::int64_t now = clock_.NowMs();
  // Nearly every key is new: then the claim is that one INSERT, on its own
  // (no BEGIN/COMMIT round trips on PostgreSQL). A key that exists is judged
  // in a transaction that reads its row.
  const bool fresh =
      db_.WriteStatement([&](soci::session& sql) { return InsertClaim(sql, scope_value, key_value, hash_value, now); });
  if (fresh) return {ClaimKind::kFresh, std::nullopt};
  return db_.InTransaction([&](db::Tx& tx) {
    return BeginInTx(tx, scope_value, key_value, hash_value, now, retention_.count(), lock_timeout_.count());
  });
}

void IdempotencyStore::Complete(std::string_view scope, std::string_view key, const StoredResponse& response) {
  db_.InTransaction([&](db::Tx& tx) { Complete(tx, scope, key, response); });
}

void IdempotencyStore::Complete(db::Tx& tx, std::string_view scope, std::string_view key,
                                const StoredResponse& response) {
  CompleteInTx(tx, std::string(scope), std::string(key), response);
}

void IdempotencyStore::Abandon(std::string_view scope, std::string_view key) {
  const std::string scope_value(scope), key_value(key);
  db_.InTransaction([&](db::Tx& tx) { tx.sql() << kAbandon, soci::use(scope_value), soci::use(key_value); });
}

std::int64_t IdempotencyStore::Prune() {
  const std::int64_t now = clock_.NowMs();
  const std::int64_t done_before = now - retention_.count();
  const std::int64_t running_before = now - lock_timeout_.count();
  return db_.InTransaction([&](db::Tx& tx) {
    soci::statement st = (tx.sql().prepare << kPrune, soci::use(done_before), soci::use(running_before));
    st.execute(true);
    return static_cast<std::int64_t>(st.get_affected_rows());
  });
}

std::string RequestHash(const http::Request& request) {
  // Length-prefixed fields, so ("a", "bc") and ("ab", "c") hash differently.
  std::string material;
  for (std::string_view part :
       {http::MethodName(request.method), std::string_view(request.path), std::string_view(request.body)}) {
    material += std::to_string(part.size());
    material += ':';
    material += part;
  }
  return crypto::Sha256Hex(material);
}

namespace {

StoredResponse Stored(const http::Response& response) {
  return StoredResponse{response.status, std::string(response.headers.Get("Content-Type").value_or("")),
                        std::string(response.headers.Get("Location").value_or("")), response.body};
}

}  // namespace

void Completion::InTransaction(db::Tx& tx, const http::Response& response) {
  if (store_ == nullptr) return;
  store_->Complete(tx, scope_, key_, Stored(response));
  // Only a commit counts: a rolled-back attempt stored nothing.
  tx.AfterCommit([this] { committed_ = true; });
}

http::Response WithIdempotencyKey(IdempotencyStore& store, const http::Request& request, std::string_view scope,
                                  bool required, const std::function<http::Response()>& handler) {
  return WithIdempotencyKey(store, request, scope, required, [&](Completion&) { return handler(); });
}

http::Response WithIdempotencyKey(IdempotencyStore& store, const http::Request& request, std::string_view scope,
                                  bool required, const std::function<http::Response(Completion&)>& handler) {
  const auto header = request.headers.Get("Idempotency-Key");
  if (!header) {
    if (required) return Refusal(ErrorCode::kInvalidInput, "an Idempotency-Key header is required", request.path);
    Completion none(nullptr, {}, {});
    return handler(none);
  }
  const std::string key(*header);
  if (!IsValidKey(key)) {
    return Refusal(ErrorCode::kInvalidInput, "Idempotency-Key must be 1 to 255 visible ASCII characters", request.path);
  }
  const Claim claim = store.Begin(scope, key, RequestHash(request));
  switch (claim.kind) {
    case ClaimKind::kMismatch:
      return Refusal(ErrorCode::kUnprocessable, "this Idempotency-Key was already used for a different request",
                     request.path);
    case ClaimKind::kInProgress:
      return Refusal(ErrorCode::kConflict, "a request with this Idempotency-Key is still in progress", request.path);
    case ClaimKind::kReplay: {
      http::Response replay;
      replay.status = claim.stored->status;
      replay.body = claim.stored->body;
      if (!claim.stored->content_type.empty()) replay.headers.Set("Content-Type", claim.stored->content_type);
      if (!claim.stored->location.empty()) replay.headers.Set("Location", claim.stored->location);
      replay.headers.Set("Idempotent-Replayed", "true");
      return replay;
    }
    case ClaimKind::kFresh:
      break;
  }
  Completion completion(&store, std::string(scope), key);
  http::Response response;
  try {
    response = handler(completion);
  } catch (...) {
    if (!completion.committed_) store.Abandon(scope, key);
    throw;
  }
  if (completion.committed_) return response;  // stored with the handler's own transaction
  if (response.status >= 500) {
    store.Abandon(scope, key);
    return response;
  }
  store.Complete(scope, key, Stored(response));
  return response;
}

}  // namespace shop::platform::idempotency
