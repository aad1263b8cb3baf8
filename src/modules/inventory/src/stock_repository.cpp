#include "stock_repository.hpp"

#include "platform/db/prepared.hpp"

#include <algorithm>

namespace shop::inventory {
namespace {

using platform::db::Exec;
using platform::db::Prepared;

constexpr const char* kInsert =
    "INSERT INTO inventory_stock (sku, location_id, on_hand, reserved, created_at_ms, updated_at_ms)"
    " VALUES (:sku, 'default', 0, 0, :now, :now2) ON CONFLICT (sku, location_id) DO NOTHING";
constexpr const char* kColumns = "SELECT sku, on_hand, reserved, low_stock_threshold FROM inventory_stock";
constexpr const char* kFind =
    "SELECT sku, on_hand, reserved, low_stock_threshold FROM inventory_stock"
    " WHERE sku = :sku AND location_id = 'default'";
// Placeholders are bound by position, so each use of a delta is bound again.
constexpr const char* kApply =
    "UPDATE inventory_stock SET on_hand = on_hand + :d1, reserved = reserved + :r1, updated_at_ms = :now"
    " WHERE sku = :sku AND location_id = 'default'"
    " AND reserved + :r2 >= 0 AND on_hand + :d2 >= reserved + :r3 AND on_hand + :d3 <= :max"
    " RETURNING sku, on_hand, reserved, low_stock_threshold";
constexpr const char* kSetThreshold =
    "UPDATE inventory_stock SET low_stock_threshold = :t, updated_at_ms = :now"
    " WHERE sku = :sku AND location_id = 'default' RETURNING sku, on_hand, reserved, low_stock_threshold";
// '\' escapes LIKE's wildcards: '_' is a legal SKU character.
constexpr const char* kSearchFirst =
    "SELECT sku, on_hand, reserved, low_stock_threshold FROM inventory_stock"
    " WHERE location_id = 'default' AND LOWER(sku) LIKE :p ESCAPE '\\' ORDER BY sku LIMIT :n";
constexpr const char* kSearchAfter =
    "SELECT sku, on_hand, reserved, low_stock_threshold FROM inventory_stock"
    " WHERE location_id = 'default' AND LOWER(sku) LIKE :p ESCAPE '\\' AND sku > :after ORDER BY sku LIMIT :n";
constexpr const char* kLowFirst =
    "SELECT sku, on_hand, reserved, low_stock_threshold FROM inventory_stock"
    " WHERE location_id = 'default' AND on_hand - reserved <= COALESCE(low_stock_threshold, :t)"
    " ORDER BY on_hand - reserved, sku LIMIT :n";
constexpr const char* kLowAfter =
    "SELECT sku, on_hand, reserved, low_stock_threshold FROM inventory_stock"
    " WHERE location_id = 'default' AND on_hand - reserved <= COALESCE(low_stock_threshold, :t)"
    " AND (on_hand - reserved > :a1 OR (on_hand - reserved = :a2 AND sku > :s))"
    " ORDER BY on_hand - reserved, sku LIMIT :n";

struct Raw {
  std::string sku;
  long long on_hand = 0;
  long long reserved = 0;
  long long threshold = 0;
  soci::indicator threshold_ind = soci::i_null;
  StockRow ToRow() const {
    StockRow row{sku, on_hand, reserved, std::nullopt};
    if (threshold_ind == soci::i_ok) row.threshold = threshold;
    return row;
  }
};

std::vector<StockRow> FetchAll(soci::statement& st, Raw& r) {
  std::vector<StockRow> out;
  st.execute();
  while (st.fetch()) out.push_back(r.ToRow());
  return out;
}

}  // namespace

bool StockRepository::InsertIfMissing(soci::session& sql, const std::string& sku, std::int64_t now_ms) {
  Prepared st(sql, kInsert, soci::use(sku), soci::use(now_ms), soci::use(now_ms));
  st.Execute();
  return st->get_affected_rows() > 0;
}

std::optional<StockRow> StockRepository::Find(soci::session& sql, const std::string& sku) {
  Raw r;
  if (!Exec(sql, kFind, soci::use(sku), soci::into(r.sku), soci::into(r.on_hand), soci::into(r.reserved),
            soci::into(r.threshold, r.threshold_ind)))
    return std::nullopt;
  return r.ToRow();
}

std::vector<StockRow> StockRepository::FindMany(soci::session& sql, const std::vector<std::string>& skus) {
  std::vector<StockRow> out;
  // Chunks keep the statement within every driver's parameter limit.
  constexpr std::size_t kChunk = 200;
  for (std::size_t begin = 0; begin < skus.size(); begin += kChunk) {
    const std::size_t end = std::min(skus.size(), begin + kChunk);
    std::string text = std::string(kColumns) + " WHERE location_id = 'default' AND ";
    if (end - begin == 1) {
      // The common case (a cart line, a product page): SQLite builds a
      // temporary b-tree for any IN list, even of one value.
      text += "sku = :s0";
    } else {
      text += "sku IN (";
      for (std::size_t i = begin; i < end; ++i) text += (i == begin ? ":s" : ", :s") + std::to_string(i - begin);
      // Sorted below: an ORDER BY here made SQLite sort in a temporary b-tree.
      text += ")";
    }
    Raw r;
    // One text per chunk length (at most kChunk of them), so the cache holds them.
    Prepared st(sql, text, soci::into(r.sku), soci::into(r.on_hand), soci::into(r.reserved),
                soci::into(r.threshold, r.threshold_ind));
    for (std::size_t i = begin; i < end; ++i) st.Bind(soci::use(skus[i]));
    if (!st.Execute()) continue;
    do {
      out.push_back(r.ToRow());
    } while (st.Fetch());
  }
  std::sort(out.begin(), out.end(), [](const StockRow& a, const StockRow& b) { return a.sku < b.sku; });
  return out;
}

std::optional<StockRow> StockRepository::Apply(soci::session& sql, const std::string& sku, std::int64_t on_hand_delta,
                                               std::int64_t reserved_delta, std::int64_t now_ms) {
  Raw r;
  const std::int64_t max = kMaxOnHand;
  if (!Exec(sql, kApply, soci::use(on_hand_delta), soci::use(reserved_delta), soci::use(now_ms), soci::use(sku),
            soci::use(reserved_delta), soci::use(on_hand_delta), soci::use(reserved_delta), soci::use(on_hand_delta),
            soci::use(max), soci::into(r.sku), soci::into(r.on_hand), soci::into(r.reserved),
            soci::into(r.threshold, r.threshold_ind)))
    return std::nullopt;
  return r.ToRow();
}

std::optional<StockRow> StockRepository::SetThreshold(soci::session& sql, const std::string& sku,
                                                      std::optional<std::int64_t> threshold, std::int64_t now_ms) {
  Raw r;
  long long value = threshold.value_or(0);
  soci::indicator ind = threshold ? soci::i_ok : soci::i_null;
  sql << kSetThreshold, soci::use(value, ind), soci::use(now_ms), soci::use(sku), soci::into(r.sku),
      soci::into(r.on_hand), soci::into(r.reserved), soci::into(r.threshold, r.threshold_ind);
  if (!sql.got_data()) return std::nullopt;
  return r.ToRow();
}

std::vector<StockRow> StockRepository::Search(soci::session& sql, const std::string& prefix_lower, int limit,
                                              const std::optional<std::string>& after) {
  std::string pattern;
  for (char c : prefix_lower) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  Raw r;
  if (after) {
    soci::statement st =
        (sql.prepare << kSearchAfter, soci::into(r.sku), soci::into(r.on_hand), soci::into(r.reserved),
         soci::into(r.threshold, r.threshold_ind), soci::use(pattern), soci::use(*after), soci::use(limit));
    return FetchAll(st, r);
  }
  soci::statement st = (sql.prepare << kSearchFirst, soci::into(r.sku), soci::into(r.on_hand), soci::into(r.reserved),
                        soci::into(r.threshold, r.threshold_ind), soci::use(pattern), soci::use(limit));
  return FetchAll(st, r);
}

std::vector<StockRow> StockRepository::LowStock(soci::session& sql, std::int64_t default_threshold, int limit,
                                                const std::optional<StockCursor>& after) {
  Raw r;
  if (after) {
    soci::statement st =
        (sql.prepare << kLowAfter, soci::into(r.sku), soci::into(r.on_hand), soci::into(r.reserved),
         soci::into(r.threshold, r.threshold_ind), soci::use(default_threshold), soci::use(after->available),
         soci::use(after->available), soci::use(after->sku), soci::use(limit));
    return FetchAll(st, r);
  }
  soci::statement st = (sql.prepare << kLowFirst, soci::into(r.sku), soci::into(r.on_hand), soci::into(r.reserved),
                        soci::into(r.threshold, r.threshold_ind), soci::use(default_threshold), soci::use(limit));
  return FetchAll(st, r);
}

}  // namespace shop::inventory
