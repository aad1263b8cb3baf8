#include "platform/events/outbox_store.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <string>

#include "platform/db/prepared.hpp"

namespace shop::platform::events::store {
namespace {

constexpr const char* kNextSeq =
    "INSERT INTO events_aggregate_seq (aggregate_type, aggregate_id, seq) VALUES (:type, :id, 1)"
    " ON CONFLICT (aggregate_type, aggregate_id)"
    " DO UPDATE SET seq = events_aggregate_seq.seq + 1"
    " RETURNING seq";

constexpr const char* kInsert =
    "INSERT INTO events_outbox (id, type, occurred_at_ms, aggregate_type, aggregate_id,"
    " aggregate_seq, trace_id, payload, attempts, next_attempt_at_ms)"
    " VALUES (:id, :type, :occurred_at_ms, :aggregate_type, :aggregate_id, :aggregate_seq,"
    " :trace_id, :payload, 0, :due)";

// The sequence upsert feeds the insert directly (a data-modifying CTE,
// PostgreSQL only). The casts type parameters that a SELECT list would
// otherwise read as text.
constexpr const char* kInsertNewPostgres =
    "WITH s AS (INSERT INTO events_aggregate_seq (aggregate_type, aggregate_id, seq) VALUES (:type, :id, 1)"
    " ON CONFLICT (aggregate_type, aggregate_id)"
    " DO UPDATE SET seq = events_aggregate_seq.seq + 1 RETURNING seq)"
    " INSERT INTO events_outbox (id, type, occurred_at_ms, aggregate_type, aggregate_id,"
    " aggregate_seq, trace_id, payload, attempts, next_attempt_at_ms)"
    " SELECT CAST(:event_id AS TEXT), CAST(:event_type AS TEXT), CAST(:occurred_at_ms AS BIGINT),"
    " CAST(:aggregate_type AS TEXT), CAST(:aggregate_id AS TEXT), s.seq, CAST(:trace_id AS TEXT),"
    " CAST(:payload AS TEXT), 0, CAST(:due AS BIGINT) FROM s";

// "Lowest sequence still in the outbox" is what keeps one event per aggregate
// in flight: a leased, backing-off or undelivered earlier event blocks the
// later ones. Rows are picked by this predicate, never by an id cursor, so an
// event whose transaction committed late is still found. The inner SELECT
// picks the rows; the UPDATE leases and returns them: one round trip a batch.
constexpr const char* kClaimPick =
    "SELECT o.id FROM events_outbox o"
    " WHERE o.next_attempt_at_ms <= :due_by AND o.lease_until_ms <= :lease_free_by"
    " AND NOT EXISTS (SELECT 1 FROM events_outbox p"
    "   WHERE p.aggregate_type = o.aggregate_type AND p.aggregate_id = o.aggregate_id"
    "   AND p.aggregate_seq < o.aggregate_seq)"
    " ORDER BY o.id LIMIT :limit";
constexpr const char* kClaimLease =
    "UPDATE events_outbox SET lease_owner = :owner, lease_until_ms = :lease_until,"
    " attempts = attempts + 1 WHERE id IN (";
constexpr const char* kClaimReturning =
    ") RETURNING id, type, occurred_at_ms, aggregate_type, aggregate_id, aggregate_seq,"
    " trace_id, payload, attempts";
const std::string kClaimSqlite = std::string(kClaimLease) + kClaimPick + kClaimReturning;
// Concurrent relays skip each other's locked rows instead of waiting for them.
const std::string kClaimPostgres =
    std::string(kClaimLease) + kClaimPick + " FOR UPDATE OF o SKIP LOCKED" + kClaimReturning;

// Ids travel as one JSON array parameter, so a batch is one statement.
constexpr const char* kCompleteSqlite =
    "DELETE FROM events_outbox WHERE lease_owner = :owner"
    " AND id IN (SELECT value FROM json_each(:ids))";
constexpr const char* kCompletePostgres =
    "DELETE FROM events_outbox WHERE lease_owner = :owner"
    " AND id IN (SELECT jsonb_array_elements_text(CAST(:ids AS jsonb)))";

constexpr const char* kReschedule =
    "UPDATE events_outbox SET last_error = :error, next_attempt_at_ms = :next,"
    " lease_owner = '', lease_until_ms = 0 WHERE id = :id AND lease_owner = :owner";

constexpr const char* kTakeForDeadLetter =
    "DELETE FROM events_outbox WHERE id = :id AND lease_owner = :owner"
    " RETURNING id, type, occurred_at_ms, aggregate_type, aggregate_id, aggregate_seq,"
    " trace_id, payload, attempts";

constexpr const char* kInsertDeadLetter =
    "INSERT INTO events_dead_letters (id, type, occurred_at_ms, aggregate_type, aggregate_id,"
    " aggregate_seq, trace_id, payload, attempts, last_error, dead_at_ms)"
    " VALUES (:id, :type, :occurred_at_ms, :aggregate_type, :aggregate_id, :aggregate_seq,"
    " :trace_id, :payload, :attempts, :error, :dead_at_ms)";

constexpr const char* kCountPending = "SELECT COUNT(*), MIN(occurred_at_ms) FROM events_outbox";
constexpr const char* kCountDead = "SELECT COUNT(*) FROM events_dead_letters";

constexpr const char* kListDead =
    "SELECT id, type, occurred_at_ms, aggregate_type, aggregate_id, aggregate_seq, trace_id,"
    " payload, attempts, last_error, dead_at_ms FROM events_dead_letters"
    " WHERE id > :after ORDER BY id LIMIT :limit";

// Deleting first takes the row lock, so two concurrent redrives of one id
// cannot both insert it.
constexpr const char* kTakeDeadLetter =
    "DELETE FROM events_dead_letters WHERE id = :id"
    " RETURNING id, type, occurred_at_ms, aggregate_type, aggregate_id, aggregate_seq,"
    " trace_id, payload";

constexpr const char* kDeadLetterIds = "SELECT id FROM events_dead_letters ORDER BY id";

}  // namespace

std::int64_t NextAggregateSeq(db::Tx& tx, std::string_view aggregate_type, std::string_view aggregate_id) {
  std::string type(aggregate_type), id(aggregate_id);
  std::int64_t seq = 0;
  db::Exec(tx.sql(), kNextSeq, soci::use(type), soci::use(id), soci::into(seq));
  return seq;
}

namespace {

void InsertWithSeq(db::Tx& tx, const Envelope& e, std::int64_t seq, std::int64_t due_at_ms) {
  db::Exec(tx.sql(), kInsert, soci::use(e.id), soci::use(e.type), soci::use(e.occurred_at_ms),
           soci::use(e.aggregate_type), soci::use(e.aggregate_id), soci::use(seq), soci::use(e.trace_id),
           soci::use(e.payload), soci::use(due_at_ms));
}

}  // namespace

void Insert(db::Tx& tx, const Envelope& e, std::int64_t due_at_ms) {
  InsertWithSeq(tx, e, e.aggregate_seq, due_at_ms);
}

void InsertNew(db::Tx& tx, const Envelope& e, std::int64_t due_at_ms) {
  if (tx.dialect() != db::Dialect::kPostgres) {
    // In-process SQLite statements cost no round trip; the plain pair is as fast.
    InsertWithSeq(tx, e, NextAggregateSeq(tx, e.aggregate_type, e.aggregate_id), due_at_ms);
    return;
  }
  db::Exec(tx.sql(), kInsertNewPostgres, soci::use(e.aggregate_type), soci::use(e.aggregate_id), soci::use(e.id),
           soci::use(e.type), soci::use(e.occurred_at_ms), soci::use(e.aggregate_type), soci::use(e.aggregate_id),
           soci::use(e.trace_id), soci::use(e.payload), soci::use(due_at_ms));
}

std::vector<Envelope> Claim(soci::session& session, db::Dialect dialect, std::string_view owner, std::int64_t now_ms,
                            std::int64_t lease_until_ms, int limit) {
  std::vector<Envelope> claimed;
  std::string owner_value(owner);
  Envelope e;
  const std::string& sql = dialect == db::Dialect::kPostgres ? kClaimPostgres : kClaimSqlite;
  db::Prepared st(session, sql, soci::into(e.id), soci::into(e.type), soci::into(e.occurred_at_ms),
                  soci::into(e.aggregate_type), soci::into(e.aggregate_id), soci::into(e.aggregate_seq),
                  soci::into(e.trace_id), soci::into(e.payload), soci::into(e.attempts), soci::use(owner_value),
                  soci::use(lease_until_ms), soci::use(now_ms), soci::use(now_ms), soci::use(limit));
  if (st.Execute()) {
    do {
      claimed.push_back(e);
    } while (st.Fetch());
  }
  // RETURNING has no order; delivery goes by id.
  std::sort(claimed.begin(), claimed.end(), [](const Envelope& a, const Envelope& b) { return a.id < b.id; });
  return claimed;
}

std::int64_t Complete(db::Tx& tx, std::string_view owner, const std::vector<std::string>& ids) {
  if (ids.empty()) return 0;
  boost::json::array array;
  for (const std::string& id : ids) array.emplace_back(id);
  std::string ids_json = boost::json::serialize(array), owner_value(owner);
  db::Prepared st(tx.sql(), tx.dialect() == db::Dialect::kPostgres ? kCompletePostgres : kCompleteSqlite,
                  soci::use(owner_value), soci::use(ids_json));
  st.Execute();
  return st->get_affected_rows();
}

bool Reschedule(db::Tx& tx, std::string_view id, std::string_view owner, std::string_view error,
                std::int64_t next_attempt_at_ms) {
  std::string id_value(id), owner_value(owner), error_value(error);
  db::Prepared st(tx.sql(), kReschedule, soci::use(error_value), soci::use(next_attempt_at_ms), soci::use(id_value),
                  soci::use(owner_value));
  st.Execute();
  return st->get_affected_rows() > 0;
}

bool MoveToDeadLetters(db::Tx& tx, std::string_view id, std::string_view owner, std::string_view error,
                       std::int64_t now_ms) {
  std::string id_value(id), owner_value(owner), error_value(error);
  Envelope e;
  tx.sql() << kTakeForDeadLetter, soci::use(id_value), soci::use(owner_value), soci::into(e.id), soci::into(e.type),
      soci::into(e.occurred_at_ms), soci::into(e.aggregate_type), soci::into(e.aggregate_id),
      soci::into(e.aggregate_seq), soci::into(e.trace_id), soci::into(e.payload), soci::into(e.attempts);
  if (!tx.sql().got_data()) return false;
  tx.sql() << kInsertDeadLetter, soci::use(e.id), soci::use(e.type), soci::use(e.occurred_at_ms),
      soci::use(e.aggregate_type), soci::use(e.aggregate_id), soci::use(e.aggregate_seq), soci::use(e.trace_id),
      soci::use(e.payload), soci::use(e.attempts), soci::use(error_value), soci::use(now_ms);
  return true;
}

Counts Count(soci::session& sql) {
  Counts out;
  std::int64_t oldest = 0;
  soci::indicator oldest_ind = soci::i_null;
  sql << kCountPending, soci::into(out.pending), soci::into(oldest, oldest_ind);
  if (oldest_ind == soci::i_ok) out.oldest_occurred_at_ms = oldest;
  sql << kCountDead, soci::into(out.dead_letters);
  return out;
}

std::vector<DeadLetter> ListDeadLetters(soci::session& sql, std::string_view after_id, int limit) {
  std::vector<DeadLetter> out;
  std::string after(after_id);
  DeadLetter row;
  Envelope& e = row.envelope;
  soci::statement st = (sql.prepare << kListDead, soci::into(e.id), soci::into(e.type), soci::into(e.occurred_at_ms),
                        soci::into(e.aggregate_type), soci::into(e.aggregate_id), soci::into(e.aggregate_seq),
                        soci::into(e.trace_id), soci::into(e.payload), soci::into(e.attempts),
                        soci::into(row.last_error), soci::into(row.dead_at_ms), soci::use(after), soci::use(limit));
  st.execute();
  while (st.fetch()) out.push_back(row);
  return out;
}

bool Redrive(db::Tx& tx, std::string_view id, std::int64_t now_ms) {
  std::string id_value(id);
  Envelope e;
  tx.sql() << kTakeDeadLetter, soci::use(id_value), soci::into(e.id), soci::into(e.type), soci::into(e.occurred_at_ms),
      soci::into(e.aggregate_type), soci::into(e.aggregate_id), soci::into(e.aggregate_seq), soci::into(e.trace_id),
      soci::into(e.payload);
  if (!tx.sql().got_data()) return false;
  Insert(tx, e, now_ms);
  return true;
}

std::vector<std::string> DeadLetterIds(db::Tx& tx) {
  std::vector<std::string> ids;
  std::string id;
  soci::statement st = (tx.sql().prepare << kDeadLetterIds, soci::into(id));
  st.execute();
  while (st.fetch()) ids.push_back(id);
  return ids;
}

}  // namespace shop::platform::events::store
