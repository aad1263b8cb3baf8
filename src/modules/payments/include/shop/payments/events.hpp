#pragma once
/// Events the payments module publishes through the outbox (DESIGN §3), in
/// the same transaction as the state change they describe. Aggregate
/// "payment", id = the payment intent's id, so one intent's events are
/// delivered in order. Amounts are minor units of `currency`.
/// Payloads are flat JSON objects of the fields below.

#include "platform/events/payload.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace shop::payments::events {

/// The provider authorised the card; the intent awaits capture. The
/// screening step decides next (capture, hold for review, or cancel).
struct PaymentAuthorized {
  static constexpr std::string_view kType = "payments.payment_authorized.v1";
  static constexpr std::string_view kAggregateType = "payment";
  std::string payment_id;
  std::string order_id;
  std::int64_t amount = 0;
  std::string currency;
  std::string card_last4;
  std::string card_fingerprint;
  boost::json::value ToJson() const {
    return {{"payment_id", payment_id}, {"order_id", order_id}, {"amount", amount},
            {"currency", currency}, {"card_last4", card_last4}, {"card_fingerprint", card_fingerprint}};
  }
  static PaymentAuthorized FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    using platform::events::PayloadInt;
    using platform::events::PayloadString;
    return {PayloadString(o, "payment_id"), PayloadString(o, "order_id"), PayloadInt(o, "amount"),
            PayloadString(o, "currency"), PayloadString(o, "card_last4"), PayloadString(o, "card_fingerprint")};
  }
};

/// The money was captured: the order is paid.
struct PaymentSucceeded {
  static constexpr std::string_view kType = "payments.payment_succeeded.v1";
  static constexpr std::string_view kAggregateType = "payment";
  std::string payment_id;
  std::string order_id;
  std::int64_t amount = 0;
  std::string currency;
  boost::json::value ToJson() const {
    return {{"payment_id", payment_id}, {"order_id", order_id}, {"amount", amount}, {"currency", currency}};
  }
  static PaymentSucceeded FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    using platform::events::PayloadInt;
    using platform::events::PayloadString;
    return {PayloadString(o, "payment_id"), PayloadString(o, "order_id"), PayloadInt(o, "amount"),
            PayloadString(o, "currency")};
  }
};

/// A confirmation attempt was declined; the intent can still be paid with
/// another card (REQUIRES_PAYMENT_METHOD) unless a PaymentCanceled follows.
struct PaymentFailed {
  static constexpr std::string_view kType = "payments.payment_failed.v1";
  static constexpr std::string_view kAggregateType = "payment";
  std::string payment_id;
  std::string order_id;
  std::string decline_code;  ///< "card_declined", "insufficient_funds", ...
  std::int64_t failed_attempts = 0;
  boost::json::value ToJson() const {
    return {{"payment_id", payment_id}, {"order_id", order_id}, {"decline_code", decline_code},
            {"failed_attempts", failed_attempts}};
  }
  static PaymentFailed FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    using platform::events::PayloadInt;
    using platform::events::PayloadString;
    return {PayloadString(o, "payment_id"), PayloadString(o, "order_id"), PayloadString(o, "decline_code"),
            PayloadInt(o, "failed_attempts")};
  }
};

/// The intent is canceled for good (hard decline, too many failed attempts,
/// or Cancel): no money will be taken.
struct PaymentCanceled {
  static constexpr std::string_view kType = "payments.payment_canceled.v1";
  static constexpr std::string_view kAggregateType = "payment";
  std::string payment_id;
  std::string order_id;
  std::string reason;  ///< decline code, "too_many_attempts", or the Cancel reason
  boost::json::value ToJson() const {
    return {{"payment_id", payment_id}, {"order_id", order_id}, {"reason", reason}};
  }
  static PaymentCanceled FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    using platform::events::PayloadString;
    return {PayloadString(o, "payment_id"), PayloadString(o, "order_id"), PayloadString(o, "reason")};
  }
};

/// A refund settled. `total_refunded` is the sum of the intent's succeeded
/// refunds after this one; equal to `captured` means fully refunded.
struct RefundSucceeded {
  static constexpr std::string_view kType = "payments.refund_succeeded.v1";
  static constexpr std::string_view kAggregateType = "payment";
  std::string refund_id;
  std::string payment_id;
  std::string order_id;
  std::int64_t amount = 0;
  std::int64_t total_refunded = 0;
  std::int64_t captured = 0;
  std::string currency;
  boost::json::value ToJson() const {
    return {{"refund_id", refund_id}, {"payment_id", payment_id}, {"order_id", order_id},
            {"amount", amount}, {"total_refunded", total_refunded}, {"captured", captured},
            {"currency", currency}};
  }
  static RefundSucceeded FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    using platform::events::PayloadInt;
    using platform::events::PayloadString;
    return {PayloadString(o, "refund_id"), PayloadString(o, "payment_id"), PayloadString(o, "order_id"),
            PayloadInt(o, "amount"),       PayloadInt(o, "total_refunded"), PayloadInt(o, "captured"),
            PayloadString(o, "currency")};
  }
};

/// The provider refused a refund; nothing was returned to the shopper.
struct RefundFailed {
  static constexpr std::string_view kType = "payments.refund_failed.v1";
  static constexpr std::string_view kAggregateType = "payment";
  std::string refund_id;
  std::string payment_id;
  std::string order_id;
  std::string reason;
  boost::json::value ToJson() const {
    return {{"refund_id", refund_id}, {"payment_id", payment_id}, {"order_id", order_id}, {"reason", reason}};
  }
  static RefundFailed FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    using platform::events::PayloadString;
    return {PayloadString(o, "refund_id"), PayloadString(o, "payment_id"), PayloadString(o, "order_id"),
            PayloadString(o, "reason")};
  }
};

}  // namespace shop::payments::events
