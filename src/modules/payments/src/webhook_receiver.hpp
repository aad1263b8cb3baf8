#pragma once
// The provider webhook's way in: nothing of the body is trusted before the
// `Shop-Signature` header checks out against one of the configured secrets
// (platform/crypto/signature.hpp); then the event is parsed strictly and
// applied by the service, deduplicated on its id.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "payments_service.hpp"

namespace shop::payments {

/// The secrets of a comma-separated config value, blanks trimmed, empties dropped.
std::vector<std::string> SplitSecrets(std::string_view csv);

struct WebhookReceipt {
  std::string event_id;
  bool applied = false;  ///< false for a repeat, a stale message, or an unknown payment
};

/// Errors: kInvalidInput for a missing, malformed, unmatched, stale or
/// future signature, and for a signed body that is not a valid event. A
/// refused webhook changes nothing.
Result<WebhookReceipt> ReceiveWebhook(PaymentsServiceImpl& service, std::string_view signature_header,
                                      std::string_view body, const std::vector<std::string>& secrets,
                                      std::int64_t now_unix, std::int64_t tolerance_s);

}  // namespace shop::payments
