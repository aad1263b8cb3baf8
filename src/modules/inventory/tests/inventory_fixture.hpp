#pragma once
// A real inventory service on a fresh database of one backend, with a manual
// clock and helpers to look at what the service wrote.

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <vector>

#include "inventory_service.hpp"
#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/events/envelope.hpp"
#include "platform/events/outbox.hpp"
#include "platform/ids/ids.hpp"
#include "support/test_database.hpp"

namespace shop::inventory::testing {

struct StoredEvent {
  platform::events::Envelope envelope;
  boost::json::object payload;
};

inline constexpr const char* kStockChanged = "inventory.stock_changed.v1";
inline constexpr const char* kLowStock = "inventory.low_stock.v1";
inline constexpr const char* kOutOfStock = "inventory.out_of_stock.v1";
inline constexpr const char* kBackInStock = "inventory.back_in_stock.v1";
inline constexpr const char* kReservationExpired = "inventory.reservation_expired.v1";

class InventoryFixture {
 public:
  // First member: the id generator and outbox below hold a reference to it.
  platform::ManualClock clock;

  /// `pool_size` connections: the concurrency tests need many.
  explicit InventoryFixture(shop::testing::TestDatabase& database, std::size_t pool_size = 4,
                            platform::config::InventoryConfig config = {})
      : db_(database.Open(pool_size)), ids_(clock), outbox_(clock, ids_), config_(config) {
    shop::testing::ApplyMigrations(*db_, {"platform", "inventory"});
    service_ = std::make_unique<InventoryServiceImpl>(InventoryServiceDeps{*db_, outbox_, clock, ids_, config_});
  }

  InventoryServiceImpl& service() { return *service_; }
  platform::db::Db& db() { return *db_; }
  platform::events::Outbox& outbox() { return outbox_; }

  /// Tracks `sku` and receives `on_hand` units.
  StockLevel Stock(const std::string& sku, std::int64_t on_hand) {
    auto tracked = service_->Track(Sku{sku});
    if (!tracked) throw std::runtime_error("track failed: " + tracked.error().detail);
    if (on_hand == 0) return *tracked;
    auto level = service_->Adjust(Sku{sku}, on_hand, "initial stock", "test");
    if (!level) throw std::runtime_error("adjust failed: " + level.error().detail);
    return *level;
  }

  std::int64_t Count(const std::string& sql_text) {
    return db_->WithSession([&](soci::session& sql) {
      long long n = 0;
      sql << sql_text, soci::into(n);
      return static_cast<std::int64_t>(n);
    });
  }

  std::int64_t LedgerRows(const std::string& sku) {
    return Count("SELECT COUNT(*) FROM inventory_ledger WHERE sku = '" + sku + "'");
  }

  /// Every event in the outbox of `type` ("" = all), oldest first.
  std::vector<StoredEvent> Events(const std::string& type = "") {
    return db_->WithSession([&](soci::session& sql) {
      std::vector<StoredEvent> out;
      platform::events::Envelope e;
      soci::statement st =
          (sql.prepare
               << "SELECT id, type, occurred_at_ms, aggregate_type, aggregate_id, aggregate_seq, payload"
                  " FROM events_outbox ORDER BY aggregate_id, aggregate_seq, id",
           soci::into(e.id), soci::into(e.type), soci::into(e.occurred_at_ms), soci::into(e.aggregate_type),
           soci::into(e.aggregate_id), soci::into(e.aggregate_seq), soci::into(e.payload));
      st.execute();
      while (st.fetch()) {
        if (!type.empty() && e.type != type) continue;
        out.push_back({e, boost::json::parse(e.payload).as_object()});
      }
      return out;
    });
  }

  /// Rows that break on_hand = available + reserved with none negative, or
  /// whose ledger does not add up to the stored levels.
  std::int64_t InvariantViolations() {
    return Count("SELECT COUNT(*) FROM inventory_stock s WHERE s.on_hand < 0 OR s.reserved < 0"
                 " OR s.reserved > s.on_hand"
                 " OR s.on_hand <> (SELECT COALESCE(SUM(l.on_hand_delta), 0) FROM inventory_ledger l WHERE l.sku = s.sku)"
                 " OR s.reserved <> (SELECT COALESCE(SUM(l.reserved_delta), 0) FROM inventory_ledger l"
                 " WHERE l.sku = s.sku)");
  }

 private:
  std::unique_ptr<platform::db::Db> db_;
  platform::RandomIdGenerator ids_;
  platform::events::Outbox outbox_;
  platform::config::InventoryConfig config_;
  std::unique_ptr<InventoryServiceImpl> service_;
};

}  // namespace shop::inventory::testing
