#pragma once
// The order state machine of DESIGN §4 as data: which status may follow which.

#include "shop/orders/orders.hpp"

#include <string>
#include <vector>

namespace shop::orders {

/// True when an order in `from` may move to `to`.
bool CanTransition(OrderStatus from, OrderStatus to);

/// The statuses from which `to` may be reached, as stored names (for the
/// conditional UPDATE's "status IN (...)").
std::vector<std::string> SourcesOf(OrderStatus to);

/// Statuses after which nothing more can happen to an order.
bool IsFinal(OrderStatus status);

}  // namespace shop::orders
