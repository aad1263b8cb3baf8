#include "provider_event.hpp"

#include <boost/json.hpp>

#include <array>
#include <utility>

#include "platform/http/json_input.hpp"

namespace shop::payments {
namespace json = boost::json;

namespace {

constexpr std::array<std::pair<ProviderEventType, std::string_view>, 7> kTypeNames{{
    {ProviderEventType::kAuthorized, "payment_intent.authorized"},
    {ProviderEventType::kRequiresAction, "payment_intent.requires_action"},
    {ProviderEventType::kPaymentFailed, "payment_intent.payment_failed"},
    {ProviderEventType::kSucceeded, "payment_intent.succeeded"},
    {ProviderEventType::kCanceled, "payment_intent.canceled"},
    {ProviderEventType::kRefundSucceeded, "refund.succeeded"},
    {ProviderEventType::kRefundFailed, "refund.failed"},
}};

bool NeedsAttempt(ProviderEventType t) {
  return t == ProviderEventType::kAuthorized || t == ProviderEventType::kRequiresAction ||
         t == ProviderEventType::kPaymentFailed;
}
bool NeedsRefund(ProviderEventType t) {
  return t == ProviderEventType::kRefundSucceeded || t == ProviderEventType::kRefundFailed;
}

Error Bad(std::string field, std::string message) {
  return Error::InvalidInput("malformed webhook event", {{std::move(field), std::move(message)}});
}

const json::string* StringMember(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return nullptr;
  return &it->value().as_string();
}

}  // namespace

std::string_view ProviderEventTypeName(ProviderEventType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) return name;
  }
  return "unknown";
}

std::string SerializeProviderEvent(const ProviderEvent& e) {
  json::object data{{"payment_id", e.payment_id}};
  if (NeedsAttempt(e.type)) data["attempt_key"] = e.attempt_key;
  if (e.type == ProviderEventType::kPaymentFailed) {
    data["decline_code"] = e.decline_code;
    data["hard_decline"] = e.hard_decline;
  }
  if (NeedsRefund(e.type)) data["refund_id"] = e.refund_id;
  if (e.type == ProviderEventType::kRefundFailed) data["failure"] = e.failure;
  json::object body{{"id", e.id},
                    {"type", ProviderEventTypeName(e.type)},
                    {"created", e.created_s},
                    {"data", std::move(data)}};
  return json::serialize(body);
}

Result<ProviderEvent> ParseProviderEvent(std::string_view body) {
  // Duplicate keys would let two readers of one signed body disagree.
  if (auto dup = platform::http::FindDuplicateKey(body)) return Bad(*dup, "appears twice");
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return Error::InvalidInput("webhook body is not a JSON object");
  const json::object& o = v.as_object();
  ProviderEvent e;
  const json::string* id = StringMember(o, "id");
  if (!id || id->empty() || id->size() > 255) return Bad("id", "must be a non-empty string");
  e.id = std::string(*id);
  const json::string* type = StringMember(o, "type");
  if (!type) return Bad("type", "must be a string");
  bool known = false;
  for (const auto& [t, name] : kTypeNames) {
    if (name == std::string_view(*type)) {
      e.type = t;
      known = true;
    }
  }
  if (!known) return Bad("type", "unknown event type");
  auto created = o.find("created");
  if (created == o.end() || !created->value().is_int64()) return Bad("created", "must be an integer");
  e.created_s = created->value().as_int64();
  auto data_it = o.find("data");
  if (data_it == o.end() || !data_it->value().is_object()) return Bad("data", "must be an object");
  const json::object& data = data_it->value().as_object();
  const json::string* payment = StringMember(data, "payment_id");
  if (!payment || payment->empty()) return Bad("data.payment_id", "must be a non-empty string");
  e.payment_id = std::string(*payment);
  if (NeedsAttempt(e.type)) {
    const json::string* attempt = StringMember(data, "attempt_key");
    if (!attempt || attempt->empty()) return Bad("data.attempt_key", "must be a non-empty string");
    e.attempt_key = std::string(*attempt);
  }
  if (e.type == ProviderEventType::kPaymentFailed) {
    const json::string* code = StringMember(data, "decline_code");
    if (!code || code->empty()) return Bad("data.decline_code", "must be a non-empty string");
    e.decline_code = std::string(*code);
    auto hard = data.find("hard_decline");
    if (hard != data.end()) {
      if (!hard->value().is_bool()) return Bad("data.hard_decline", "must be a boolean");
      e.hard_decline = hard->value().as_bool();
    }
  }
  if (NeedsRefund(e.type)) {
    const json::string* refund = StringMember(data, "refund_id");
    if (!refund || refund->empty()) return Bad("data.refund_id", "must be a non-empty string");
    e.refund_id = std::string(*refund);
  }
  if (e.type == ProviderEventType::kRefundFailed) {
    if (const json::string* failure = StringMember(data, "failure")) e.failure = std::string(*failure);
  }
  return e;
}

}  // namespace shop::payments
