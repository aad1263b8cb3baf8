#pragma once
// The inventory service: levels, reservations and the ledger over the
// repositories in this folder. Each change is one transaction holding the
// conditional UPDATEs, their ledger rows and their outbox events.

#include <memory>

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/outbox.hpp"
#include "platform/ids/ids.hpp"
#include "shop/inventory/inventory.hpp"
#include "stock_repository.hpp"

namespace shop::inventory {

struct InventoryServiceDeps {
  platform::db::Db& db;
  platform::events::Outbox& outbox;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  const platform::config::InventoryConfig& config;
};

/// Thread-safe: holds no mutable state besides what the database keeps.
class InventoryServiceImpl final : public InventoryService {
 public:
  explicit InventoryServiceImpl(InventoryServiceDeps deps) : deps_(deps) {}

  Result<StockLevel> Track(const Sku& sku) override;
  Result<void> ReceiveMany(const std::vector<ReceiptLine>& lines, std::string_view reason,
                           std::string_view actor) override;
  Result<StockLevel> Get(const Sku& sku) override;
  std::vector<StockLevel> GetMany(const std::vector<Sku>& skus) override;
  Result<StockLevel> Adjust(const Sku& sku, std::int64_t delta, std::string_view reason,
                            std::string_view actor) override;
  Result<StockLevel> SetLowStockThreshold(const Sku& sku, std::optional<std::int64_t> threshold) override;
  Result<void> Reserve(std::string_view order_id, const std::vector<ReservationLine>& lines,
                       std::int64_t expires_at_ms) override;
  Result<void> Reserve(platform::db::Tx& tx, std::string_view order_id, const std::vector<ReservationLine>& lines,
                       std::int64_t expires_at_ms) override;
  Result<void> Release(std::string_view order_id, std::string_view reason) override;
  Result<void> Commit(std::string_view order_id) override;
  Result<void> Commit(platform::db::Tx& tx, std::string_view order_id) override;
  Result<StockLevel> Restock(const Sku& sku, std::int64_t quantity, std::string_view order_id,
                             std::string_view reason, std::string_view actor) override;
  Result<ReservationStatus> GetReservation(std::string_view order_id) override;
  std::size_t ReleaseExpired(std::int64_t now_ms) override;
  Result<MovementPage> Ledger(const Sku& sku, int limit, std::string_view cursor) override;
  Result<StockPage> Search(std::string_view prefix, int limit, std::string_view cursor) override;
  Result<StockPage> LowStock(int limit, std::string_view cursor) override;

 private:
  struct Change;
  StockLevel Level(const StockRow& row) const;
  /// Appends the ledger row of one applied change and publishes the level
  /// events it caused (stock changed, and low / out of / back in stock when
  /// available crossed a line).
  void Record(platform::db::Tx& tx, const Change& change);
  /// Moves an active reservation to `to` and reverses or sells its units.
  /// false when it was not active (or, with `due_ms`, not yet expired).
  bool Finish(platform::db::Tx& tx, const std::string& order_id, const std::string& to, MovementKind kind,
              std::string_view reason, std::optional<std::int64_t> due_ms);

  InventoryServiceDeps deps_;
};

}  // namespace shop::inventory
