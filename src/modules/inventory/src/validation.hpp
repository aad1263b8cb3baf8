#pragma once
// Input rules of the service, shared by its methods: each returns the
// kInvalidInput error to hand back, or nullopt when the value is fine.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "platform/core/error.hpp"
#include "shop/inventory/inventory.hpp"

namespace shop::inventory {

std::optional<Error> CheckSku(const Sku& sku, std::string_view field = "sku");
/// 1..kMaxQuantity.
std::optional<Error> CheckQuantity(std::int64_t quantity, std::string_view field = "quantity");
/// Non-zero, |delta| <= kMaxQuantity.
std::optional<Error> CheckDelta(std::int64_t delta);
/// Non-blank after trimming, at most kMaxReasonLength bytes.
std::optional<Error> CheckReason(std::string_view reason);
/// 1..64 of [A-Za-z0-9._-], like a SKU: order ids are UUIDs or order numbers.
std::optional<Error> CheckOrderId(std::string_view order_id);
/// 1..100.
std::optional<Error> CheckLimit(int limit);

/// `text` without leading and trailing ASCII whitespace.
std::string Trim(std::string_view text);

}  // namespace shop::inventory
