#pragma once
/// The inventory module's service contract (DESIGN §4 Inventory): stock per
/// SKU, reservations for orders, and an append-only ledger of every movement.
/// Plain synchronous C++, thread-safe, callable from the blocking pool.
///
/// Invariant at every read: on_hand = available + reserved, none negative.
/// Every change is one conditional UPDATE checked by rows affected (never
/// read-then-write) under CHECK constraints, and is written to the ledger and
/// the outbox in the same transaction.
///
/// Errors: kNotFound for an SKU the inventory does not track; kInvalidInput
/// for a zero/negative/oversized quantity or a malformed SKU; kOutOfStock
/// when a reservation cannot be satisfied (Error::fields names each short
/// SKU); kConflict when an adjustment would take on_hand below reserved.

#include "platform/core/error.hpp"
#include "platform/db/db.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::inventory {

/// Largest quantity accepted in one line, reservation or adjustment.
inline constexpr std::int64_t kMaxQuantity = 1'000'000;
/// Most distinct SKUs in one reservation.
inline constexpr std::size_t kMaxLines = 200;
/// Longest reason (bytes) a movement keeps.
inline constexpr std::size_t kMaxReasonLength = 500;

/// A stock keeping unit code: 1..64 of [A-Za-z0-9._-].
struct Sku {
  std::string value;
  bool operator==(const Sku&) const = default;
  auto operator<=>(const Sku&) const = default;
};

/// True when `code` is a well-formed SKU.
bool IsValidSku(std::string_view code);

struct StockLevel {
  Sku sku;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available = 0;            ///< on_hand - reserved
  std::int64_t low_stock_threshold = 0;  ///< per SKU, or the configured default
  bool low() const { return available <= low_stock_threshold; }
};

/// One line of a bulk receipt (see InventoryService::ReceiveMany).
struct ReceiptLine {
  Sku sku;
  std::int64_t quantity = 0;  ///< 0..kMaxQuantity; 0 only starts tracking
};

/// Most lines ReceiveMany takes in one call (one transaction).
inline constexpr std::size_t kMaxReceiptLines = 5'000;

/// One line of a reservation.
struct ReservationLine {
  Sku sku;
  std::int64_t quantity = 0;  ///< 1..kMaxQuantity
};

enum class MovementKind { kReceive, kAdjust, kReserve, kRelease, kCommit, kRestock };
std::string_view MovementKindName(MovementKind kind);  ///< "receive", "adjust", ...

/// One ledger row: what moved, why, and who or what caused it.
struct Movement {
  std::string id;
  Sku sku;
  MovementKind kind = MovementKind::kAdjust;
  std::int64_t on_hand_delta = 0;
  std::int64_t reserved_delta = 0;
  std::int64_t on_hand_after = 0;
  std::int64_t reserved_after = 0;
  std::string reason;    ///< free text ("received PO 17", "damaged", "order 1042")
  std::string actor;     ///< user id, "system", "seed", ...
  std::string order_id;  ///< set for reserve/release/commit/restock
  std::int64_t at_ms = 0;
};

struct MovementPage {
  std::vector<Movement> items;
  std::optional<std::string> next_cursor;
};

struct StockPage {
  std::vector<StockLevel> items;
  std::optional<std::string> next_cursor;
};

/// What an order holds.
enum class ReservationStatus { kActive, kReleased, kCommitted, kExpired };

class InventoryService {
 public:
  virtual ~InventoryService() = default;

  /// Starts tracking `sku` with on_hand = 0 (idempotent: an existing SKU is
  /// left as it is). Called when the catalog adds a variant.
  virtual Result<StockLevel> Track(const Sku& sku) = 0;

  /// Initial stock of many SKUs at once (demo seed, imports): tracks each
  /// SKU not tracked yet and receives its quantity, all in one transaction,
  /// with a ledger row and events per received line. Everything is checked
  /// first: kInvalidInput, and nothing changes, for a malformed or repeated
  /// SKU, a quantity outside 0..kMaxQuantity, an empty reason, or more than
  /// kMaxReceiptLines lines; kConflict (nothing changes) when a receipt would
  /// take on_hand past its maximum.
  virtual Result<void> ReceiveMany(const std::vector<ReceiptLine>& lines, std::string_view reason,
                                   std::string_view actor) = 0;

  virtual Result<StockLevel> Get(const Sku& sku) = 0;

