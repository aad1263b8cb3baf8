#include "mock_gateway.hpp"

#include <thread>

#include "platform/db/prepared.hpp"
#include "provider_event.hpp"
#include "webhook_queue.hpp"

namespace shop::payments {
namespace {

constexpr const char* kRecordOperation =
    "INSERT INTO payments_gateway_operations (idempotency_key, kind, payment_id, amount, result, created_at_ms)"
    " VALUES (:k, :kind, :p, :a, :r, :now) ON CONFLICT (idempotency_key) DO NOTHING";
constexpr const char* kFindResult = "SELECT result FROM payments_gateway_operations WHERE idempotency_key = :k";
// What the gateway itself refunded of one payment: a provider refuses to
// refund more than it captured, whatever the merchant's books say.
constexpr const char* kCapturedAndRefunded =
    "SELECT COALESCE(SUM(CASE WHEN kind = 'capture' THEN amount ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN kind = 'refund' AND result = 'refunded' THEN amount ELSE 0 END), 0)"
    " FROM payments_gateway_operations WHERE payment_id = :p";

constexpr const char* kAuthorized = "authorized";
constexpr const char* kRequiresAction = "requires_action";
constexpr const char* kDeclinedPrefix = "declined:";

std::string DeclineCodeFor(const std::string& number) {
  if (number == kCardDeclined) return "card_declined";
  if (number == kCardInsufficientFunds) return "insufficient_funds";
  return "incorrect_number";
}

}  // namespace

MockGateway::MockGateway(platform::db::Db& db, const platform::Clock& clock, platform::IdGenerator& ids,
                         MockGatewayOptions options)
    : db_(db),
      clock_(clock),
      ids_(ids),
      options_(options),
      failure_rate_percent_(options.failure_rate_percent),
      random_(std::random_device{}()) {}

Result<void> MockGateway::Simulate(std::chrono::milliseconds timeout) {
  ++calls_;
  if (options_.latency > timeout) {
    // The caller gives up at its timeout; the gateway never saw the request.
    std::this_thread::sleep_for(timeout);
    return Error::Unavailable("payment provider timed out");
  }
  if (options_.latency.count() > 0) std::this_thread::sleep_for(options_.latency);
  const int rate = failure_rate_percent_.load();
  if (rate > 0) {
    std::lock_guard lock(random_mutex_);
    if (static_cast<int>(random_() % 100) < rate) return Error::Unavailable("payment provider unavailable");
  }
  return {};
}

std::string MockGateway::Once(const std::string& key, const std::string& kind, const std::string& payment_id,
                              std::int64_t amount, const std::function<std::string(platform::db::Tx&)>& perform) {
  // Performs first and records the answer with the key in one statement; a
  // repeat (rare: a retry after a timeout) finds the key taken and throws, so
  // what it performed rolls back and the first answer is read instead.
  struct Repeat {};
  try {
    return db_.InTransaction([&](platform::db::Tx& tx) {
      const long long a = amount;
      const long long now = clock_.NowMs();
      std::string result = perform(tx);
      platform::db::Prepared record(tx.sql(), kRecordOperation, soci::use(key), soci::use(kind),
                                    soci::use(payment_id), soci::use(a), soci::use(result), soci::use(now));
      record.Execute();
      if (record->get_affected_rows() == 0) throw Repeat{};
      return result;
    });
  } catch (const Repeat&) {
    // The key's row is committed: PostgreSQL's ON CONFLICT waited for it.
    return db_.WithSession([&](soci::session& sql) {
      std::string result;
      platform::db::Exec(sql, kFindResult, soci::use(key), soci::into(result));
      return result;
    });
  }
}

void MockGateway::QueueWebhook(platform::db::Tx& tx, ProviderEvent event, std::int64_t delay_ms) {
  const std::int64_t now = clock_.NowMs();
  event.id = "evt_" + ids_.NewId();
  event.created_s = (now + delay_ms) / 1000;
  WebhookQueue::Enqueue(tx.sql(), event.id, SerializeProviderEvent(event), now + delay_ms, now);
  if (options_.webhook_queued && delay_ms == 0) tx.AfterCommit(options_.webhook_queued);
}

Result<AuthorizeResult> MockGateway::Authorize(const AuthorizeRequest& request, std::chrono::milliseconds timeout) {
  if (auto reached = Simulate(timeout); !reached) return reached.error();
  const std::string& number = request.card.number;
  const std::string result =
      Once(request.idempotency_key, "authorize", request.payment_id, request.amount.amount, [&](platform::db::Tx& tx) {
        ProviderEvent event{.payment_id = request.payment_id, .attempt_key = request.idempotency_key};
        if (number == kCardSucceeds) {
          event.type = ProviderEventType::kAuthorized;
          QueueWebhook(tx, event, 0);
          return std::string(kAuthorized);
        }
        if (number == kCardRequiresAction) {
          event.type = ProviderEventType::kRequiresAction;
          QueueWebhook(tx, event, 0);
          // The shopper "completes the bank's check": a separate outcome
          // with its own attempt key, so it is not taken for a repeat.
          event.type = ProviderEventType::kAuthorized;
          event.attempt_key = request.idempotency_key + ":action";
          QueueWebhook(tx, event, options_.action_delay.count());
          return std::string(kRequiresAction);
        }
        event.type = ProviderEventType::kPaymentFailed;
        event.decline_code = DeclineCodeFor(number);
        QueueWebhook(tx, event, 0);
        return kDeclinedPrefix + event.decline_code;
      });
  AuthorizeResult out;
  if (result == kAuthorized) {
    out.outcome = AuthorizeOutcome::kAuthorized;
  } else if (result == kRequiresAction) {
    out.outcome = AuthorizeOutcome::kRequiresAction;
  } else {
    out.outcome = AuthorizeOutcome::kDeclined;
    out.decline_code = result.rfind(kDeclinedPrefix, 0) == 0 ? result.substr(9) : "card_declined";
  }
  return out;
}

Result<void> MockGateway::Capture(const std::string& idempotency_key, const std::string& payment_id,
                                  const platform::money::Money& amount, std::chrono::milliseconds timeout) {
  if (auto reached = Simulate(timeout); !reached) return reached.error();
  Once(idempotency_key, "capture", payment_id, amount.amount, [&](platform::db::Tx& tx) {
    QueueWebhook(tx, ProviderEvent{.type = ProviderEventType::kSucceeded, .payment_id = payment_id}, 0);
    // Counted after commit: a rolled-back attempt took no money.
    tx.AfterCommit([this] { ++charges_; });
    return std::string("captured");
  });
  return {};
}

Result<void> MockGateway::Void(const std::string& idempotency_key, const std::string& payment_id,
                               std::chrono::milliseconds timeout) {
  if (auto reached = Simulate(timeout); !reached) return reached.error();
  Once(idempotency_key, "void", payment_id, 0, [&](platform::db::Tx& tx) {
    QueueWebhook(tx, ProviderEvent{.type = ProviderEventType::kCanceled, .payment_id = payment_id}, 0);
    return std::string("voided");
  });
  return {};
}

Result<RefundResult> MockGateway::Refund(const std::string& idempotency_key, const std::string& payment_id,
                                         const std::string& refund_id, const platform::money::Money& amount,
                                         std::chrono::milliseconds timeout) {
  if (auto reached = Simulate(timeout); !reached) return reached.error();
  const std::string result = Once(idempotency_key, "refund", payment_id, amount.amount, [&](platform::db::Tx& tx) {
    long long captured = 0, refunded = 0;
    platform::db::Exec(tx.sql(), kCapturedAndRefunded, soci::use(payment_id), soci::into(captured),
                       soci::into(refunded));
    ProviderEvent event{.payment_id = payment_id, .refund_id = refund_id};
    if (refunded + amount.amount > captured) {
      event.type = ProviderEventType::kRefundFailed;
      event.failure = "exceeds_captured_amount";
      QueueWebhook(tx, event, 0);
      return std::string("failed:exceeds_captured_amount");
    }
    event.type = ProviderEventType::kRefundSucceeded;
    QueueWebhook(tx, event, 0);
    return std::string("refunded");
  });
  if (result == "refunded") return RefundResult{.succeeded = true, .failure = {}};
  return RefundResult{.succeeded = false, .failure = result.rfind("failed:", 0) == 0 ? result.substr(7) : result};
}

}  // namespace shop::payments
