#pragma once
// A real catalog store on a fresh database of one backend, with a manual
// clock, an in-memory inventory (the InventoryService contract, nothing
// more) and helpers to look at what the store wrote.

#include "catalog_store.hpp"
#include "platform/clock/clock.hpp"
#include "platform/events/outbox.hpp"
#include "platform/ids/ids.hpp"
#include "shop/inventory/inventory.hpp"
#include "support/test_database.hpp"

#include <boost/json/parse.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace shop::catalog::testing {

/// The inventory as the catalog sees it: tracked SKUs with on_hand.
class FakeInventory final : public inventory::InventoryService {
 public:
  Result<inventory::StockLevel> Track(const inventory::Sku& sku) override {
    std::lock_guard lock(mutex_);
    ++track_calls;
    auto& level = levels_[sku.value];
    level.sku = sku;
    return level;
  }
  Result<void> ReceiveMany(const std::vector<inventory::ReceiptLine>& lines, std::string_view reason,
                           std::string_view actor) override {
    for (const auto& line : lines) {
      if (auto tracked = Track(line.sku); !tracked) return tracked.error();
      if (line.quantity == 0) continue;
      if (auto received = Adjust(line.sku, line.quantity, reason, actor); !received) return received.error();
    }
    return {};
  }
  Result<inventory::StockLevel> Get(const inventory::Sku& sku) override {
    std::lock_guard lock(mutex_);
    auto it = levels_.find(sku.value);
    if (it == levels_.end()) return Error::NotFound("untracked");
    return it->second;
  }
  std::vector<inventory::StockLevel> GetMany(const std::vector<inventory::Sku>& skus) override {
    std::lock_guard lock(mutex_);
    ++get_many_calls;
    std::vector<inventory::StockLevel> out;
    for (const auto& s : skus) {
      if (auto it = levels_.find(s.value); it != levels_.end()) out.push_back(it->second);
    }
    return out;
  }
  Result<inventory::StockLevel> Adjust(const inventory::Sku& sku, std::int64_t delta, std::string_view reason,
                                       std::string_view actor) override {
    std::lock_guard lock(mutex_);
    auto it = levels_.find(sku.value);
    if (it == levels_.end()) return Error::NotFound("untracked");
    if (delta == 0 || reason.empty()) return Error::InvalidInput("bad adjustment");
    it->second.on_hand += delta;
    it->second.available += delta;
    reasons.push_back(std::string(reason) + "/" + std::string(actor));
    return it->second;
  }
  // The catalog uses none of these; a call is a test failure.
  Result<inventory::StockLevel> SetLowStockThreshold(const inventory::Sku&, std::optional<std::int64_t>) override {
    return Unused();
  }
  Result<void> Reserve(std::string_view, const std::vector<inventory::ReservationLine>&, std::int64_t) override {
    return Unused();
  }
  Result<void> Reserve(shop::platform::db::Tx&, std::string_view, const std::vector<inventory::ReservationLine>&,
                       std::int64_t) override {
    return Unused();
  }
  Result<void> Release(std::string_view, std::string_view) override { return Unused(); }
  Result<void> Commit(std::string_view) override { return Unused(); }
  Result<void> Commit(shop::platform::db::Tx&, std::string_view) override { return Unused(); }
  Result<inventory::StockLevel> Restock(const inventory::Sku&, std::int64_t, std::string_view, std::string_view,
                                        std::string_view) override {
    return Unused();
  }
  Result<inventory::ReservationStatus> GetReservation(std::string_view) override { return Unused(); }
  std::size_t ReleaseExpired(std::int64_t) override { return 0; }
  Result<inventory::MovementPage> Ledger(const inventory::Sku&, int, std::string_view) override { return Unused(); }
  Result<inventory::StockPage> Search(std::string_view, int, std::string_view) override { return Unused(); }
  Result<inventory::StockPage> LowStock(int, std::string_view) override { return Unused(); }

  std::int64_t OnHand(const std::string& sku) {
    std::lock_guard lock(mutex_);
    auto it = levels_.find(sku);
    return it == levels_.end() ? -1 : it->second.on_hand;
  }
  bool Tracks(const std::string& sku) {
    std::lock_guard lock(mutex_);
    return levels_.count(sku) > 0;
  }

  int track_calls = 0;
  int get_many_calls = 0;
  std::vector<std::string> reasons;

 private:
  static Error Unused() { return Error::Internal("not part of what the catalog uses"); }
  std::mutex mutex_;
  std::map<std::string, inventory::StockLevel> levels_;
};

class CatalogFixture {
 public:
  platform::ManualClock clock;

  /// `variant_cache_entries`: 0 (the default here) reads every sellable
  /// variant from the database.
  explicit CatalogFixture(shop::testing::TestDatabase& database, std::size_t variant_cache_entries = 0)
      : db_(database.Open()), ids_(clock), outbox_(clock, ids_) {
    shop::testing::ApplyMigrations(*db_, {"platform", "catalog"});
    store_ = std::make_unique<CatalogStore>(CatalogStoreDeps{
        .db = *db_, .outbox = outbox_, .clock = clock, .ids = ids_,
        .currency = *platform::money::Currency::FromCode("EUR"),
        .variant_cache_entries = variant_cache_entries});
    store_->OnSkusAdded([this](const std::vector<std::string>& skus) {
      for (const auto& s : skus) (void)inventory.Track(inventory::Sku{s});
    });
  }

  CatalogStore& store() { return *store_; }
  platform::db::Db& db() { return *db_; }
  platform::IdGenerator& ids() { return ids_; }
  FakeInventory inventory;

  std::int64_t Count(const std::string& sql_text) {
    return db_->WithSession([&](soci::session& sql) {
      long long n = 0;
      sql << sql_text, soci::into(n);
      return static_cast<std::int64_t>(n);
    });
  }

  /// Payloads of the outbox events of `type`, oldest first.
  std::vector<boost::json::object> Events(const std::string& type) {
    return db_->WithSession([&](soci::session& sql) {
      std::vector<boost::json::object> out;
      soci::rowset<soci::row> rs = (sql.prepare << "SELECT type, payload FROM events_outbox"
                                                   " ORDER BY occurred_at_ms, aggregate_seq, id");
      for (const auto& r : rs) {
        if (r.get<std::string>(0) == type) out.push_back(boost::json::parse(r.get<std::string>(1)).as_object());
      }
      return out;
    });
  }

 private:
  std::unique_ptr<platform::db::Db> db_;
  platform::RandomIdGenerator ids_;
  platform::events::Outbox outbox_;
  std::unique_ptr<CatalogStore> store_;
};

}  // namespace shop::catalog::testing
