#include "webhook_receiver.hpp"

#include "platform/crypto/signature.hpp"

namespace shop::payments {

std::vector<std::string> SplitSecrets(std::string_view csv) {
  std::vector<std::string> out;
  while (!csv.empty()) {
    const std::size_t comma = csv.find(',');
    std::string_view item = csv.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    csv.remove_prefix(comma + 1);
  }
  return out;
}

Result<WebhookReceipt> ReceiveWebhook(PaymentsServiceImpl& service, std::string_view signature_header,
                                      std::string_view body, const std::vector<std::string>& secrets,
                                      std::int64_t now_unix, std::int64_t tolerance_s) {
  if (auto verified = platform::crypto::VerifySignedPayload(signature_header, body, secrets, now_unix, tolerance_s);
      !verified) {
    return verified.error();
  }
  auto event = ParseProviderEvent(body);
  if (!event) return event.error();
  return WebhookReceipt{.event_id = event->id, .applied = service.ApplyWebhook(*event)};
}

}  // namespace shop::payments
