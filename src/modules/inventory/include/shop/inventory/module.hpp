#pragma once
/// How the composition root (src/app) builds and wires the inventory module.
/// Other modules use inventory.hpp and events.hpp only.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/bus.hpp"
#include "platform/events/outbox.hpp"
#include "platform/http/router.hpp"
#include "platform/ids/ids.hpp"
#include "platform/templates/templates.hpp"
#include "shop/inventory/inventory.hpp"

#include <memory>

namespace shop::inventory {

struct InventoryModuleDeps {
  const platform::config::Config& config;
  platform::db::Db& db;
  platform::events::Outbox& outbox;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  const platform::templates::Templates& templates;
};

class InventoryModule {
 public:
  explicit InventoryModule(InventoryModuleDeps deps);
  ~InventoryModule();  ///< stops the sweeper
  InventoryModule(const InventoryModule&) = delete;
  InventoryModule& operator=(const InventoryModule&) = delete;

  InventoryService& service();

  /// Staff API (/api/v1/admin/inventory*) and pages (/admin/inventory*).
  /// Needs the identity middleware installed (routes use identity::Require).
  void RegisterRoutes(platform::http::Router& router);

  /// catalog.variant_added.v1 → Track(sku), once per event (inbox).
  void RegisterSubscriptions(platform::events::Bus& bus);

  /// Starts / stops the reservation expiry sweeper thread (inventory.sweep_*).
  /// Start is a no-op when the sweeper is disabled or already running; Stop
  /// returns after the current pass. Thread-safe.
  void Start();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::inventory
