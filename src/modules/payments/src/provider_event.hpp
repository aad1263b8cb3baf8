#pragma once
// The provider's webhook body, as the mock gateway sends it and the webhook
// endpoint reads it (Stripe-like):
//
//   {"id": "evt_…", "type": "payment_intent.succeeded", "created": <unix s>,
//    "data": {"payment_id": "pi_…", "attempt_key": "…", "decline_code": "…",
//             "hard_decline": false, "refund_id": "re_…", "failure": "…"}}
//
// `data` members other than payment_id are present for the types that use them.

#include <cstdint>
#include <string>
#include <string_view>

#include "platform/core/error.hpp"

namespace shop::payments {

enum class ProviderEventType {
  kAuthorized,      ///< "payment_intent.authorized": attempt_key
  kRequiresAction,  ///< "payment_intent.requires_action": attempt_key
  kPaymentFailed,   ///< "payment_intent.payment_failed": attempt_key, decline_code, hard_decline
  kSucceeded,       ///< "payment_intent.succeeded"
  kCanceled,        ///< "payment_intent.canceled"
  kRefundSucceeded, ///< "refund.succeeded": refund_id
  kRefundFailed,    ///< "refund.failed": refund_id, failure
};

std::string_view ProviderEventTypeName(ProviderEventType type);

struct ProviderEvent {
  std::string id;
  ProviderEventType type = ProviderEventType::kSucceeded;
  std::int64_t created_s = 0;
  std::string payment_id;
  std::string attempt_key;
  std::string decline_code;
  bool hard_decline = false;
  std::string refund_id;
  std::string failure;
};

/// The JSON body for `event`.
std::string SerializeProviderEvent(const ProviderEvent& event);

/// Strict parse of a webhook body: an object with a non-empty string id, a
/// known type, an integer created, and a data object with the members the
/// type needs. Error: kInvalidInput naming what is wrong.
Result<ProviderEvent> ParseProviderEvent(std::string_view body);

}  // namespace shop::payments
