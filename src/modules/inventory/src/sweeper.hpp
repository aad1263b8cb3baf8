#pragma once
// The reservation expiry sweeper: a periodic task that calls
// InventoryService::ReleaseExpired every inventory.sweep_interval_ms.
// Several instances may sweep at once: each reservation's status UPDATE lets
// exactly one of them release it.

#include <chrono>
#include <memory>

#include "platform/clock/clock.hpp"
#include "platform/core/periodic_task.hpp"
#include "shop/inventory/inventory.hpp"

namespace shop::inventory {

/// Not started; `service` and `clock` must outlive it.
std::unique_ptr<platform::PeriodicTask> MakeSweeper(InventoryService& service, const platform::Clock& clock,
                                                    std::chrono::milliseconds interval);

}  // namespace shop::inventory
