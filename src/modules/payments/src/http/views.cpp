// JSON views of intents and refunds, and the small request helpers.
#include <boost/json/value.hpp>

#include "http/env.hpp"
#include "platform/money/money.hpp"

namespace shop::payments {

namespace http = platform::http;
namespace json = boost::json;

namespace {

json::value NullIfEmpty(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

json::object IntentJson(const PaymentIntent& intent) {
  return {{"id", intent.id},
          {"order_id", intent.order_id},
          {"status", PaymentStatusName(intent.status)},
          {"amount", platform::money::ToJson(intent.amount)},
          {"captured", platform::money::ToJson(intent.captured)},
          {"refunded", platform::money::ToJson(intent.refunded)},
          {"last_error", NullIfEmpty(intent.last_error)},
          {"failed_attempts", intent.failed_attempts},
          {"card_last4", NullIfEmpty(intent.card_last4)},
          {"created_at_ms", intent.created_at_ms},
          {"updated_at_ms", intent.updated_at_ms}};
}

json::object RefundJson(const Refund& refund) {
  return {{"id", refund.id},
          {"payment_id", refund.payment_id},
          {"order_id", refund.order_id},
          {"amount", platform::money::ToJson(refund.amount)},
          {"status", RefundStatusName(refund.status)},
          {"reason", refund.reason},
          {"actor", refund.actor},
          {"created_at_ms", refund.created_at_ms}};
}

http::Response ProblemResponse(const Error& error, const http::Request& request) {
  http::Response response = http::Response::Problem(error, request.path);
  if (error.code == ErrorCode::kUnavailable) response.headers.Set("Retry-After", "5");
  return response;
}

Result<std::string> PaymentIdParam(const http::Request& request) {
  const std::string_view id = request.PathParam("id");
  bool ok = id.size() > 3 && id.size() <= 64 && id.substr(0, 3) == "pi_";
  for (char c : id) ok = ok && IsIdChar(c);
  if (!ok) return Error::InvalidInput("invalid payment id", {{"id", "must be a payment id (pi_…)"}});
  return std::string(id);
}

}  // namespace shop::payments
