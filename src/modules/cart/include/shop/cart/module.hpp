#pragma once
/// How the composition root (src/app) builds and wires the cart module.
/// Other modules use cart.hpp only.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/http/router.hpp"
#include "platform/ids/ids.hpp"
#include "platform/kv/kv.hpp"
#include "platform/templates/templates.hpp"
#include "shop/cart/cart.hpp"
#include "shop/catalog/catalog.hpp"
#include "shop/inventory/inventory.hpp"

#include <memory>

namespace shop::cart {

struct CartModuleDeps {
  const platform::config::Config& config;
  platform::kv::KvStore& kv;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  const platform::templates::Templates& templates;
  catalog::CatalogService& catalog;
  inventory::InventoryService& inventory;
};

class CartModule {
 public:
  /// Throws std::invalid_argument for malformed shipping.methods / tax.rates.
  explicit CartModule(CartModuleDeps deps);
  ~CartModule();
  CartModule(const CartModule&) = delete;
  CartModule& operator=(const CartModule&) = delete;

  CartService& service();

  /// /api/v1/carts*, /api/v1/me/cart, /api/v1/shipping-methods, and the
  /// storefront's /cart page and add-to-cart form. Needs the identity
  /// middleware installed.
  void RegisterRoutes(platform::http::Router& router);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::cart
