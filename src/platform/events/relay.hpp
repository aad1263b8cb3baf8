#pragma once
/// The outbox relay (DESIGN §3): claims due events, delivers them to the
/// bus's subscribers, then removes them; failed deliveries back off
/// exponentially with jitter and end in events_dead_letters after
/// max_attempts.
///
/// Several worker threads claim and deliver side by side (a claim only
/// ever takes the oldest pending event of each aggregate, so two workers
/// never hold events of one aggregate). A commit's Notify wakes one idle
/// worker; an event published by a handler on a worker thread is claimed by
/// that worker once it has settled its batch, in the same transaction.
///
/// Guarantees: at-least-once delivery per subscriber; per aggregate, one
/// event in flight and delivery in sequence order (a later event waits while
/// an earlier one is leased, backing off, or pending); no event skipped
/// because it committed after a later id. A relay that dies mid-batch leaves
/// leases that expire, and its rows are delivered again. An event nobody
/// subscribes to counts as delivered. On PostgreSQL any number of relays
/// (instances) share the work; on SQLite claims serialise on the write lock,
/// so one relay per database is all that helps (more stay correct).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "platform/clock/clock.hpp"
#include "platform/db/db.hpp"
#include "platform/events/bus.hpp"

namespace shop::platform::events {

struct RelayOptions {
  /// Idle wait between claims when nothing notified the relay.
  std::chrono::milliseconds poll_interval{500};
  /// Rows claimed per cycle (per worker).
  int batch_size = 100;
  /// Threads claiming and delivering concurrently. More than one lets slow
  /// handlers (a provider call, an index update) overlap and keeps events
  /// committed by requests from queueing behind another worker's batch.
  int workers = 1;
  /// How long a claim stays exclusive; longer than the slowest batch.
  std::chrono::milliseconds lease{30'000};
  /// Failed deliveries before an event is dead-lettered.
  int max_attempts = 10;
  /// Retry delay after failure n (1-based): min(backoff_max, backoff_base·2^(n-1)),
  /// scaled by a random factor in [0.5, 1.5).
  std::chrono::milliseconds backoff_base{1'000};
  std::chrono::milliseconds backoff_max{300'000};
  /// Lease owner name; empty picks a random one. Unique per running relay.
  std::string relay_id;
};

/// Thread-safe: Notify from any thread; Start/Stop from the owning thread.
/// Handlers may run on several threads at once (for different aggregates).
/// RunOnce may also run on a caller's thread (tests, a one-shot CLI command),
/// even while the relay's own thread runs: leases keep the batches apart.
class Relay {
 public:
  /// `db`, `bus` and `clock` must outlive the relay. Deliveries, due times
  /// and leases use `clock`.
  Relay(db::Db& db, const Bus& bus, const Clock& clock, RelayOptions options = {});
  /// Stops the thread if running.
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  /// Starts the worker threads. No effect when already running.
  void Start();
  /// Lets the current batches finish (deliver and record outcomes), then
  /// joins the workers. Must not be called from a handler.
  void Stop();
  /// Wakes one idle worker to claim now instead of after poll_interval (or
  /// makes the next worker that finishes claim again at once). On a worker's
  /// own thread (a handler committed) it wakes nobody: that worker claims
  /// next. Cheap; the outbox calls it after each commit that appended events.
  void Notify();

  /// One claim → deliver → record cycle; returns how many events it claimed
  /// (0: nothing due). Throws DbError when the database fails; claimed rows
  /// are then delivered again once their lease expires.
  int RunOnce();

  const std::string& relay_id() const { return options_.relay_id; }

 private:
  void Loop();
  // Claims on `sql`, in the caller's transaction or on its own.
  std::vector<Envelope> Claim(soci::session& sql);
  // A claim that is the whole transaction (after a wake-up or a poll).
  std::vector<Envelope> ClaimAlone();
  // Delivers `batch` and records the outcomes; with `claim_next`, claims the
  // next batch in that same transaction and returns it. Under load this
  // halves the relay's write transactions (settle and claim were two).
  std::vector<Envelope> DeliverAndSettle(const std::vector<Envelope>& batch, bool claim_next);
  std::string Deliver(const Envelope& envelope) const;
  std::int64_t NextAttemptAt(std::int64_t now_ms, int attempts) const;

  db::Db& db_;
  const Bus& bus_;
  const Clock& clock_;
  RelayOptions options_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace shop::platform::events
