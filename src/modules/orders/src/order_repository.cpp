#include "order_repository.hpp"

#include "platform/db/prepared.hpp"
#include "platform/db/rows.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <stdexcept>

namespace shop::orders {
namespace {

namespace json = boost::json;
using namespace platform::db::rows;
using platform::db::Exec;
using platform::db::ForEachRow;
using platform::db::Prepared;
using platform::money::Currency;
using platform::money::Money;

constexpr const char* kOrderColumns =
    "id, number, status, customer_id, email, cart_id, guest_token_hash, subtotal, shipping, tax, total,"
    " prices_include_tax, refunded, shipping_method, shipping_method_name, ship_name, ship_line1, ship_line2,"
    " ship_city, ship_postal_code, ship_country, payment_id, carrier, tracking_number, created_at_ms, updated_at_ms";
constexpr std::size_t kOrderColumnCount = [] {
  std::size_t n = 1;
  for (const char* c = kOrderColumns; *c != '\0'; ++c) n += *c == ',' ? 1 : 0;
  return n;
}();

std::string OptionsJson(const std::vector<std::pair<std::string, std::string>>& options) {
  json::array out;
  for (const auto& [name, value] : options) out.push_back(json::array{json::string(name), json::string(value)});
  return json::serialize(out);
}

std::vector<std::pair<std::string, std::string>> ParseOptions(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  json::value v = json::parse(text);
  for (const json::value& pair : v.as_array()) {
    const json::array& a = pair.as_array();
    out.emplace_back(std::string(a.at(0).as_string()), std::string(a.at(1).as_string()));
  }
  return out;
}

StoredOrder OrderFromRow(const soci::row& r, const Currency& currency) {
  StoredOrder s;
  Order& o = s.order;
  auto money = [&](std::size_t i) { return Money{Int(r, i), currency}; };
  o.id = Str(r, 0);
  o.number = Int(r, 1);
  auto status = ParseOrderStatus(Str(r, 2));
  if (!status) throw std::runtime_error("order " + o.id + " has an unknown status " + Str(r, 2));
  o.status = *status;
  o.customer_id = Str(r, 3);
  o.email = Str(r, 4);
  o.cart_id = Str(r, 5);
  s.guest_token_hash = Str(r, 6);
  o.subtotal = money(7);
  o.shipping = money(8);
  o.tax = money(9);
  o.total = money(10);
  o.prices_include_tax = Int(r, 11) != 0;
  o.refunded = money(12);
  o.shipping_method = Str(r, 13);
  o.shipping_method_name = Str(r, 14);
  o.shipping_address = Address{.name = Str(r, 15),
                               .line1 = Str(r, 16),
                               .line2 = Str(r, 17),
                               .city = Str(r, 18),
                               .postal_code = Str(r, 19),
                               .country = Str(r, 20)};
  o.payment_id = Str(r, 21);
  o.carrier = Str(r, 22);
  o.tracking_number = Str(r, 23);
  o.created_at_ms = Int(r, 24);
  o.updated_at_ms = Int(r, 25);
  return s;
}

// Status names come from the enum's own table, never from input, so they
// can be inlined into the IN (...) list.
std::string InList(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += Quote(n);
  }
  return out;
}

}  // namespace

std::int64_t OrderRepository::NextNumber(soci::session& sql) {
  long long value = 0;
  if (!Exec(sql, "UPDATE orders_counters SET value = value + 1 WHERE name = 'order_number' RETURNING value",
            soci::into(value)))
    throw std::runtime_error("orders_counters has no order_number row");
  return value;
}

