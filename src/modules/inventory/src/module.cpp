// The inventory module as the composition root sees it (module.hpp).
#include "shop/inventory/module.hpp"

#include "http/env.hpp"
#include "inventory_service.hpp"
#include "sweeper.hpp"

namespace shop::inventory {

struct InventoryModule::Impl {
  explicit Impl(InventoryModuleDeps d)
      : deps(d),
        service(InventoryServiceDeps{.db = deps.db,
                                     .outbox = deps.outbox,
                                     .clock = deps.clock,
                                     .ids = deps.ids,
                                     .config = deps.config.inventory}),
        sweeper(MakeSweeper(service, deps.clock, std::chrono::milliseconds(deps.config.inventory.sweep_interval_ms))),
        env(HttpEnv{.config = deps.config, .clock = deps.clock, .templates = deps.templates, .service = service}) {}

  InventoryModuleDeps deps;
  InventoryServiceImpl service;
  std::unique_ptr<platform::PeriodicTask> sweeper;
  HttpEnv env;
};

InventoryModule::InventoryModule(InventoryModuleDeps deps) : impl_(std::make_unique<Impl>(deps)) {}
InventoryModule::~InventoryModule() { Stop(); }

InventoryService& InventoryModule::service() { return impl_->service; }

void InventoryModule::RegisterRoutes(platform::http::Router& router) {
  RegisterAdminApi(router, impl_->env);
  RegisterAdminPages(router, impl_->env);
}

void InventoryModule::Start() {
  if (impl_->deps.config.inventory.sweep_enabled) impl_->sweeper->Start();
}

void InventoryModule::Stop() { impl_->sweeper->Stop(); }

}  // namespace shop::inventory
