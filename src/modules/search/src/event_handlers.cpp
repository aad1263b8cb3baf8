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
  // The index knows of stock only whether anything is available, which
  // changes exactly when a SKU runs out or comes back; every other stock
  // move (several per order) leaves the documents as they are.
  bus.OnTransactional<inventory::events::OutOfStock>(
      db, kStockConsumer,
      [indexer](platform::db::Tx&, const inventory::events::OutOfStock& e, const platform::events::Envelope&) {
        Require(indexer).SyncSku(e.sku);
      });
  bus.OnTransactional<inventory::events::BackInStock>(
      db, kStockConsumer,
      [indexer](platform::db::Tx&, const inventory::events::BackInStock& e, const platform::events::Envelope&) {
        Require(indexer).SyncSku(e.sku);
      });
}

}  // namespace shop::search
