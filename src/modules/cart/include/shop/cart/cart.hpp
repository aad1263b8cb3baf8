#pragma once
/// The cart module's contract for other modules (orders) and the
/// composition root (DESIGN §4 Cart, §5). Carts live in the KV store
/// (embedded by default, Redis when several instances share state), keyed by
/// an unguessable id, and expire after `cart.ttl_seconds` of inactivity.
///
/// Prices are never stored: every read recomputes lines and totals from the
/// catalog's current prices and the inventory's live availability, and the
/// shipping and tax rules in config. Plain synchronous C++, thread-safe.
///
/// Ownership: a guest cart is reachable by anyone holding its id; a cart
/// bound to a customer only by that customer (anyone else → kNotFound, the
/// same answer as for an id that does not exist).
///
/// Errors: kNotFound (no such cart, expired, or not the caller's);
/// kInvalidInput (malformed id, SKU, quantity outside 1..cart.max_quantity,
/// unknown country or shipping method, more than cart.max_lines lines);
/// kUnprocessable for an SKU the shop does not sell (unknown or unpublished).

#include "platform/core/error.hpp"
#include "platform/money/money.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::cart {

/// The storefront cookie holding a guest's cart id (HttpOnly, SameSite=Lax).
inline constexpr std::string_view kCartCookie = "shop_cart";

/// Who is asking: a guest (no customer id) or a signed-in customer.
struct Caller {
  std::optional<std::string> customer_id;
};

struct CartLine {
  std::string sku;
  std::string product_slug;
  std::string name;                                           ///< the product's name
  std::vector<std::pair<std::string, std::string>> options;  ///< e.g. {"size","M"}
  std::string image_url;                                      ///< small thumbnail or empty
  std::int64_t quantity = 0;
  std::int64_t available = 0;  ///< live; the line is short when quantity > available
  std::int64_t weight_grams = 0;  ///< per unit
  platform::money::Money unit_price;
  platform::money::Money line_total;  ///< unit_price × quantity
};

/// A shipping method as priced for one destination and cart.
struct ShippingOption {
  std::string id;    ///< stable config id, e.g. "standard"
  std::string name;  ///< shown to shoppers
  platform::money::Money price;  ///< 0 when the free-shipping threshold is met
};

/// A cart with everything recomputed at read time.
struct Cart {
  std::string id;
  std::optional<std::string> customer_id;
  std::vector<CartLine> lines;
  std::string country;  ///< destination used for the estimate (config default until chosen)
  std::optional<ShippingOption> shipping;  ///< the cheapest method for `country`, or the chosen one
  platform::money::Money subtotal;
  platform::money::Money tax;    ///< the tax contained in (inclusive) or added to (exclusive) the total
  platform::money::Money total;  ///< subtotal + shipping (+ tax when prices exclude tax)
  bool prices_include_tax = true;
  std::int64_t updated_at_ms = 0;
  /// True when any line asks for more than is available now.
  bool HasShortLines() const {
    for (const CartLine& line : lines) {
      if (line.quantity > line.available) return true;
    }
    return false;
  }
};

/// A cart priced for checkout: a destination and (optionally) a method.
struct QuoteRequest {
  std::string cart_id;
  std::string country;                         ///< ISO 3166 alpha-2
  std::optional<std::string> shipping_method;  ///< nullopt → the cheapest for `country`
};

class CartService {
 public:
  virtual ~CartService() = default;

  /// A new empty cart, bound to the caller when signed in.
  virtual Result<Cart> Create(const Caller& caller) = 0;

  virtual Result<Cart> Get(std::string_view cart_id, const Caller& caller) = 0;

  /// Adds `quantity` of `sku`, merging with an existing line (the sum must
  /// stay within cart.max_quantity). Adding more than is available is
  /// refused with kOutOfStock naming the SKU, and changes nothing.
  virtual Result<Cart> AddItem(std::string_view cart_id, const Caller& caller, std::string_view sku,
                               std::int64_t quantity) = 0;
  /// Sets a line's quantity (1..cart.max_quantity); kNotFound for an SKU
  /// not in the cart.
  virtual Result<Cart> SetQuantity(std::string_view cart_id, const Caller& caller, std::string_view sku,
                                   std::int64_t quantity) = 0;
  virtual Result<Cart> RemoveItem(std::string_view cart_id, const Caller& caller, std::string_view sku) = 0;

  /// The signed-in customer's saved cart, created when they have none.
  virtual Result<Cart> CartOfCustomer(std::string_view customer_id) = 0;

  /// At sign-in: merges the guest cart `guest_cart_id` into the customer's
  /// saved cart (quantities of the same SKU are added, capped at
  /// cart.max_quantity) and deletes the guest cart. Returns the merged cart.
  /// A guest cart that no longer exists just yields the saved cart.
  virtual Result<Cart> BindToCustomer(std::string_view guest_cart_id, std::string_view customer_id) = 0;

  /// Priced for checkout at `request.country`; kInvalidInput for a country
  /// the shop does not ship to or a method not offered there, kUnprocessable
  /// for an empty cart.
  virtual Result<Cart> Quote(const QuoteRequest& request, const Caller& caller) = 0;

  /// Shipping methods offered for `country`, priced for `cart_id` when given
  /// (weight- and threshold-dependent), cheapest first.
  virtual Result<std::vector<ShippingOption>> ShippingOptions(std::string_view country,
                                                              std::optional<std::string_view> cart_id) = 0;

  /// Empties the cart after its order was paid. Idempotent; a cart that no
  /// longer exists is success.
  virtual Result<void> Clear(std::string_view cart_id) = 0;
};

}  // namespace shop::cart
