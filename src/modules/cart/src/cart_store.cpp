#include "cart_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace shop::cart {
namespace {

namespace json = boost::json;

// Contention on one cart is a handful of writers at most (a shopper's tabs,
// a merge at sign-in); this bound only stops a pathological livelock.
constexpr int kMaxAttempts = 200;

std::string CartKey(std::string_view id) { return "cart:" + std::string(id); }
std::string CustomerKey(std::string_view customer_id) { return "cart:customer:" + std::string(customer_id); }

}  // namespace

std::int64_t StoredCart::QuantityOf(std::string_view sku) const {
  for (const auto& [s, q] : lines) {
    if (s == sku) return q;
  }
  return 0;
}

std::string EncodeCart(const StoredCart& cart) {
  json::array lines;
  for (const auto& [sku, quantity] : cart.lines) lines.push_back(json::array{json::string(sku), quantity});
  return json::serialize(json::object{{"v", 1},
                                      {"customer", cart.customer_id},
                                      {"lines", std::move(lines)},
                                      {"updated", cart.updated_at_ms}});
}

std::optional<StoredCart> DecodeCart(std::string_view id, std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.as_object();
  StoredCart cart;
  cart.id = std::string(id);
  try {
    cart.customer_id = std::string(o.at("customer").as_string());
    cart.updated_at_ms = o.at("updated").to_number<std::int64_t>();
    for (const json::value& line : o.at("lines").as_array()) {
      const json::array& pair = line.as_array();
      cart.lines.emplace_back(std::string(pair.at(0).as_string()), pair.at(1).to_number<std::int64_t>());
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return cart;
}

std::optional<StoredCart> CartStore::Load(std::string_view id) {
  auto text = kv_.Get(CartKey(id));
  if (!text) return std::nullopt;
  return DecodeCart(id, *text);
}

bool CartStore::Insert(const StoredCart& cart) { return kv_.SetIfAbsent(CartKey(cart.id), EncodeCart(cart), ttl_); }

std::optional<StoredCart> CartStore::Update(std::string_view id, const std::function<Decision(StoredCart&)>& change) {
  const std::string key = CartKey(id);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto before = kv_.Get(key);
    if (!before) return std::nullopt;
    auto cart = DecodeCart(id, *before);
    if (!cart) return std::nullopt;
    if (change(*cart) == Decision::kKeep) return cart;
    // Only our read's exact bytes may be replaced: a concurrent writer makes
    // this fail, and the change is applied again to what they wrote.
    if (kv_.CompareAndSet(key, *before, EncodeCart(*cart), ttl_)) return cart;
  }
  throw platform::kv::KvError("cart " + std::string(id) + " is changed too often to update");
}

void CartStore::Remove(std::string_view id) { kv_.Delete(CartKey(id)); }

std::optional<std::string> CartStore::CustomerCartId(std::string_view customer_id) {
  return kv_.Get(CustomerKey(customer_id));
}

std::string CartStore::SetCustomerCartIfAbsent(std::string_view customer_id, std::string_view cart_id) {
  const std::string key = CustomerKey(customer_id);
  if (kv_.SetIfAbsent(key, cart_id, ttl_)) return std::string(cart_id);
  auto current = kv_.Get(key);
  return current ? *current : std::string(cart_id);
}

void CartStore::SetCustomerCart(std::string_view customer_id, std::string_view cart_id) {
  kv_.Set(CustomerKey(customer_id), cart_id, ttl_);
}

}  // namespace shop::cart
