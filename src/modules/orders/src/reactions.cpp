// How an order follows its payment and its reservation (DESIGN §4). The
// relay delivers each event at least once; every reaction is written so a
// redelivery, or a crash half-way through one, converges on the same end:
// effects on other modules are idempotent calls made before the order's own
// conditional move, and a move the order already made is a no-op.
#include "orders_service.hpp"

#include "order_status.hpp"
#include "platform/log/log.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>

namespace shop::orders {

namespace db = platform::db;

namespace {

/// Thrown so the relay retries the delivery later.
[[noreturn]] void RetryLater(std::string_view what, const Error& error) {
  throw std::runtime_error(fmt::format("{}: {}", what, error.detail));
}

bool AwaitsPayment(OrderStatus s) { return s == OrderStatus::kPendingPayment || s == OrderStatus::kOnHold; }

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace

void OrdersServiceImpl::OnPaymentAuthorized(const payments::events::PaymentAuthorized& event) {
  auto stored = Load(event.order_id);
  if (!stored) return;  // not an order of this shop's
  const Order& order = stored->order;
  if (order.status == OrderStatus::kCancelled || order.status == OrderStatus::kExpired) {
    // Authorised after the order ended: give the hold on the card back.
    auto voided = deps_.payments.Cancel(order.payment_id, "order no longer open");
    if (!voided && voided.error().code == ErrorCode::kUnavailable) RetryLater("void", voided.error());
    return;
  }
  if (order.status != OrderStatus::kPendingPayment) return;  // already screened

  const ScreeningDecision decision = deps_.screening.Screen(ScreeningFacts{.order_id = order.id,
                                                                           .customer_id = order.customer_id,
                                                                           .email = order.email,
                                                                           .ship_country = order.shipping_address.country,
                                                                           .total = order.total.amount,
                                                                           .currency = std::string(currency().Code()),
                                                                           .card_fingerprint = event.card_fingerprint,
                                                                           .card_last4 = event.card_last4});
  const std::string verdict = fmt::format("Screening: {} (score {}; {})", ScreeningVerdictName(decision.verdict),
                                          decision.score, Join(decision.reasons));
  switch (decision.verdict) {
    case ScreeningVerdict::kApprove: {
      // The note commits with the capture: one transaction, and no
      // captured payment without its screening record.
      auto captured = deps_.payments.Capture(order.payment_id, [&](db::Tx& tx) {
        NoteIn(tx, order.id, verdict + "; payment captured", kSystemActor);
      });
      if (!captured && captured.error().code == ErrorCode::kUnavailable) RetryLater("capture", captured.error());
      if (!captured) {
        // Voided meanwhile (a cancel won the race): the canceled event ends the order.
        platform::log::Get("orders")->info("order {}: capture refused: {}", order.id, captured.error().detail);
      }
      return;
    }
    case ScreeningVerdict::kReview: {
      auto held = Move(order.id, OrderStatus::kOnHold, verdict, kSystemActor);
      if (!held) platform::log::Get("orders")->info("order {}: not held: {}", order.id, held.error().detail);
      return;
    }
    case ScreeningVerdict::kReject: {
      Note(order.id, verdict, kSystemActor);
      auto voided = deps_.payments.Cancel(order.payment_id, "rejected by screening");
      if (!voided && voided.error().code == ErrorCode::kUnavailable) RetryLater("void", voided.error());
      return;  // the canceled event releases the stock and cancels the order
    }
  }
}

void OrdersServiceImpl::OnPaymentSucceeded(const payments::events::PaymentSucceeded& event) {
  auto stored = Load(event.order_id);
  if (!stored) return;
  const Order& order = stored->order;
  const bool awaited = AwaitsPayment(order.status);
  // Where the order stands after this delivery's own move, when that is
  // known without reading it again (the common case: it just turned PAID).
  std::optional<OrderStatus> status_now;
  if (awaited) {
    // The money is captured: the cart has served its purpose. Cleared before
    // the order turns PAID, so a shopper who sees PAID finds it empty (also
    // when the order turns out to have expired and is refunded below).
    ClearCart(order);
    // The sale and PAID in one transaction: no moment where the units are
    // sold but the order still waits (or the reverse), and one write less.
    std::optional<Error> commit_failed;
    auto moved = deps_.db.InTransaction([&](db::Tx& tx) -> Result<Order> {
      auto committed = deps_.inventory.Commit(tx, order.id);
      if (!committed && committed.error().code == ErrorCode::kConflict) {
        // The reservation ran out (or was released) before the money came:
        // the units may be sold to someone else, so the payment goes back.
        return MoveIn(tx, order.id, OrderStatus::kExpired, "Reservation expired before the payment", kSystemActor);
      }
      if (!committed) {
        commit_failed = committed.error();
        return committed.error();
      }
      return MoveIn(tx, order.id, OrderStatus::kPaid,
                    fmt::format("Paid: {} captured ({})", event.amount, event.payment_id), kSystemActor);
    });
    if (commit_failed) RetryLater("commit", *commit_failed);
    if (moved) {
      status_now = moved->status;
    } else {
      // Refused because the order moved meanwhile: if it still waits for
      // the money, try again; if it ended, the branch below refunds.
      auto again = Load(order.id);
      if (!again) return;
      if (AwaitsPayment(again->order.status)) RetryLater("mark paid", moved.error());
      status_now = again->order.status;
    }
  }
  if (!status_now) {
    auto now = Load(event.order_id);
    if (!now) return;
    status_now = now->order.status;
  }
  if (*status_now == OrderStatus::kCancelled || *status_now == OrderStatus::kExpired) {
    // Money for an order that ended: refund it in full. A repeated refund
    // is refused by payments (never more than captured), so redeliveries
    // cannot refund twice.
    auto refund = deps_.payments.CreateRefund(order.payment_id, order.total,
                                              "order ended before the payment arrived", kSystemActor);
    if (refund) Note(order.id, fmt::format("Payment arrived after the order ended; refund {} issued", refund->id),
                     kSystemActor);
    if (!refund && refund.error().code == ErrorCode::kUnavailable) RetryLater("refund", refund.error());
    return;
  }
  // Paid already when this delivery came (a redelivery after a crash that
  // may have come between the move and the clear): Clear is idempotent.
  if (!awaited) ClearCart(order);
}

void OrdersServiceImpl::ClearCart(const Order& order) {
  if (auto cleared = deps_.cart.Clear(order.cart_id); !cleared && cleared.error().code == ErrorCode::kUnavailable) {
    RetryLater("clear cart", cleared.error());
  }
}

void OrdersServiceImpl::OnPaymentFailed(db::Tx& tx, const payments::events::PaymentFailed& event) {
  if (!OrderRepository::Find(tx.sql(), event.order_id, currency())) return;
  NoteIn(tx, event.order_id,
         fmt::format("Payment declined: {} (attempt {})", event.decline_code, event.failed_attempts), kSystemActor);
}

void OrdersServiceImpl::OnPaymentCanceled(const payments::events::PaymentCanceled& event) {
  auto stored = Load(event.order_id);
  if (!stored || !AwaitsPayment(stored->order.status)) return;
  auto released = deps_.inventory.Release(event.order_id, "payment canceled");
  if (!released && released.error().code != ErrorCode::kNotFound && released.error().code != ErrorCode::kConflict) {
    RetryLater("release", released.error());
  }
  auto moved = Move(event.order_id, OrderStatus::kCancelled, fmt::format("Payment canceled: {}", event.reason),
                    kSystemActor);
  if (!moved && moved.error().code != ErrorCode::kConflict) RetryLater("cancel", moved.error());
}

void OrdersServiceImpl::OnRefundSucceeded(db::Tx& tx, const payments::events::RefundSucceeded& event) {
  auto stored = OrderRepository::Find(tx.sql(), event.order_id, currency());
  if (!stored) return;
  const OrderStatus to =
      event.total_refunded >= event.captured ? OrderStatus::kRefunded : OrderStatus::kPartiallyRefunded;
  OrderRepository::SetRefunded(tx.sql(), event.order_id, event.total_refunded, deps_.clock.NowMs());
  const std::string note = fmt::format("Refund {} of {} succeeded ({} of {} refunded)", event.refund_id,
                                       event.amount, event.total_refunded, event.captured);
  if (CanTransition(stored->order.status, to)) {
    auto moved = MoveIn(tx, event.order_id, to, note, kSystemActor);
    if (!moved) RetryLater("refund status", moved.error());
  } else {
    // A refund of an order that never became PAID (it ended first): the
    // status stays, the timeline says what happened to the money.
    NoteIn(tx, event.order_id, note, kSystemActor);
  }
}

void OrdersServiceImpl::OnRefundFailed(db::Tx& tx, const payments::events::RefundFailed& event) {
  if (!OrderRepository::Find(tx.sql(), event.order_id, currency())) return;
  NoteIn(tx, event.order_id, fmt::format("Refund {} failed: {}", event.refund_id, event.reason), kSystemActor);
}

void OrdersServiceImpl::OnReservationExpired(const inventory::events::ReservationExpired& event) {
  auto stored = Load(event.order_id);
  if (!stored) return;  // a checkout that crashed before its order was written
  const Order& order = stored->order;
  if (order.status == OrderStatus::kPendingPayment) {
    auto moved = Move(order.id, OrderStatus::kExpired, "No payment before the reservation expired", kSystemActor);
    if (!moved && moved.error().code != ErrorCode::kConflict) RetryLater("expire", moved.error());
  }
  auto now = Load(event.order_id);
  if (!now || now->order.status != OrderStatus::kExpired) return;
  // An expired order must not be charged later: void the intent. If the
  // money was already captured, the succeeded event refunds it.
  auto voided = deps_.payments.Cancel(order.payment_id, "order expired");
  if (!voided && voided.error().code == ErrorCode::kUnavailable) RetryLater("void", voided.error());
}

}  // namespace shop::orders
