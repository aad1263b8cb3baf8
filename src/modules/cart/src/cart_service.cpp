#include "cart_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace shop::cart {

using platform::money::Money;

namespace {

Error NoSuchCart() { return Error::NotFound("no such cart"); }

Error NotSold(std::string_view sku) {
  return Error{ErrorCode::kUnprocessable, fmt::format("SKU {} is not for sale", sku), {{"sku", "is not for sale"}}};
}

Error Short(std::string_view sku, std::int64_t wanted, std::int64_t available) {
  return Error{ErrorCode::kOutOfStock, "not enough stock",
               {{std::string(sku), fmt::format("{} wanted, {} available", wanted, available)}}};
}

}  // namespace

bool IsValidCartId(std::string_view id) {
  return id.size() >= 20 && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

CartServiceImpl::CartServiceImpl(CartServiceDeps deps) : deps_(deps) {
  auto currency = platform::money::Currency::FromCode(deps_.config.shop.currency);
  if (!currency) throw std::invalid_argument("shop.currency: " + currency.error().detail);
  currency_ = *currency;
}

StoredCart CartServiceImpl::NewCart(std::string customer_id) {
  return StoredCart{.id = deps_.ids.NewToken(32),
                    .customer_id = std::move(customer_id),
                    .lines = {},
                    .updated_at_ms = deps_.clock.NowMs()};
}

Result<StoredCart> CartServiceImpl::Owned(std::string_view cart_id, const Caller& caller) {
  if (!IsValidCartId(cart_id)) return Error::InvalidInput("invalid cart id", {{"cart_id", "is not a cart id"}});
  auto stored = deps_.store.Load(cart_id);
  // Someone else's cart answers exactly like a missing one.
  if (!stored) return NoSuchCart();
  if (!stored->customer_id.empty() && caller.customer_id != stored->customer_id) return NoSuchCart();
  return *stored;
}

CartServiceImpl::Facts CartServiceImpl::FactsFor(const StoredCart& cart, std::string_view extra) {
  std::vector<std::string> skus{std::string(extra)};
  for (const auto& [sku, q] : cart.lines) {
    if (sku != extra) skus.push_back(sku);
  }
  return deps_.catalog.Lookup(skus);
}

Result<Cart> CartServiceImpl::Price(const StoredCart& stored, std::string_view country,
                                    const std::optional<std::string>& method, bool strict, Facts known) {
  std::vector<std::string> missing;
  for (const auto& [sku, q] : stored.lines) {
    if (!known.contains(sku)) missing.push_back(sku);
  }
  Facts facts = std::move(known);
  if (!missing.empty()) facts.merge(deps_.catalog.Lookup(missing));

  Cart cart;
  cart.id = stored.id;
  if (!stored.customer_id.empty()) cart.customer_id = stored.customer_id;
  cart.country = std::string(country);
  cart.prices_include_tax = deps_.rules.prices_include_tax();
  cart.updated_at_ms = stored.updated_at_ms;
  Money subtotal{0, currency_};
  std::int64_t weight = 0;
  for (const auto& [sku, quantity] : stored.lines) {
    auto it = facts.find(sku);
    // A variant deleted since it was added has nothing left to sell.
    if (it == facts.end()) continue;
    const catalog::SellableVariant& v = it->second.variant;
    CartLine line;
    line.sku = sku;
    line.product_slug = v.product_slug;
    line.name = v.product_name;
    line.options = v.options;
    line.image_url = v.image_url;
    line.quantity = quantity;
    // Unpublished since: kept visible, but nothing can be bought.
    line.available = v.published ? it->second.available : 0;
    line.weight_grams = v.weight_grams;
    line.unit_price = Money{v.price.amount, currency_};
    auto total = platform::money::Multiply(line.unit_price, quantity);
    if (!total) return total.error();
    line.line_total = *total;
    auto sum = platform::money::Add(subtotal, line.line_total);
    if (!sum) return sum.error();
    subtotal = *sum;
    weight += v.weight_grams * quantity;
    cart.lines.push_back(std::move(line));
  }
  cart.subtotal = subtotal;

  // Nothing to ship, nothing to pay: an empty cart has no shipping estimate.
  const auto options = cart.lines.empty() ? std::vector<ShippingOption>{}
                                          : deps_.rules.OptionsFor(country, subtotal, weight);
  if (method) {
    auto chosen = std::find_if(options.begin(), options.end(), [&](const ShippingOption& o) { return o.id == *method; });
    if (chosen == options.end()) {
      if (strict) {
        return Error::InvalidInput("shipping method not offered",
                                   {{"shipping_method", fmt::format("is not offered for {}", country)}});
      }
    } else {
      cart.shipping = *chosen;
    }
  }
  if (!cart.shipping && !options.empty()) cart.shipping = options.front();
  if (!cart.shipping && strict && !cart.lines.empty()) {
    return Error::InvalidInput("no shipping to this country",
                               {{"shipping_address.country", fmt::format("the shop does not ship to {}", country)}});
  }

  const Money shipping = cart.shipping ? cart.shipping->price : Money{0, currency_};
  auto taxable = platform::money::Add(subtotal, shipping);
  if (!taxable) return taxable.error();
  const std::int64_t rate = deps_.rules.TaxRateBp(country);
  if (cart.prices_include_tax) {
    // The tax a gross amount contains: gross × r / (1 + r).
    auto tax = platform::money::MultiplyRatio(*taxable, rate, 10'000 + rate, platform::money::Rounding::kHalfUp);
    if (!tax) return tax.error();
    cart.tax = *tax;
    cart.total = *taxable;
  } else {
    auto tax = platform::money::MultiplyRatio(*taxable, rate, 10'000, platform::money::Rounding::kHalfUp);
    if (!tax) return tax.error();
    cart.tax = *tax;
    auto total = platform::money::Add(*taxable, *tax);
    if (!total) return total.error();
    cart.total = *total;
  }
  return cart;
}

Result<Cart> CartServiceImpl::Create(const Caller& caller) {
  if (caller.customer_id) return CartOfCustomer(*caller.customer_id);
  StoredCart cart = NewCart("");
  if (!deps_.store.Insert(cart)) throw std::runtime_error("a fresh cart id was taken");
  return Price(cart, deps_.config.cart.default_country, std::nullopt, false);
}

Result<Cart> CartServiceImpl::Get(std::string_view cart_id, const Caller& caller) {
  auto stored = Owned(cart_id, caller);
  if (!stored) return stored.error();
  return Price(*stored, deps_.config.cart.default_country, std::nullopt, false);
}

Result<Cart> CartServiceImpl::AddItem(std::string_view cart_id, const Caller& caller, std::string_view sku,
                                      std::int64_t quantity) {
  const std::int64_t max = deps_.config.cart.max_quantity;
  if (!inventory::IsValidSku(sku)) {
    return Error::InvalidInput("invalid SKU", {{"sku", "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'"}});
  }
  if (quantity < 1 || quantity > max) {
    return Error::InvalidInput("invalid quantity", {{"quantity", fmt::format("must be an integer from 1 to {}", max)}});
  }
  auto owned = Owned(cart_id, caller);
  if (!owned) return owned.error();
  // One lookup serves the check below and the pricing of the result.
  auto facts = FactsFor(*owned, sku);
  auto it = facts.find(sku);
  if (it == facts.end() || !it->second.variant.published) return NotSold(sku);
  const std::int64_t available = it->second.available;

  std::optional<Error> refused;
  auto updated = deps_.store.Update(cart_id, [&](StoredCart& cart) {
    refused.reset();
    const std::int64_t already = cart.QuantityOf(sku);
    const std::int64_t wanted = already + quantity;
    if (wanted > max) {
      refused = Error::InvalidInput("too many units",
                                    {{"quantity", fmt::format("at most {} per line ({} already in the cart)", max, already)}});
      return Decision::kKeep;
    }
    if (wanted > available) {
      refused = Short(sku, wanted, available);
      return Decision::kKeep;
    }
    if (already == 0 && static_cast<std::int64_t>(cart.lines.size()) >= deps_.config.cart.max_lines) {
      refused = Error::InvalidInput("too many lines",
                                    {{"sku", fmt::format("a cart holds at most {} products", deps_.config.cart.max_lines)}});
      return Decision::kKeep;
    }
    if (already == 0) {
      cart.lines.emplace_back(std::string(sku), quantity);
    } else {
      for (auto& [s, q] : cart.lines) {
        if (s == sku) q = wanted;
      }
    }
    cart.updated_at_ms = deps_.clock.NowMs();
    return Decision::kStore;
  });
  if (!updated) return NoSuchCart();
  if (refused) return *refused;
  return Price(*updated, deps_.config.cart.default_country, std::nullopt, false, std::move(facts));
}

Result<Cart> CartServiceImpl::SetQuantity(std::string_view cart_id, const Caller& caller, std::string_view sku,
                                          std::int64_t quantity) {
  const std::int64_t max = deps_.config.cart.max_quantity;
  if (quantity < 1 || quantity > max) {
    return Error::InvalidInput("invalid quantity", {{"quantity", fmt::format("must be an integer from 1 to {}", max)}});
  }
  auto owned = Owned(cart_id, caller);
  if (!owned) return owned.error();
  if (owned->QuantityOf(sku) == 0) return Error::NotFound(fmt::format("SKU {} is not in the cart", sku));
  auto facts = FactsFor(*owned, sku);
  auto it = facts.find(sku);
  const std::int64_t available = it == facts.end() || !it->second.variant.published ? 0 : it->second.available;

  std::optional<Error> refused;
  auto updated = deps_.store.Update(cart_id, [&](StoredCart& cart) {
    refused.reset();
    const std::int64_t before = cart.QuantityOf(sku);
    if (before == 0) {
      refused = Error::NotFound(fmt::format("SKU {} is not in the cart", sku));
      return Decision::kKeep;
    }
    // Lowering a quantity is always allowed; raising it needs the stock.
    if (quantity > before && quantity > available) {
      refused = Short(sku, quantity, available);
      return Decision::kKeep;
    }
    for (auto& [s, q] : cart.lines) {
      if (s == sku) q = quantity;
    }
    cart.updated_at_ms = deps_.clock.NowMs();
    return Decision::kStore;
  });
  if (!updated) return NoSuchCart();
  if (refused) return *refused;
  return Price(*updated, deps_.config.cart.default_country, std::nullopt, false, std::move(facts));
}

Result<Cart> CartServiceImpl::RemoveItem(std::string_view cart_id, const Caller& caller, std::string_view sku) {
  auto owned = Owned(cart_id, caller);
  if (!owned) return owned.error();
  bool found = false;
  auto updated = deps_.store.Update(cart_id, [&](StoredCart& cart) {
    auto it = std::find_if(cart.lines.begin(), cart.lines.end(), [&](const auto& l) { return l.first == sku; });
    found = it != cart.lines.end();
    if (!found) return Decision::kKeep;
    cart.lines.erase(it);
    cart.updated_at_ms = deps_.clock.NowMs();
    return Decision::kStore;
  });
  if (!updated) return NoSuchCart();
  if (!found) return Error::NotFound(fmt::format("SKU {} is not in the cart", sku));
  return Price(*updated, deps_.config.cart.default_country, std::nullopt, false);
}

Result<Cart> CartServiceImpl::CartOfCustomer(std::string_view customer_id) {
  if (customer_id.empty()) return Error::InvalidInput("no customer");
  if (auto id = deps_.store.CustomerCartId(customer_id)) {
    if (auto stored = deps_.store.Load(*id); stored && stored->customer_id == customer_id) {
      return Price(*stored, deps_.config.cart.default_country, std::nullopt, false);
    }
  }
  // None yet (or it expired): make one. Two requests racing here agree on
  // the pointer that was set first; the loser's empty cart simply expires.
  StoredCart fresh = NewCart(std::string(customer_id));
  if (!deps_.store.Insert(fresh)) throw std::runtime_error("a fresh cart id was taken");
  auto id = deps_.store.CustomerCartId(customer_id);
  std::string winner = id && deps_.store.Load(*id) ? *id : fresh.id;
  if (winner == fresh.id) deps_.store.SetCustomerCart(customer_id, fresh.id);
  auto stored = deps_.store.Load(winner);
  if (!stored) return NoSuchCart();
  return Price(*stored, deps_.config.cart.default_country, std::nullopt, false);
}

Result<Cart> CartServiceImpl::BindToCustomer(std::string_view guest_cart_id, std::string_view customer_id) {
  auto saved = CartOfCustomer(customer_id);
  if (!saved) return saved.error();
  if (!IsValidCartId(guest_cart_id) || guest_cart_id == saved->id) return saved;
  auto guest = deps_.store.Load(guest_cart_id);
  if (!guest || !guest->customer_id.empty()) return saved;
  const std::int64_t max = deps_.config.cart.max_quantity;
  const std::int64_t max_lines = deps_.config.cart.max_lines;
  auto merged = deps_.store.Update(saved->id, [&](StoredCart& cart) {
    for (const auto& [sku, quantity] : guest->lines) {
      bool found = false;
      for (auto& [s, q] : cart.lines) {
        if (s == sku) {
          q = std::min(max, q + quantity);
          found = true;
        }
      }
      if (!found && static_cast<std::int64_t>(cart.lines.size()) < max_lines) {
        cart.lines.emplace_back(sku, std::min(max, quantity));
      }
    }
    cart.updated_at_ms = deps_.clock.NowMs();
    return Decision::kStore;
  });
  // The guest cart is gone once merged: its id in the old cookie finds nothing.
  deps_.store.Remove(guest_cart_id);
  if (!merged) return NoSuchCart();
  return Price(*merged, deps_.config.cart.default_country, std::nullopt, false);
}

Result<Cart> CartServiceImpl::Quote(const QuoteRequest& request, const Caller& caller) {
  if (!IsCountryCode(request.country)) {
    return Error::InvalidInput("invalid country",
                               {{"shipping_address.country", "must be an ISO 3166 alpha-2 code such as DE"}});
  }
  auto stored = Owned(request.cart_id, caller);
  if (!stored) return stored.error();
  if (stored->lines.empty()) return Error::Unprocessable("the cart is empty");
  auto method = request.shipping_method;
  return Price(*stored, request.country, method, true);
}

Result<std::vector<ShippingOption>> CartServiceImpl::ShippingOptions(std::string_view country,
                                                                     std::optional<std::string_view> cart_id) {
  if (!IsCountryCode(country)) {
    return Error::InvalidInput("invalid country", {{"country", "must be an ISO 3166 alpha-2 code such as DE"}});
  }
  Money subtotal{0, currency_};
  std::int64_t weight = 0;
  if (cart_id) {
    if (!IsValidCartId(*cart_id)) return Error::InvalidInput("invalid cart id", {{"cart_id", "is not a cart id"}});
    auto stored = deps_.store.Load(*cart_id);
    if (!stored) return NoSuchCart();
    auto priced = Price(*stored, country, std::nullopt, false);
    if (!priced) return priced.error();
    subtotal = priced->subtotal;
    for (const CartLine& line : priced->lines) weight += line.weight_grams * line.quantity;
  }
  return deps_.rules.OptionsFor(country, subtotal, weight);
}

Result<void> CartServiceImpl::Clear(std::string_view cart_id) {
  if (!IsValidCartId(cart_id)) return {};
  deps_.store.Update(cart_id, [&](StoredCart& cart) {
    if (cart.lines.empty()) return Decision::kKeep;
    cart.lines.clear();
    cart.updated_at_ms = deps_.clock.NowMs();
    return Decision::kStore;
  });
  return {};
}

}  // namespace shop::cart
