// The cart module as the composition root sees it (module.hpp).
#include "shop/cart/module.hpp"

#include "cart_service.hpp"
#include "http/env.hpp"

#include <stdexcept>

namespace shop::cart {

namespace {

ShippingRules RulesOrThrow(const platform::config::Config& config) {
  auto rules = ShippingRules::FromConfig(config);
  if (!rules) throw std::invalid_argument(rules.error().detail);
  return *rules;
}

}  // namespace

struct CartModule::Impl {
  explicit Impl(CartModuleDeps d)
      : deps(d),
        rules(RulesOrThrow(d.config)),
        store(d.kv, std::chrono::seconds(d.config.cart.ttl_seconds)),
        catalog(MakeCartCatalog(d.catalog, d.inventory)),
        service(CartServiceDeps{.store = store,
                                .catalog = *catalog,
                                .rules = rules,
                                .config = d.config,
                                .clock = d.clock,
                                .ids = d.ids}),
        env(HttpEnv{.config = d.config, .clock = d.clock, .templates = d.templates, .service = service}) {}

  CartModuleDeps deps;
  ShippingRules rules;
  CartStore store;
  std::unique_ptr<CartCatalog> catalog;
  CartServiceImpl service;
  HttpEnv env;
};

CartModule::CartModule(CartModuleDeps deps) : impl_(std::make_unique<Impl>(deps)) {}
CartModule::~CartModule() = default;

CartService& CartModule::service() { return impl_->service; }

void CartModule::RegisterRoutes(platform::http::Router& router) {
  RegisterApi(router, impl_->env);
  RegisterPages(router, impl_->env);
}

}  // namespace shop::cart