  /// Levels of the tracked SKUs among `skus` (untracked ones are omitted),
  /// in one query. Used for live availability on product pages and carts.
  virtual std::vector<StockLevel> GetMany(const std::vector<Sku>& skus) = 0;

  /// Receive (delta > 0) or write off (delta < 0) with a reason and actor.
  /// kConflict if it would take on_hand below reserved; kInvalidInput for
  /// delta 0, |delta| > kMaxQuantity or an empty reason.
  virtual Result<StockLevel> Adjust(const Sku& sku, std::int64_t delta, std::string_view reason,
                                    std::string_view actor) = 0;

  /// Sets the SKU's low-stock threshold (nullopt → the configured default);
  /// kInvalidInput outside 0..kMaxQuantity. Not a movement: no ledger row.
  virtual Result<StockLevel> SetLowStockThreshold(const Sku& sku, std::optional<std::int64_t> threshold) = 0;

  /// Reserves every line for `order_id` or nothing (kOutOfStock naming each
  /// short or untracked SKU in Error::fields, field = the SKU). Idempotent
  /// per order: reserving again for an order that holds an active
  /// reservation with the same lines returns success without reserving
  /// twice; other lines, or a reservation already released, expired or
  /// committed → kConflict. Lines for the same SKU are summed (the sum must
  /// stay within kMaxQuantity). kInvalidInput for no lines, more than
  /// kMaxLines, a malformed order id (1..64 of [A-Za-z0-9._-]) or an
  /// expiry not after now. The reservation expires at `expires_at_ms` (see
  /// ReleaseExpired). Rows are locked in SKU order, so concurrent
  /// reservations never deadlock.
  virtual Result<void> Reserve(std::string_view order_id, const std::vector<ReservationLine>& lines,
                               std::int64_t expires_at_ms) = 0;
  /// Reserve inside the caller's transaction (`tx` on this service's
  /// database), so the reservation and the caller's own rows (the order)
  /// commit together or not at all. On an error some lines may have been
  /// written: the caller must roll back (return the error from its
  /// transaction function).
  virtual Result<void> Reserve(platform::db::Tx& tx, std::string_view order_id,
                               const std::vector<ReservationLine>& lines, std::int64_t expires_at_ms) = 0;

  /// Returns an active reservation's units to available. Idempotent; a
  /// committed reservation is not touched (kConflict). Unknown order → kNotFound.
  virtual Result<void> Release(std::string_view order_id, std::string_view reason) = 0;

  /// The reserved units are sold: they leave on_hand and reserved.
  /// Idempotent; a released or expired reservation → kConflict.
  virtual Result<void> Commit(std::string_view order_id) = 0;
  /// Commit inside the caller's transaction (`tx` on this service's
  /// database), so the sale and the caller's own change (the order becoming
  /// PAID) commit or roll back together. On an error it wrote nothing.
  virtual Result<void> Commit(platform::db::Tx& tx, std::string_view order_id) = 0;

  /// Puts sold units back on hand (returns, refunds with restock). With an
  /// `order_id`, the order's reservation must be committed and hold `sku`,
  /// and the units restocked for that line never exceed those sold
  /// (kConflict otherwise), so a repeated refund cannot restock twice; an
  /// empty `order_id` restocks without that cap. kInvalidInput for a bad
  /// quantity or an empty reason.
  virtual Result<StockLevel> Restock(const Sku& sku, std::int64_t quantity, std::string_view order_id,
                                     std::string_view reason, std::string_view actor) = 0;

  /// Status of the reservation held for `order_id`; kNotFound if none.
  virtual Result<ReservationStatus> GetReservation(std::string_view order_id) = 0;

  /// Releases every active reservation whose expiry is at or before
  /// `now_ms`, publishing inventory.reservation_expired.v1 for each; returns
  /// how many. Run periodically by the module's sweeper.
  virtual std::size_t ReleaseExpired(std::int64_t now_ms) = 0;

  /// Ledger of one SKU, newest first; `limit` 1..100, `cursor` "" or a
  /// next_cursor this returned (kInvalidInput otherwise).
  virtual Result<MovementPage> Ledger(const Sku& sku, int limit, std::string_view cursor) = 0;

  /// Tracked SKUs whose code starts with `prefix` (any case), by SKU.
  virtual Result<StockPage> Search(std::string_view prefix, int limit, std::string_view cursor) = 0;

  /// SKUs at or below their low-stock threshold, fewest available first.
  virtual Result<StockPage> LowStock(int limit, std::string_view cursor) = 0;
};

}  // namespace shop::inventory