void OrderRepository::Insert(soci::session& sql, const StoredOrder& stored) {
  const Order& o = stored.order;
  const std::string status(OrderStatusName(o.status));
  const std::string currency(o.total.currency.Code());
  const long long number = o.number, subtotal = o.subtotal.amount, shipping = o.shipping.amount, tax = o.tax.amount,
                  total = o.total.amount, created = o.created_at_ms, updated = o.updated_at_ms;
  const int include_tax = o.prices_include_tax ? 1 : 0;
  Exec(sql,
       "INSERT INTO orders_orders (id, number, status, customer_id, email, cart_id, guest_token_hash, currency,"
       " subtotal, shipping, tax, total, prices_include_tax, shipping_method, shipping_method_name, ship_name,"
       " ship_line1, ship_line2, ship_city, ship_postal_code, ship_country, payment_id, created_at_ms, updated_at_ms)"
       " VALUES (:id, :number, :status, :customer, :email, :cart, :token, :currency, :subtotal, :shipping, :tax,"
       " :total, :include_tax, :method, :method_name, :name, :line1, :line2, :city, :postal, :country, :payment,"
       " :created, :updated)",
       soci::use(o.id), soci::use(number), soci::use(status), soci::use(o.customer_id), soci::use(o.email),
       soci::use(o.cart_id), soci::use(stored.guest_token_hash), soci::use(currency), soci::use(subtotal),
       soci::use(shipping), soci::use(tax), soci::use(total), soci::use(include_tax), soci::use(o.shipping_method),
       soci::use(o.shipping_method_name), soci::use(o.shipping_address.name), soci::use(o.shipping_address.line1),
       soci::use(o.shipping_address.line2), soci::use(o.shipping_address.city),
       soci::use(o.shipping_address.postal_code), soci::use(o.shipping_address.country), soci::use(o.payment_id),
       soci::use(created), soci::use(updated));
  int position = 0;
  for (const OrderLine& line : o.lines) {
    const std::string options = OptionsJson(line.options);
    const long long quantity = line.quantity, unit = line.unit_price.amount, line_total = line.line_total.amount;
    Exec(sql,
         "INSERT INTO orders_lines (order_id, position, sku, product_slug, name, options, quantity, unit_price,"
         " line_total) VALUES (:o, :p, :sku, :slug, :name, :options, :q, :unit, :total)",
         soci::use(o.id), soci::use(position), soci::use(line.sku), soci::use(line.product_slug), soci::use(line.name),
         soci::use(options), soci::use(quantity), soci::use(unit), soci::use(line_total));
    ++position;
  }
}

void OrderRepository::AddTimeline(soci::session& sql, const std::string& order_id, const TimelineEntry& e) {
  const std::string from = e.from ? std::string(OrderStatusName(*e.from)) : std::string();
  const std::string to = e.to ? std::string(OrderStatusName(*e.to)) : std::string();
  const long long at = e.at_ms;
  Exec(sql,
       "INSERT INTO orders_timeline (id, order_id, from_status, to_status, note, actor, at_ms)"
       " VALUES (:id, :o, :f, :t, :n, :a, :at)",
       soci::use(e.id), soci::use(order_id), soci::use(from), soci::use(to), soci::use(e.note), soci::use(e.actor),
       soci::use(at));
}

std::optional<StoredOrder> OrderRepository::Find(soci::session& sql, const std::string& id, const Currency& currency) {
  // The order and its lines in one statement (one round trip, one prepare):
  // order pages are polled while a payment settles. No orders_lines column
  // shares a name with one of kOrderColumns, so they need no qualifier.
  static const std::string query = fmt::format(
      "SELECT {}, l.sku, l.product_slug, l.name, l.options, l.quantity, l.unit_price, l.line_total"
      " FROM orders_orders LEFT JOIN orders_lines l ON l.order_id = orders_orders.id"
      " WHERE orders_orders.id = :id ORDER BY l.position",
      kOrderColumns);
  std::optional<StoredOrder> found;
  ForEachRow(
      sql, query,
      [&](const soci::row& r) {
        if (!found) found = OrderFromRow(r, currency);
        const std::size_t l = kOrderColumnCount;
        if (IsNull(r, l)) return;  // an order without lines (LEFT JOIN)
        found->order.lines.push_back(OrderLine{.sku = Str(r, l),
                                               .product_slug = Str(r, l + 1),
                                               .name = Str(r, l + 2),
                                               .options = ParseOptions(Str(r, l + 3)),
                                               .quantity = Int(r, l + 4),
                                               .unit_price = Money{Int(r, l + 5), currency},
                                               .line_total = Money{Int(r, l + 6), currency}});
      },
      soci::use(id));
  return found;
}

