#pragma once
// Subscriptions that keep the index current on this instance: each event
// names a product (or a SKU that ran out or came back) to sync. Recorded in the platform inbox, so a
// redelivered event is skipped; the sync itself is idempotent anyway, which
// covers the gap between the index write and the inbox commit.

#include "platform/db/db.hpp"
#include "platform/events/bus.hpp"

#include <functional>
#include <string>

namespace shop::search {

class Indexer;

inline constexpr const char* kProductConsumer = "search.index_product";
inline constexpr const char* kStockConsumer = "search.index_stock";

/// `indexer` returns the live Indexer, or nullptr before the index is open
/// (the handler then throws and the relay retries later).
void RegisterIndexHandlers(platform::events::Bus& bus, platform::db::Db& db, std::function<Indexer*()> indexer);

}  // namespace shop::search
