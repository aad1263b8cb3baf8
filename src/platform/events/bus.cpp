#include "platform/events/bus.hpp"

#include <mutex>
#include <stdexcept>

#include "platform/events/inbox.hpp"

namespace shop::platform::events {

void Bus::Subscribe(std::string consumer, std::string type, Handler handler) {
  std::unique_lock lock(mutex_);
  auto& list = by_type_[type];
  for (const auto& existing : list) {
    if (existing->consumer == consumer) {
      throw std::invalid_argument("consumer " + consumer + " already subscribes to " + type);
    }
  }
  list.push_back(std::make_shared<const Subscription>(
      Subscription{std::move(consumer), std::move(type), std::move(handler)}));
}

void Bus::SubscribeTransactional(db::Db& db, std::string consumer, std::string type, TxHandler handler) {
  std::string name = consumer;
  Subscribe(std::move(consumer), std::move(type),
            [&db, name = std::move(name), handler = std::move(handler)](const Envelope& e) {
              db.InTransaction([&](db::Tx& tx) {
                if (!Inbox::TryRecord(tx, name, e.id)) return;  // already handled
                handler(tx, e);
              });
            });
}

std::vector<std::shared_ptr<const Bus::Subscription>> Bus::SubscribersOf(std::string_view type) const {
  std::shared_lock lock(mutex_);
  auto it = by_type_.find(type);
  if (it == by_type_.end()) return {};
  return it->second;
}

}  // namespace shop::platform::events
