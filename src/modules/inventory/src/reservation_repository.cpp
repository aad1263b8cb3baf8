#include "reservation_repository.hpp"

#include "platform/db/prepared.hpp"

namespace shop::inventory {
namespace {

using platform::db::Exec;
using platform::db::Prepared;

constexpr const char* kInsert =
    "INSERT INTO inventory_reservations (order_id, status, expires_at_ms, created_at_ms, updated_at_ms)"
    " VALUES (:o, 'active', :e, :now, :now2) ON CONFLICT (order_id) DO NOTHING";
constexpr const char* kStatus = "SELECT status FROM inventory_reservations WHERE order_id = :o";
constexpr const char* kTransition =
    "UPDATE inventory_reservations SET status = :to, updated_at_ms = :now WHERE order_id = :o AND status = :from";
constexpr const char* kTransitionDue =
    "UPDATE inventory_reservations SET status = :to, updated_at_ms = :now"
    " WHERE order_id = :o AND status = :from AND expires_at_ms <= :due";
constexpr const char* kInsertLine =
    "INSERT INTO inventory_reservation_lines (order_id, sku, location_id, quantity) VALUES (:o, :s, 'default', :q)";
constexpr const char* kLines = "SELECT sku, quantity FROM inventory_reservation_lines WHERE order_id = :o ORDER BY sku";
constexpr const char* kAddRestocked =
    "UPDATE inventory_reservation_lines SET restocked = restocked + :q"
    " WHERE order_id = :o AND sku = :s AND location_id = 'default' AND restocked + :q2 <= quantity"
    " AND EXISTS (SELECT 1 FROM inventory_reservations r WHERE r.order_id = :o2 AND r.status = 'committed')";
constexpr const char* kDue =
    "SELECT order_id FROM inventory_reservations WHERE status = 'active' AND expires_at_ms <= :now"
    " ORDER BY expires_at_ms, order_id LIMIT :n";

}  // namespace

bool ReservationRepository::InsertIfAbsent(soci::session& sql, const std::string& order_id, std::int64_t expires_at_ms,
                                           std::int64_t now_ms) {
  Prepared st(sql, kInsert, soci::use(order_id), soci::use(expires_at_ms), soci::use(now_ms), soci::use(now_ms));
  st.Execute();
  return st->get_affected_rows() > 0;
}

std::optional<std::string> ReservationRepository::Status(soci::session& sql, const std::string& order_id) {
  std::string status;
  if (!Exec(sql, kStatus, soci::use(order_id), soci::into(status))) return std::nullopt;
  return status;
}

bool ReservationRepository::Transition(soci::session& sql, const std::string& order_id, const std::string& from,
                                       const std::string& to, std::int64_t now_ms, std::optional<std::int64_t> due_ms) {
  if (due_ms) {
    Prepared st(sql, kTransitionDue, soci::use(to), soci::use(now_ms), soci::use(order_id), soci::use(from),
                soci::use(*due_ms));
    st.Execute();
    return st->get_affected_rows() > 0;
  }
  Prepared st(sql, kTransition, soci::use(to), soci::use(now_ms), soci::use(order_id), soci::use(from));
  st.Execute();
  return st->get_affected_rows() > 0;
}

void ReservationRepository::InsertLine(soci::session& sql, const std::string& order_id, const LineRow& line) {
  Exec(sql, kInsertLine, soci::use(order_id), soci::use(line.sku), soci::use(line.quantity));
}

std::vector<LineRow> ReservationRepository::Lines(soci::session& sql, const std::string& order_id) {
  LineRow r;
  long long q = 0;
  std::vector<LineRow> out;
  Prepared st(sql, kLines, soci::into(r.sku), soci::into(q), soci::use(order_id));
  if (!st.Execute()) return out;
  do {
    out.push_back({r.sku, q});
  } while (st.Fetch());
  return out;
}

bool ReservationRepository::AddRestocked(soci::session& sql, const std::string& order_id, const std::string& sku,
                                         std::int64_t quantity) {
  Prepared st(sql, kAddRestocked, soci::use(quantity), soci::use(order_id), soci::use(sku), soci::use(quantity),
              soci::use(order_id));
  st.Execute();
  return st->get_affected_rows() > 0;
}

std::vector<std::string> ReservationRepository::Due(soci::session& sql, std::int64_t now_ms, int limit) {
  std::string id;
  std::vector<std::string> out;
  Prepared st(sql, kDue, soci::into(id), soci::use(now_ms), soci::use(limit));
  if (!st.Execute()) return out;
  do {
    out.push_back(id);
  } while (st.Fetch());
  return out;
}

}  // namespace shop::inventory
