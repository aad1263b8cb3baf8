#pragma once
// CartService over the key-value store (cart_store.hpp), priced on every
// read from the catalog and live stock (cart_catalog.hpp) and the shipping
// and tax rules of config (shipping_rules.hpp).

#include "cart_catalog.hpp"
#include "cart_store.hpp"
#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/ids/ids.hpp"
#include "shipping_rules.hpp"
#include "shop/cart/cart.hpp"

namespace shop::cart {

struct CartServiceDeps {
  CartStore& store;
  CartCatalog& catalog;
  const ShippingRules& rules;
  const platform::config::Config& config;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
};

class CartServiceImpl final : public CartService {
 public:
  explicit CartServiceImpl(CartServiceDeps deps);

  Result<Cart> Create(const Caller& caller) override;
  Result<Cart> Get(std::string_view cart_id, const Caller& caller) override;
  Result<Cart> AddItem(std::string_view cart_id, const Caller& caller, std::string_view sku,
                       std::int64_t quantity) override;
  Result<Cart> SetQuantity(std::string_view cart_id, const Caller& caller, std::string_view sku,
                           std::int64_t quantity) override;
  Result<Cart> RemoveItem(std::string_view cart_id, const Caller& caller, std::string_view sku) override;
  Result<Cart> CartOfCustomer(std::string_view customer_id) override;
  Result<Cart> BindToCustomer(std::string_view guest_cart_id, std::string_view customer_id) override;
  Result<Cart> Quote(const QuoteRequest& request, const Caller& caller) override;
  Result<std::vector<ShippingOption>> ShippingOptions(std::string_view country,
                                                      std::optional<std::string_view> cart_id) override;
  Result<void> Clear(std::string_view cart_id) override;

 private:
  /// The stored cart if `caller` may use it; kInvalidInput / kNotFound otherwise.
  Result<StoredCart> Owned(std::string_view cart_id, const Caller& caller);
  using Facts = std::map<std::string, SkuFacts, std::less<>>;
  /// Prices `stored` for `country` with `method` (nullopt: the cheapest).
  /// `strict`: an unknown country or method is an error (checkout), else the
  /// estimate just has no shipping. `known`: facts the caller read moments
  /// ago for this request; only SKUs missing from it are looked up.
  Result<Cart> Price(const StoredCart& stored, std::string_view country, const std::optional<std::string>& method,
                     bool strict, Facts known = {});
  /// Facts for every SKU of `cart` and `extra`, in one lookup.
  Facts FactsFor(const StoredCart& cart, std::string_view extra);
  StoredCart NewCart(std::string customer_id);

  CartServiceDeps deps_;
  platform::money::Currency currency_;
};

/// True for an id this service could have made (20..64 of [A-Za-z0-9_-]).
bool IsValidCartId(std::string_view id);

}  // namespace shop::cart
