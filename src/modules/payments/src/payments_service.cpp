#include "payments_service.hpp"

#include "platform/core/crash_points.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "intent_repository.hpp"
#include "platform/crypto/hmac.hpp"
#include "platform/events/inbox.hpp"
#include "refund_repository.hpp"
#include "shop/payments/events.hpp"

namespace shop::payments {

namespace db = platform::db;
namespace money = platform::money;

namespace {

// Consumer name of applied provider webhooks in events_inbox.
constexpr std::string_view kWebhookConsumer = "payments.webhook";
constexpr std::size_t kMaxReasonLength = 500;
constexpr std::size_t kMaxOrderIdLength = 64;
// Beyond twice the provider timeout, for the writes around the call.
constexpr std::int64_t kAttemptLeaseSlackMs = 5'000;

Error PaymentNotFound() { return Error::NotFound("payment not found"); }

Error WrongState(std::string_view action, const std::string& status) {
  return Error::Conflict(fmt::format("cannot {} a payment that is {}", action, status));
}

std::optional<Error> CheckReason(std::string_view reason, bool required) {
  if (required && reason.empty()) return Error::InvalidInput("invalid reason", {{"reason", "must not be empty"}});
  if (reason.size() > kMaxReasonLength) {
    return Error::InvalidInput("invalid reason", {{"reason", fmt::format("must be at most {} bytes", kMaxReasonLength)}});
  }
  return std::nullopt;
}

// Provider idempotency keys: one per business operation, derived from what
// it acts on, so a retry of the same operation (another request, another
// instance, after a crash) carries the same key and is performed once.
std::string CaptureKey(const IntentRow& row) { return "capture:" + row.order_id; }
std::string VoidKey(const IntentRow& row) { return "void:" + row.order_id; }
std::string RefundKey(const std::string& refund_id) { return "refund:" + refund_id; }
std::string AttemptKey(const std::string& payment_id, int attempt) {
  return fmt::format("authorize:{}:{}", payment_id, attempt);
}

}  // namespace

std::string CardFingerprint(std::string_view number, std::string_view key) {
  return platform::crypto::HexEncode(platform::crypto::HmacSha256(key, number)).substr(0, 32);
}

PaymentIntent PaymentsServiceImpl::ToIntent(const IntentRow& row) const {
  const money::Currency currency = money::Currency::FromCode(row.currency).value();
  PaymentIntent out;
  out.id = row.id;
  out.order_id = row.order_id;
  if (row.status == "REQUIRES_ACTION") {
    out.status = PaymentStatus::kRequiresAction;
  } else if (row.status == "AUTHORIZED") {
    out.status = PaymentStatus::kAuthorized;
  } else if (row.status == "SUCCEEDED") {
    out.status = PaymentStatus::kSucceeded;
  } else if (row.status == "CANCELED") {
    out.status = PaymentStatus::kCanceled;
  } else {
    out.status = PaymentStatus::kRequiresPaymentMethod;
  }
  out.amount = money::Money{row.amount, currency};
  out.captured = money::Money{row.captured, currency};
  out.refunded = money::Money{row.refunded, currency};
  out.client_secret = row.client_secret;
  out.last_error = row.last_error;
  out.failed_attempts = row.failed_attempts;
  out.card_last4 = row.card_last4;
  out.card_fingerprint = row.card_fingerprint;
  out.created_at_ms = row.created_at_ms;
  out.updated_at_ms = row.updated_at_ms;
  return out;
}

Refund PaymentsServiceImpl::ToRefund(const RefundRow& row, const std::string& order_id) const {
  Refund out;
  out.id = row.id;
  out.payment_id = row.payment_id;
  out.order_id = order_id;
  out.amount = money::Money{row.amount, money::Currency::FromCode(row.currency).value()};
  out.status = row.status == "SUCCEEDED" ? RefundStatus::kSucceeded
               : row.status == "FAILED"  ? RefundStatus::kFailed
                                         : RefundStatus::kPending;
  out.reason = row.reason;
  out.actor = row.actor;
  out.created_at_ms = row.created_at_ms;
  return out;
}

Result<PaymentIntent> PaymentsServiceImpl::CreateIntent(db::Tx& tx, std::string_view order_id,
                                                        const money::Money& amount) {
  if (order_id.empty() || order_id.size() > kMaxOrderIdLength) {
    return Error::InvalidInput("invalid order id", {{"order_id", "must be 1 to 64 characters"}});
  }
  if (amount.amount <= 0) return Error::InvalidInput("invalid amount", {{"amount", "must be positive"}});
  if (!money::IsCurrencyCode(amount.currency.Code())) {
    return Error::InvalidInput("invalid amount", {{"amount.currency", "must be an ISO 4217 code"}});
  }
  IntentRow row;
  row.id = "pi_" + deps_.ids.NewId();
  row.order_id = std::string(order_id);
  row.amount = amount.amount;
  row.currency = std::string(amount.currency.Code());
  row.client_secret = row.id + "_secret_" + deps_.ids.NewToken(24);
  row.created_at_ms = deps_.clock.NowMs();
  auto stored = IntentRepository::InsertIfMissing(tx.sql(), row);
  if (!stored) stored = IntentRepository::FindByOrder(tx.sql(), row.order_id);
  if (!stored) throw std::logic_error("payment intent vanished within its transaction");
  if (stored->amount != row.amount || stored->currency != row.currency) {
    return Error::Conflict("the order already has a payment intent for another amount");
  }
  return ToIntent(*stored);
}

Result<PaymentIntent> PaymentsServiceImpl::Get(std::string_view payment_id) {
  auto row = deps_.db.WithSession(
      [&](soci::session& sql) { return IntentRepository::Find(sql, std::string(payment_id)); });
  if (!row) return PaymentNotFound();
  return ToIntent(*row);
}

Result<PaymentIntent> PaymentsServiceImpl::GetByOrder(std::string_view order_id) {
  auto row = deps_.db.WithSession(
      [&](soci::session& sql) { return IntentRepository::FindByOrder(sql, std::string(order_id)); });
  if (!row) return PaymentNotFound();
  return ToIntent(*row);
}

Result<PaymentIntent> PaymentsServiceImpl::Confirm(std::string_view payment_id, std::string_view client_secret,
                                                   const CardDetails& card) {
  const std::string id(payment_id);
  auto row = deps_.db.WithSession([&](soci::session& sql) { return IntentRepository::Find(sql, id); });
  if (!row || !platform::crypto::ConstantTimeEquals(row->client_secret, client_secret)) return PaymentNotFound();
  if (row->status != "REQUIRES_PAYMENT_METHOD") return WrongState("confirm", row->status);

  const std::string last4 = card.number.size() >= 4 ? card.number.substr(card.number.size() - 4) : card.number;
  // Keyed with the signing secret so a stored fingerprint cannot be turned
  // back into a card number by hashing every possible one.
  const std::string secrets = deps_.config.webhook_secrets;
  const std::string fingerprint = CardFingerprint(card.number, secrets.substr(0, secrets.find(',')));
  // The lease outlasts the provider call (its timeout) and the write after
  // it; a process that dies meanwhile leaves the intent payable once it ends.
  const std::int64_t now_ms = deps_.clock.NowMs();
  const std::int64_t lease_until = now_ms + 2 * deps_.config.provider_timeout_ms + kAttemptLeaseSlackMs;
  auto attempt = deps_.db.WriteStatement([&](soci::session& sql) {
    return IntentRepository::BeginAttempt(sql, id, last4, fingerprint, now_ms, lease_until);
  });
  if (!attempt) {
    const bool in_flight = deps_.db.WithSession(
        [&](soci::session& sql) { return IntentRepository::AttemptInFlight(sql, id, deps_.clock.NowMs()); });
    if (in_flight) return Error::Conflict("a confirmation of this payment is already in progress");
    auto now = Get(id);
    return WrongState("confirm", now ? std::string(PaymentStatusName(now->status)) : "gone");
  }
  const std::string attempt_key = AttemptKey(id, *attempt);
  auto answer = deps_.provider.Authorize(AuthorizeRequest{.idempotency_key = attempt_key,
                                                          .payment_id = id,
                                                          .amount = ToIntent(*row).amount,
                                                          .card = card});
  if (!answer) {
    // The provider performed nothing (provider.hpp): the shopper may try again.
    deps_.db.InTransaction([&](db::Tx& tx) { IntentRepository::EndAttempt(tx.sql(), id); });
    return answer.error();
  }
  const ProviderEventType outcome = answer->outcome == AuthorizeOutcome::kAuthorized ? ProviderEventType::kAuthorized
                                    : answer->outcome == AuthorizeOutcome::kRequiresAction
                                        ? ProviderEventType::kRequiresAction
                                        : ProviderEventType::kPaymentFailed;
  std::optional<IntentRow> after;
  deps_.db.InTransaction([&](db::Tx& tx) {
    after.reset();  // the transaction may be retried
    ApplyAttemptOutcome(tx, id, attempt_key, outcome, answer->decline_code, answer->hard_decline, &after);
  });
  // Read again only when this answer was not the one applied (the webhook
  // came first) or a decline went on to cancel the intent.
  if (after) return ToIntent(*after);
  return Get(id);
}

bool PaymentsServiceImpl::ApplyAttemptOutcome(db::Tx& tx, const std::string& payment_id,
                                              const std::string& attempt_key, ProviderEventType outcome,
                                              const std::string& decline_code, bool hard_decline,
                                              std::optional<IntentRow>* applied) {
  const std::int64_t now = deps_.clock.NowMs();
  const char* outcome_name = outcome == ProviderEventType::kAuthorized       ? "authorized"
                             : outcome == ProviderEventType::kRequiresAction ? "requires_action"
                                                                             : "declined";
  if (!IntentRepository::RecordAttempt(tx.sql(), attempt_key, payment_id, outcome_name, decline_code, now)) {
    return false;
  }
  IntentRepository::EndAttempt(tx.sql(), payment_id);
  if (outcome == ProviderEventType::kAuthorized) {
    auto row = IntentRepository::Advance(tx.sql(), payment_id, "AUTHORIZED", now);
    if (!row) return false;
    deps_.outbox.Publish(tx, payment_id,
                         events::PaymentAuthorized{row->id, row->order_id, row->amount, row->currency, row->card_last4,
                                                   row->card_fingerprint});
    if (applied) *applied = std::move(row);
    return true;
  }
  if (outcome == ProviderEventType::kRequiresAction) {
    auto row = IntentRepository::Advance(tx.sql(), payment_id, "REQUIRES_ACTION", now);
    if (!row) return false;
    if (applied) *applied = std::move(row);
    return true;
  }
  auto row = IntentRepository::RecordDecline(tx.sql(), payment_id, decline_code, now);
  if (!row) return false;
  deps_.outbox.Publish(tx, payment_id,
                       events::PaymentFailed{row->id, row->order_id, decline_code, row->failed_attempts});
  if (hard_decline || row->failed_attempts >= deps_.config.max_failed_attempts) {
    ApplyCanceled(tx, payment_id, hard_decline ? decline_code : "too_many_attempts");
  } else if (applied) {
    *applied = std::move(row);
  }
  return true;
}

bool PaymentsServiceImpl::ApplySucceeded(db::Tx& tx, const std::string& payment_id, IntentRow* settled) {
  auto row = IntentRepository::MarkSucceeded(tx.sql(), payment_id, deps_.clock.NowMs());
  if (!row) return false;
  deps_.outbox.Publish(tx, payment_id, events::PaymentSucceeded{row->id, row->order_id, row->captured, row->currency});
  if (settled) *settled = *row;
  return true;
}

bool PaymentsServiceImpl::ApplyCanceled(db::Tx& tx, const std::string& payment_id, const std::string& reason) {
  auto row = IntentRepository::MarkCanceled(tx.sql(), payment_id, reason, deps_.clock.NowMs());
  if (!row) return false;
  deps_.outbox.Publish(tx, payment_id, events::PaymentCanceled{row->id, row->order_id, reason});
  return true;
}

bool PaymentsServiceImpl::ApplyRefundOutcome(db::Tx& tx, const std::string& refund_id, bool succeeded,
                                             const std::string& failure) {
  const std::int64_t now = deps_.clock.NowMs();
  auto refund =
      RefundRepository::Settle(tx.sql(), refund_id, succeeded ? "SUCCEEDED" : "FAILED", failure, now);
  if (!refund) return false;
  auto intent = IntentRepository::SettleRefund(tx.sql(), refund->payment_id, refund->amount, succeeded, now);
  if (!intent) throw std::logic_error("refund settled without its held amount");
  if (succeeded) {
    deps_.outbox.Publish(tx, intent->id,
                         events::RefundSucceeded{refund->id, intent->id, intent->order_id, refund->amount,
                                                 intent->refunded, intent->captured, intent->currency});
  } else {
    deps_.outbox.Publish(tx, intent->id, events::RefundFailed{refund->id, intent->id, intent->order_id, failure});
  }
  return true;
}

Result<PaymentIntent> PaymentsServiceImpl::Capture(std::string_view payment_id) { return Capture(payment_id, {}); }

Result<PaymentIntent> PaymentsServiceImpl::Capture(std::string_view payment_id,
                                                   const std::function<void(db::Tx&)>& with_capture) {
  const std::string id(payment_id);
  auto row = deps_.db.WithSession([&](soci::session& sql) { return IntentRepository::Find(sql, id); });
  if (!row) return PaymentNotFound();
  if (row->status == "SUCCEEDED") return ToIntent(*row);  // recorded, with_capture ran then
  if (row->status != "AUTHORIZED") return WrongState("capture", row->status);
  auto captured = deps_.provider.Capture(CaptureKey(*row), id, ToIntent(*row).amount);
  if (!captured) return captured.error();
  // Crash-safety tests die here: charged at the provider, not yet recorded.
  // The retried capture carries the same key, so it is not charged again.
  platform::CrashPoint("payments.after_provider_capture");
  std::optional<IntentRow> after;
  deps_.db.InTransaction([&](db::Tx& tx) {
    // The webhook may have recorded the capture first; a void that raced
    // it leaves the intent CANCELED, and then there is no capture to note.
    IntentRow settled;
    after = ApplySucceeded(tx, id, &settled) ? std::optional(settled) : IntentRepository::Find(tx.sql(), id);
    if (after && after->status == "SUCCEEDED" && with_capture) with_capture(tx);
  });
  if (!after) return PaymentNotFound();
  if (after->status != "SUCCEEDED") {
    // Canceled meanwhile (a void raced the capture): report the state.
    return WrongState("capture", after->status);
  }
  return ToIntent(*after);
}

Result<PaymentIntent> PaymentsServiceImpl::Cancel(std::string_view payment_id, std::string_view reason) {
  if (auto bad = CheckReason(reason, true)) return *bad;
  const std::string id(payment_id);
  auto row = deps_.db.WithSession([&](soci::session& sql) { return IntentRepository::Find(sql, id); });
  if (!row) return PaymentNotFound();
  if (row->status == "CANCELED") return ToIntent(*row);
  if (row->status == "SUCCEEDED") return WrongState("cancel", row->status);
  // Only an authorisation holds money at the provider; earlier states have
  // nothing to release there.
  if (row->status == "AUTHORIZED" || row->status == "REQUIRES_ACTION") {
    auto voided = deps_.provider.Void(VoidKey(*row), id);
    if (!voided) return voided.error();
  }
  deps_.db.InTransaction([&](db::Tx& tx) { ApplyCanceled(tx, id, std::string(reason)); });
  auto after = Get(id);
  if (after && after->status != PaymentStatus::kCanceled) {
    return WrongState("cancel", std::string(PaymentStatusName(after->status)));
  }
  return after;
}

Result<Refund> PaymentsServiceImpl::CreateRefund(std::string_view payment_id, const money::Money& amount,
                                                 std::string_view reason, std::string_view actor) {
  if (amount.amount <= 0) return Error::InvalidInput("invalid amount", {{"amount.amount", "must be positive"}});
  if (auto bad = CheckReason(reason, false)) return *bad;
  const std::string id(payment_id);
  auto row = deps_.db.WithSession([&](soci::session& sql) { return IntentRepository::Find(sql, id); });
  if (!row) return PaymentNotFound();
  if (amount.currency.Code() != row->currency) {
    return Error::InvalidInput("invalid amount",
                               {{"amount.currency", fmt::format("must be the payment's currency {}", row->currency)}});
  }
  if (row->status != "SUCCEEDED") return WrongState("refund", row->status);

  RefundRow refund;
  refund.id = "re_" + deps_.ids.NewId();
  refund.payment_id = id;
  refund.amount = amount.amount;
  refund.currency = row->currency;
  refund.status = "PENDING";
  refund.reason = std::string(reason);
  refund.actor = actor.empty() ? std::string("system") : std::string(actor);
  refund.created_at_ms = deps_.clock.NowMs();
  auto held = deps_.db.InTransaction([&](db::Tx& tx) -> Result<void> {
    // The headroom check and the hold are one conditional UPDATE: two
    // concurrent refunds cannot both pass on the same remaining amount.
    if (!IntentRepository::HoldRefund(tx.sql(), id, refund.amount, refund.created_at_ms)) {
      auto now = IntentRepository::Find(tx.sql(), id);
      const std::int64_t left = now ? now->captured - now->refunded - now->refund_pending : 0;
      return Error::Unprocessable(fmt::format("a refund of {} exceeds the {} still refundable", refund.amount,
                                              left < 0 ? 0 : left));
    }
    RefundRepository::Insert(tx.sql(), refund);
    return {};
  });
  if (!held) return held.error();

  auto answer = deps_.provider.Refund(RefundKey(refund.id), id, refund.id, amount);
  // An unavailable provider did not perform the refund (provider.hpp), so
  // the hold is released and staff may try again.
  const bool succeeded = answer && answer->succeeded;
  const std::string failure = !answer ? "provider_unavailable" : answer->failure;
  deps_.db.InTransaction([&](db::Tx& tx) { ApplyRefundOutcome(tx, refund.id, succeeded, failure); });
  if (!answer) return answer.error();
  auto stored = deps_.db.WithSession([&](soci::session& sql) { return RefundRepository::Find(sql, refund.id); });
  if (!stored) throw std::logic_error("refund vanished");
  return ToRefund(*stored, row->order_id);
}

std::vector<Refund> PaymentsServiceImpl::Refunds(std::string_view payment_id) {
  const std::string id(payment_id);
  return deps_.db.WithSession([&](soci::session& sql) {
    std::vector<Refund> out;
    auto intent = IntentRepository::Find(sql, id);
    if (!intent) return out;
    for (const RefundRow& r : RefundRepository::ForPayment(sql, id)) out.push_back(ToRefund(r, intent->order_id));
    return out;
  });
}

bool PaymentsServiceImpl::NothingToApply(const ProviderEvent& event) {
  return deps_.db.WithSession([&](soci::session& sql) {
    auto intent = IntentRepository::Find(sql, event.payment_id);
    if (!intent) return true;
    const bool settled = intent->status == "SUCCEEDED" || intent->status == "CANCELED";
    switch (event.type) {
      case ProviderEventType::kAuthorized:
      case ProviderEventType::kRequiresAction:
      case ProviderEventType::kPaymentFailed:
        return IntentRepository::AttemptRecorded(sql, event.attempt_key);
      case ProviderEventType::kSucceeded:
      case ProviderEventType::kCanceled:
        return settled;
      case ProviderEventType::kRefundSucceeded:
      case ProviderEventType::kRefundFailed: {
        auto refund = RefundRepository::Find(sql, event.refund_id);
        return !refund || refund->status != "PENDING";
      }
    }
    return false;
  });
}

bool PaymentsServiceImpl::ApplyWebhook(const ProviderEvent& event) {
  // Every write transaction on SQLite waits for the single writer; most
  // webhooks repeat what the synchronous answer already recorded, so they
  // are told apart by a read first. The transaction below re-checks all of
  // it, so a webhook racing another change is still applied exactly once.
  if (NothingToApply(event)) return false;
  return deps_.db.InTransaction([&](db::Tx& tx) {
    if (!platform::events::Inbox::TryRecord(tx, kWebhookConsumer, event.id, deps_.clock.NowMs())) return false;
    auto intent = IntentRepository::Find(tx.sql(), event.payment_id);
    if (!intent) return false;
    switch (event.type) {
      case ProviderEventType::kAuthorized:
      case ProviderEventType::kRequiresAction:
      case ProviderEventType::kPaymentFailed:
        return ApplyAttemptOutcome(tx, event.payment_id, event.attempt_key, event.type, event.decline_code,
                                   event.hard_decline);
      case ProviderEventType::kSucceeded:
        return ApplySucceeded(tx, event.payment_id);
      case ProviderEventType::kCanceled:
        return ApplyCanceled(tx, event.payment_id, "canceled_by_provider");
      case ProviderEventType::kRefundSucceeded:
      case ProviderEventType::kRefundFailed: {
        auto refund = RefundRepository::Find(tx.sql(), event.refund_id);
        if (!refund || refund->payment_id != event.payment_id) return false;
        return ApplyRefundOutcome(tx, event.refund_id, event.type == ProviderEventType::kRefundSucceeded,
                                  event.failure);
      }
    }
    return false;
  });
}

std::string_view RefundStatusName(RefundStatus status) {
  switch (status) {
    case RefundStatus::kPending:
      return "PENDING";
    case RefundStatus::kSucceeded:
      return "SUCCEEDED";
    case RefundStatus::kFailed:
      return "FAILED";
  }
  return "PENDING";
}

}  // namespace shop::payments
