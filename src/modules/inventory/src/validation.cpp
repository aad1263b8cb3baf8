#include "validation.hpp"

#include <fmt/format.h>

namespace shop::inventory {
namespace {

Error Invalid(std::string_view field, std::string message) {
  return Error::InvalidInput(fmt::format("invalid {}", field), {{std::string(field), std::move(message)}});
}

}  // namespace

std::optional<Error> CheckSku(const Sku& sku, std::string_view field) {
  if (IsValidSku(sku.value)) return std::nullopt;
  return Invalid(field, "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
}

std::optional<Error> CheckQuantity(std::int64_t quantity, std::string_view field) {
  if (quantity >= 1 && quantity <= kMaxQuantity) return std::nullopt;
  return Invalid(field, fmt::format("must be an integer from 1 to {}", kMaxQuantity));
}

std::optional<Error> CheckDelta(std::int64_t delta) {
  if (delta != 0 && delta >= -kMaxQuantity && delta <= kMaxQuantity) return std::nullopt;
  return Invalid("delta", fmt::format("must be a non-zero integer from -{0} to {0}", kMaxQuantity));
}

std::optional<Error> CheckReason(std::string_view reason) {
  const std::string trimmed = Trim(reason);
  if (trimmed.empty()) return Invalid("reason", "must not be empty");
  if (trimmed.size() > kMaxReasonLength) {
    return Invalid("reason", fmt::format("must be at most {} bytes", kMaxReasonLength));
  }
  return std::nullopt;
}

std::optional<Error> CheckOrderId(std::string_view order_id) {
  if (IsValidSku(order_id)) return std::nullopt;
  return Invalid("order_id", "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
}

std::optional<Error> CheckLimit(int limit) {
  if (limit >= 1 && limit <= 100) return std::nullopt;
  return Invalid("limit", "must be an integer from 1 to 100");
}

std::string Trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace shop::inventory
