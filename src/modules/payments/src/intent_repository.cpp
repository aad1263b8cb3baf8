#include "intent_repository.hpp"

#include <string_view>

#include "platform/db/prepared.hpp"

namespace shop::payments {
namespace {

#define SHOP_INTENT_COLUMNS                                                                                \
  "id, order_id, status, amount, currency, captured, refunded, refund_pending, client_secret, last_error," \
  " failed_attempts, attempts, card_last4, card_fingerprint, cancel_reason, created_at_ms, updated_at_ms"

constexpr const char* kInsert =
    "INSERT INTO payments_intents (id, order_id, status, status_rank, amount, currency, client_secret,"
    " created_at_ms, updated_at_ms) VALUES (:id, :order_id, 'REQUIRES_PAYMENT_METHOD', 0, :amount, :currency,"
    " :secret, :now, :now2) ON CONFLICT (order_id) DO NOTHING RETURNING " SHOP_INTENT_COLUMNS;
constexpr const char* kFind = "SELECT " SHOP_INTENT_COLUMNS " FROM payments_intents WHERE id = :id";
constexpr const char* kFindByOrder = "SELECT " SHOP_INTENT_COLUMNS " FROM payments_intents WHERE order_id = :o";
// Also takes the attempt lease: a second confirm while one is in flight
// finds it held and changes nothing.
constexpr const char* kBeginAttempt =
    "UPDATE payments_intents SET attempts = attempts + 1, card_last4 = :l4, card_fingerprint = :fp,"
    " updated_at_ms = :now, attempt_until_ms = :until WHERE id = :id AND status = 'REQUIRES_PAYMENT_METHOD'"
    " AND (attempt_until_ms IS NULL OR attempt_until_ms <= :now2) RETURNING attempts";
constexpr const char* kEndAttempt = "UPDATE payments_intents SET attempt_until_ms = NULL WHERE id = :id";
constexpr const char* kAttemptInFlight =
    "SELECT COUNT(*) FROM payments_intents WHERE id = :id AND attempt_until_ms > :now";
constexpr const char* kRecordAttempt =
    "INSERT INTO payments_attempts (attempt_key, payment_id, outcome, decline_code, created_at_ms)"
    " VALUES (:k, :p, :o, :d, :now) ON CONFLICT (attempt_key) DO NOTHING";
constexpr const char* kAttemptRecorded = "SELECT COUNT(*) FROM payments_attempts WHERE attempt_key = :k";
constexpr const char* kAdvance =
    "UPDATE payments_intents SET status = :s, status_rank = :r, updated_at_ms = :now"
    " WHERE id = :id AND status_rank < :r2 RETURNING " SHOP_INTENT_COLUMNS;
constexpr const char* kSucceeded =
    "UPDATE payments_intents SET status = 'SUCCEEDED', status_rank = 3, captured = amount, updated_at_ms = :now"
    " WHERE id = :id AND status_rank < 3 RETURNING " SHOP_INTENT_COLUMNS;
constexpr const char* kCanceled =
    "UPDATE payments_intents SET status = 'CANCELED', status_rank = 3, cancel_reason = :why, updated_at_ms = :now"
    " WHERE id = :id AND status_rank < 3 RETURNING " SHOP_INTENT_COLUMNS;
// Only before authorisation: a decline reported after the intent moved on
// (a stale retry) must not pull it back.
constexpr const char* kDecline =
    "UPDATE payments_intents SET status = 'REQUIRES_PAYMENT_METHOD', status_rank = 0,"
    " failed_attempts = failed_attempts + 1, last_error = :code, updated_at_ms = :now"
    " WHERE id = :id AND status_rank < 2 RETURNING " SHOP_INTENT_COLUMNS;
// The one statement that keeps refunds within the captured amount: checked
// and applied under the row lock, so concurrent refunds cannot both pass.
constexpr const char* kHoldRefund =
    "UPDATE payments_intents SET refund_pending = refund_pending + :a1, updated_at_ms = :now"
    " WHERE id = :id AND status = 'SUCCEEDED' AND refunded + refund_pending + :a2 <= captured";
constexpr const char* kRefundSucceeded =
    "UPDATE payments_intents SET refund_pending = refund_pending - :a1, refunded = refunded + :a2,"
    " updated_at_ms = :now WHERE id = :id AND refund_pending >= :a3 RETURNING " SHOP_INTENT_COLUMNS;
constexpr const char* kRefundFailed =
    "UPDATE payments_intents SET refund_pending = refund_pending - :a1, updated_at_ms = :now"
    " WHERE id = :id AND refund_pending >= :a3 RETURNING " SHOP_INTENT_COLUMNS;

#undef SHOP_INTENT_COLUMNS

struct Raw {
  IntentRow row;
  long long amount = 0, captured = 0, refunded = 0, pending = 0, created = 0, updated = 0;
  int failed = 0, attempts = 0;

