#pragma once
/// The SQL behind the outbox tables (events_outbox, events_aggregate_seq,
/// events_dead_letters): one function per statement group, each running in
/// the caller's transaction. Outbox, Relay and OutboxAdmin hold the policy;
/// this file holds the queries. Thread-safe (stateless); each Tx belongs to
/// one thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/db/db.hpp"
#include "platform/events/envelope.hpp"

namespace shop::platform::events::store {

/// Next sequence number of the aggregate (1 for a new one). On PostgreSQL the
/// upsert row lock is held to commit, serialising writers of one aggregate.
std::int64_t NextAggregateSeq(db::Tx& tx, std::string_view aggregate_type, std::string_view aggregate_id);

/// Inserts `e` due at `due_at_ms`, unclaimed, with the sequence number it
/// already has (a redriven dead letter keeps its place).
void Insert(db::Tx& tx, const Envelope& e, std::int64_t due_at_ms);

/// Takes the aggregate's next sequence number (NextAggregateSeq) and inserts
/// `e` with it, due at `due_at_ms`; `e.aggregate_seq` is ignored. On
/// PostgreSQL both are one statement, since every event of every transaction
/// pays for this round trip.
void InsertNew(db::Tx& tx, const Envelope& e, std::int64_t due_at_ms);

/// Claims up to `limit` rows due at `now_ms` whose lease is free or expired
/// and that are the lowest-sequence row of their aggregate still in the
/// outbox, ordered by id. Sets the lease to `owner` until `lease_until_ms` and
/// counts the attempt. PostgreSQL locks with FOR UPDATE SKIP LOCKED so
/// concurrent relays claim disjoint rows.
/// One statement, so it may also run on its own (Db::WriteStatement).
std::vector<Envelope> Claim(soci::session& sql, db::Dialect dialect, std::string_view owner, std::int64_t now_ms,
                            std::int64_t lease_until_ms, int limit);

/// Deletes the delivered rows among `ids` whose lease `owner` still holds
/// and returns how many; a row whose lease was lost belongs to another relay
/// now and stays.
std::int64_t Complete(db::Tx& tx, std::string_view owner, const std::vector<std::string>& ids);

/// Records a failed attempt and releases the lease: the row is due again at
/// `next_attempt_at_ms`. False when `owner` no longer holds the lease.
bool Reschedule(db::Tx& tx, std::string_view id, std::string_view owner, std::string_view error,
                std::int64_t next_attempt_at_ms);

/// Moves the row to events_dead_letters with `error`. False when `owner` no
/// longer holds the lease.
bool MoveToDeadLetters(db::Tx& tx, std::string_view id, std::string_view owner, std::string_view error,
                       std::int64_t now_ms);

struct Counts {
  std::int64_t pending = 0;
  std::optional<std::int64_t> oldest_occurred_at_ms;
  std::int64_t dead_letters = 0;
};
Counts Count(soci::session& sql);

/// Dead letters with id > `after_id`, by id, at most `limit`.
std::vector<DeadLetter> ListDeadLetters(soci::session& sql, std::string_view after_id, int limit);

/// Moves a dead letter back to the outbox, attempts 0, due at `now_ms`.
/// False when there is no such dead letter.
bool Redrive(db::Tx& tx, std::string_view id, std::int64_t now_ms);

/// Ids of every dead letter, oldest first.
std::vector<std::string> DeadLetterIds(db::Tx& tx);

}  // namespace shop::platform::events::store
