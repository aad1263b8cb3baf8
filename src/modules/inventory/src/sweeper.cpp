#include "sweeper.hpp"

#include "platform/log/log.hpp"

namespace shop::inventory {

std::unique_ptr<platform::PeriodicTask> MakeSweeper(InventoryService& service, const platform::Clock& clock,
                                                    std::chrono::milliseconds interval) {
  // A failed pass changes nothing; the next one picks up what it left.
  return std::make_unique<platform::PeriodicTask>("inventory", "reservation sweep", interval, [&service, &clock] {
    if (std::size_t n = service.ReleaseExpired(clock.NowMs()); n > 0) {
      platform::log::Get("inventory")->info("released {} expired reservation(s)", n);
    }
  });
}

}  // namespace shop::inventory
