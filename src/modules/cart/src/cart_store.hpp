#pragma once
// Carts in the key-value store: one JSON value per cart under "cart:<id>",
// and a pointer "cart:customer:<customer id>" → cart id for a customer's
// saved cart. Every change is a compare-and-set retried on contention, so
// concurrent adds to one cart (two tabs, two instances) never lose a line.

#include "platform/kv/kv.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shop::cart {

/// What a cart holds; prices are never stored.
struct StoredCart {
  std::string id;
  std::string customer_id;  ///< "" for a guest cart
  std::vector<std::pair<std::string, std::int64_t>> lines;  ///< SKU, quantity; in the order added
  std::int64_t updated_at_ms = 0;

  std::int64_t QuantityOf(std::string_view sku) const;
};

/// What an update function decided: store `cart`, or leave everything as it was.
enum class Decision { kStore, kKeep };

class CartStore {
 public:
  CartStore(platform::kv::KvStore& kv, std::chrono::milliseconds ttl) : kv_(kv), ttl_(ttl) {}

  std::optional<StoredCart> Load(std::string_view id);
  /// Stores a new cart; false if the id is taken (never in practice: ids are random).
  bool Insert(const StoredCart& cart);
  /// Reads the cart, lets `change` edit it, and writes it back only if
  /// nobody wrote in between (else reads again and repeats). nullopt when
  /// the cart does not exist; the cart as stored (or kept) otherwise.
  /// `change` may run several times and must only touch the cart it is given.
  std::optional<StoredCart> Update(std::string_view id, const std::function<Decision(StoredCart&)>& change);
  void Remove(std::string_view id);

  std::optional<std::string> CustomerCartId(std::string_view customer_id);
  /// Points the customer at `cart_id` unless they already have a cart;
  /// returns the id that won.
  std::string SetCustomerCartIfAbsent(std::string_view customer_id, std::string_view cart_id);
  void SetCustomerCart(std::string_view customer_id, std::string_view cart_id);

 private:
  platform::kv::KvStore& kv_;
  std::chrono::milliseconds ttl_;
};

/// The JSON value of a cart, and back (nullopt for a malformed value).
std::string EncodeCart(const StoredCart& cart);
std::optional<StoredCart> DecodeCart(std::string_view id, std::string_view text);

}  // namespace shop::cart
