#pragma once
// SQL over payments_intents and payments_attempts. Every state change is a
// conditional UPDATE whose WHERE clause carries the rule (forward-only rank,
// refund headroom), checked by rows affected; callers run them inside a
// transaction together with the events they cause.

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

namespace shop::payments {

/// A payments_intents row as stored.
struct IntentRow {
  std::string id;
  std::string order_id;
  std::string status;
  std::int64_t amount = 0;
  std::string currency;
  std::int64_t captured = 0;
  std::int64_t refunded = 0;
  std::int64_t refund_pending = 0;
  std::string client_secret;
  std::string last_error;
  int failed_attempts = 0;
  int attempts = 0;
  std::string card_last4;
  std::string card_fingerprint;
  std::string cancel_reason;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

/// REQUIRES_PAYMENT_METHOD 0, REQUIRES_ACTION 1, AUTHORIZED 2, SUCCEEDED and CANCELED 3.
int StatusRank(const std::string& status);

class IntentRepository {
 public:
  /// Inserts unless the order already has an intent; the stored row when
  /// inserted, nullopt when the order had one.
  static std::optional<IntentRow> InsertIfMissing(soci::session& sql, const IntentRow& row);
  static std::optional<IntentRow> Find(soci::session& sql, const std::string& id);
  static std::optional<IntentRow> FindByOrder(soci::session& sql, const std::string& order_id);

  /// Counts a confirmation attempt of an intent awaiting a payment method,
  /// remembers the card presented and holds the attempt lease until
  /// `lease_until_ms`; the attempt's number, or nullopt when the intent is
  /// not in REQUIRES_PAYMENT_METHOD or another attempt holds the lease.
  static std::optional<int> BeginAttempt(soci::session& sql, const std::string& id, const std::string& last4,
                                         const std::string& fingerprint, std::int64_t now_ms,
                                         std::int64_t lease_until_ms);
  /// Releases the attempt lease (the outcome is applied, or the provider was
  /// not reached).
  static void EndAttempt(soci::session& sql, const std::string& id);
  /// Whether an attempt holds the lease at `now_ms` (read-only).
  static bool AttemptInFlight(soci::session& sql, const std::string& id, std::int64_t now_ms);
  /// Records an attempt's outcome once; false when it was already recorded.
  static bool RecordAttempt(soci::session& sql, const std::string& attempt_key, const std::string& payment_id,
                            const std::string& outcome, const std::string& decline_code, std::int64_t now_ms);
  /// Whether an attempt's outcome is already recorded (read-only).
  static bool AttemptRecorded(soci::session& sql, const std::string& attempt_key);

  /// Moves the intent to `status` if that is forward of where it is; the row
  /// after, or nullopt when it was already at or beyond that rank.
  static std::optional<IntentRow> Advance(soci::session& sql, const std::string& id, const std::string& status,
                                          std::int64_t now_ms);
  /// As Advance to SUCCEEDED, setting captured to the amount.
  static std::optional<IntentRow> MarkSucceeded(soci::session& sql, const std::string& id, std::int64_t now_ms);
  /// As Advance to CANCELED, remembering why.
  static std::optional<IntentRow> MarkCanceled(soci::session& sql, const std::string& id, const std::string& reason,
                                               std::int64_t now_ms);
  /// A declined attempt of an intent not yet authorised: back to
  /// REQUIRES_PAYMENT_METHOD, failed_attempts + 1, last_error set.
  static std::optional<IntentRow> RecordDecline(soci::session& sql, const std::string& id,
                                                const std::string& decline_code, std::int64_t now_ms);

  /// Holds `amount` for a new refund if pending + succeeded refunds stay
  /// within the captured amount of a SUCCEEDED intent; false otherwise.
  static bool HoldRefund(soci::session& sql, const std::string& id, std::int64_t amount, std::int64_t now_ms);
  /// Turns a held amount into refunded (succeeded) or releases it (failed).
  static std::optional<IntentRow> SettleRefund(soci::session& sql, const std::string& id, std::int64_t amount,
                                               bool succeeded, std::int64_t now_ms);
};

}  // namespace shop::payments
