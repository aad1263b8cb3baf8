#include "event_handlers.hpp"

#include "indexer.hpp"
#include "shop/catalog/events.hpp"
#include "shop/inventory/events.hpp"

#include <stdexcept>

namespace shop::search {

namespace {

Indexer& Require(const std::function<Indexer*()>& indexer) {
  Indexer* live = indexer();
  if (!live) throw std::runtime_error("search index not open yet");
  return *live;
}

}  // namespace

void RegisterIndexHandlers(platform::events::Bus& bus, platform::db::Db& db, std::function<Indexer*()> indexer) {
  bus.OnTransactional<catalog::events::ProductChanged>(
      db, kProductConsumer,
      [indexer](platform::db::Tx&, const catalog::events::ProductChanged& e, const platform::events::Envelope&) {
        Require(indexer).SyncProduct(e.product_id);
      });
  bus.OnTransactional<inventory::events::StockChanged>(
      db, kStockConsumer,
      [indexer](platform::db::Tx&, const inventory::events::StockChanged& e, const platform::events::Envelope&) {
        Require(indexer).SyncSku(e.sku);
      });
}

}  // namespace shop::search