bool OrderRepository::Transition(soci::session& sql, const std::string& id, const std::vector<std::string>& from,
                                 OrderStatus to, std::int64_t now_ms) {
  if (from.empty()) return false;
  const std::string target(OrderStatusName(to));
  const long long now = now_ms;
  // Cached per text like a constant: `from` comes from the state machine's
  // fixed transitions, so there are only a handful of these texts.
  Prepared st(sql,
              fmt::format("UPDATE orders_orders SET status = :to, updated_at_ms = :now"
                          " WHERE id = :id AND status IN ({})",
                          InList(from)),
              soci::use(target), soci::use(now), soci::use(id));
  st.Execute();
  return st->get_affected_rows() > 0;
}

void OrderRepository::SetRefunded(soci::session& sql, const std::string& id, std::int64_t refunded,
                                  std::int64_t now_ms) {
  const long long amount = refunded, now = now_ms;
  Exec(sql, "UPDATE orders_orders SET refunded = :r, updated_at_ms = :now WHERE id = :id", soci::use(amount),
       soci::use(now), soci::use(id));
}

void OrderRepository::SetShipment(soci::session& sql, const std::string& id, const std::string& carrier,
                                  const std::string& tracking_number, std::int64_t now_ms) {
  const long long now = now_ms;
  Exec(sql, "UPDATE orders_orders SET carrier = :c, tracking_number = :t, updated_at_ms = :now WHERE id = :id",
       soci::use(carrier), soci::use(tracking_number), soci::use(now), soci::use(id));
}

std::vector<TimelineEntry> OrderRepository::Timeline(soci::session& sql, const std::string& order_id) {
  std::vector<TimelineEntry> out;
  ForEachRow(
      sql,
      "SELECT id, from_status, to_status, note, actor, at_ms FROM orders_timeline WHERE order_id = :o"
      " ORDER BY id",
      [&](const soci::row& r) {
        out.push_back(TimelineEntry{.id = Str(r, 0),
                                    .from = ParseOrderStatus(Str(r, 1)),
                                    .to = ParseOrderStatus(Str(r, 2)),
                                    .note = Str(r, 3),
                                    .actor = Str(r, 4),
                                    .at_ms = Int(r, 5)});
      },
      soci::use(order_id));
  return out;
}

std::vector<Order> OrderRepository::List(soci::session& sql, const OrderFilter& filter,
                                         const std::optional<ListPosition>& after, int limit,
                                         const Currency& currency) {
  // Every value is either a number or passed through Quote, so the filter
  // can be composed as text; the columns it touches are indexed.
  std::vector<std::string> where;
  if (filter.status) where.push_back("status = " + Quote(OrderStatusName(*filter.status)));
  if (filter.from_ms) where.push_back(fmt::format("created_at_ms >= {}", *filter.from_ms));
  if (filter.to_ms) where.push_back(fmt::format("created_at_ms < {}", *filter.to_ms));
  if (filter.customer_id) where.push_back("customer_id = " + Quote(*filter.customer_id));
  if (filter.number) where.push_back(fmt::format("number = {}", *filter.number));
  if (filter.email) where.push_back("email = " + Quote(*filter.email));
  if (after) {
    where.push_back(fmt::format("(created_at_ms < {0} OR (created_at_ms = {0} AND id < {1}))", after->created_at_ms,
                                Quote(after->id)));
  }
  std::string query = fmt::format("SELECT {} FROM orders_orders", kOrderColumns);
  for (std::size_t i = 0; i < where.size(); ++i) query += (i == 0 ? " WHERE " : " AND ") + where[i];
  query += fmt::format(" ORDER BY created_at_ms DESC, id DESC LIMIT {}", limit);
  std::vector<Order> out;
  soci::rowset<soci::row> rs = sql.prepare << query;
  for (const auto& r : rs) out.push_back(OrderFromRow(r, currency).order);
  return out;
}

}  // namespace shop::orders