  IntentRow Row() const {
    IntentRow r = row;
    r.amount = amount;
    r.captured = captured;
    r.refunded = refunded;
    r.refund_pending = pending;
    r.failed_attempts = failed;
    r.attempts = attempts;
    r.created_at_ms = created;
    r.updated_at_ms = updated;
    return r;
  }
};

// Binds every column of SHOP_INTENT_COLUMNS, in order.
void IntoRaw(platform::db::Prepared& st, Raw& r) {
  st.Bind(soci::into(r.row.id), soci::into(r.row.order_id), soci::into(r.row.status), soci::into(r.amount),
          soci::into(r.row.currency), soci::into(r.captured), soci::into(r.refunded), soci::into(r.pending),
          soci::into(r.row.client_secret), soci::into(r.row.last_error), soci::into(r.failed), soci::into(r.attempts),
          soci::into(r.row.card_last4), soci::into(r.row.card_fingerprint), soci::into(r.row.cancel_reason),
          soci::into(r.created), soci::into(r.updated));
}

std::optional<IntentRow> FetchOne(platform::db::Prepared& st, Raw& r) {
  IntoRaw(st, r);
  if (!st.Execute()) return std::nullopt;
  IntentRow row = r.Row();
  // Drain: a RETURNING statement is complete only once its rows are read.
  while (st.Fetch()) {
  }
  return row;
}

}  // namespace

int StatusRank(const std::string& status) {
  if (status == "REQUIRES_PAYMENT_METHOD") return 0;
  if (status == "REQUIRES_ACTION") return 1;
  if (status == "AUTHORIZED") return 2;
  return 3;
}

std::optional<IntentRow> IntentRepository::InsertIfMissing(soci::session& sql, const IntentRow& row) {
  const long long amount = row.amount;
  const long long now = row.created_at_ms;
  Raw r;
  platform::db::Prepared st(sql, kInsert, soci::use(row.id), soci::use(row.order_id), soci::use(amount),
                            soci::use(row.currency), soci::use(row.client_secret), soci::use(now), soci::use(now));
  return FetchOne(st, r);
}

std::optional<IntentRow> IntentRepository::Find(soci::session& sql, const std::string& id) {
  Raw r;
  platform::db::Prepared st(sql, kFind, soci::use(id));
  return FetchOne(st, r);
}

std::optional<IntentRow> IntentRepository::FindByOrder(soci::session& sql, const std::string& order_id) {
  Raw r;
  platform::db::Prepared st(sql, kFindByOrder, soci::use(order_id));
  return FetchOne(st, r);
}

std::optional<int> IntentRepository::BeginAttempt(soci::session& sql, const std::string& id, const std::string& last4,
                                                  const std::string& fingerprint, std::int64_t now_ms,
                                                  std::int64_t lease_until_ms) {
  int attempts = 0;
  const long long now = now_ms, until = lease_until_ms;
  platform::db::Prepared st(sql, kBeginAttempt, soci::use(last4), soci::use(fingerprint), soci::use(now),
                            soci::use(until), soci::use(id), soci::use(now), soci::into(attempts));
  if (!st.Execute()) return std::nullopt;
  const int n = attempts;
  while (st.Fetch()) {
  }
  return n;
}

void IntentRepository::EndAttempt(soci::session& sql, const std::string& id) {
  platform::db::Exec(sql, kEndAttempt, soci::use(id));
}

bool IntentRepository::AttemptInFlight(soci::session& sql, const std::string& id, std::int64_t now_ms) {
  long long n = 0;
  const long long now = now_ms;
  platform::db::Exec(sql, kAttemptInFlight, soci::use(id), soci::use(now), soci::into(n));
  return n > 0;
}

bool IntentRepository::RecordAttempt(soci::session& sql, const std::string& attempt_key, const std::string& payment_id,
                                     const std::string& outcome, const std::string& decline_code, std::int64_t now_ms) {
  const long long now = now_ms;
  platform::db::Prepared st(sql, kRecordAttempt, soci::use(attempt_key), soci::use(payment_id), soci::use(outcome),
                            soci::use(decline_code), soci::use(now));
  st.Execute();
  return st->get_affected_rows() > 0;
}

bool IntentRepository::AttemptRecorded(soci::session& sql, const std::string& attempt_key) {
  long long n = 0;
  platform::db::Exec(sql, kAttemptRecorded, soci::use(attempt_key), soci::into(n));
  return n > 0;
}

std::optional<IntentRow> IntentRepository::Advance(soci::session& sql, const std::string& id, const std::string& status,
                                                   std::int64_t now_ms) {
  Raw r;
  const int rank = StatusRank(status);
  const long long now = now_ms;
  platform::db::Prepared st(sql, kAdvance, soci::use(status), soci::use(rank), soci::use(now), soci::use(id),
                            soci::use(rank));
  return FetchOne(st, r);
}

std::optional<IntentRow> IntentRepository::MarkSucceeded(soci::session& sql, const std::string& id,
                                                         std::int64_t now_ms) {
  Raw r;
  const long long now = now_ms;
  platform::db::Prepared st(sql, kSucceeded, soci::use(now), soci::use(id));
  return FetchOne(st, r);
}

std::optional<IntentRow> IntentRepository::MarkCanceled(soci::session& sql, const std::string& id,
                                                        const std::string& reason, std::int64_t now_ms) {
  Raw r;
  const long long now = now_ms;
  platform::db::Prepared st(sql, kCanceled, soci::use(reason), soci::use(now), soci::use(id));
  return FetchOne(st, r);
}

std::optional<IntentRow> IntentRepository::RecordDecline(soci::session& sql, const std::string& id,
                                                         const std::string& decline_code, std::int64_t now_ms) {
  Raw r;
  const long long now = now_ms;
  platform::db::Prepared st(sql, kDecline, soci::use(decline_code), soci::use(now), soci::use(id));
  return FetchOne(st, r);
}

bool IntentRepository::HoldRefund(soci::session& sql, const std::string& id, std::int64_t amount, std::int64_t now_ms) {
  const long long a = amount;
  const long long now = now_ms;
  platform::db::Prepared st(sql, kHoldRefund, soci::use(a), soci::use(now), soci::use(id), soci::use(a));
  st.Execute();
  return st->get_affected_rows() > 0;
}

std::optional<IntentRow> IntentRepository::SettleRefund(soci::session& sql, const std::string& id, std::int64_t amount,
                                                        bool succeeded, std::int64_t now_ms) {
  Raw r;
  const long long a = amount;
  const long long now = now_ms;
  if (succeeded) {
    platform::db::Prepared st(sql, kRefundSucceeded, soci::use(a), soci::use(a), soci::use(now), soci::use(id),
                              soci::use(a));
    return FetchOne(st, r);
  }
  platform::db::Prepared st(sql, kRefundFailed, soci::use(a), soci::use(now), soci::use(id), soci::use(a));
  return FetchOne(st, r);
}

}  // namespace shop::payments
