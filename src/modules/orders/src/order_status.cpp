#include "order_status.hpp"

#include <array>
#include <utility>

namespace shop::orders {
namespace {

using S = OrderStatus;

constexpr std::array<std::pair<S, std::string_view>, 9> kNames{{
    {S::kPendingPayment, "PENDING_PAYMENT"},
    {S::kPaid, "PAID"},
    {S::kShipped, "SHIPPED"},
    {S::kDelivered, "DELIVERED"},
    {S::kCancelled, "CANCELLED"},
    {S::kExpired, "EXPIRED"},
    {S::kOnHold, "ON_HOLD"},
    {S::kRefunded, "REFUNDED"},
    {S::kPartiallyRefunded, "PARTIALLY_REFUNDED"},
}};

// Every allowed edge, and nothing else. A refund can follow any status in
// which money was taken; PARTIALLY_REFUNDED → PARTIALLY_REFUNDED is a second
// partial refund.
constexpr std::array<std::pair<S, S>, 17> kEdges{{
    {S::kPendingPayment, S::kPaid},
    {S::kPendingPayment, S::kCancelled},
    {S::kPendingPayment, S::kExpired},
    {S::kPendingPayment, S::kOnHold},
    {S::kOnHold, S::kPaid},
    {S::kOnHold, S::kCancelled},
    {S::kPaid, S::kShipped},
    {S::kShipped, S::kDelivered},
    {S::kPaid, S::kRefunded},
    {S::kPaid, S::kPartiallyRefunded},
    {S::kShipped, S::kRefunded},
    {S::kShipped, S::kPartiallyRefunded},
    {S::kDelivered, S::kRefunded},
    {S::kDelivered, S::kPartiallyRefunded},
    {S::kPartiallyRefunded, S::kPartiallyRefunded},
    {S::kPartiallyRefunded, S::kRefunded},
    {S::kPartiallyRefunded, S::kShipped},
}};

}  // namespace

std::string_view OrderStatusName(OrderStatus status) {
  for (const auto& [s, name] : kNames) {
    if (s == status) return name;
  }
  return "UNKNOWN";
}

std::optional<OrderStatus> ParseOrderStatus(std::string_view name) {
  for (const auto& [s, n] : kNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

bool CanTransition(OrderStatus from, OrderStatus to) {
  for (const auto& [a, b] : kEdges) {
    if (a == from && b == to) return true;
  }
  return false;
}

std::vector<std::string> SourcesOf(OrderStatus to) {
  std::vector<std::string> out;
  for (const auto& [a, b] : kEdges) {
    if (b == to) out.emplace_back(OrderStatusName(a));
  }
  return out;
}

bool IsFinal(OrderStatus status) {
  for (const auto& [a, b] : kEdges) {
    if (a == status) return false;
  }
  return true;
}

}  // namespace shop::orders
