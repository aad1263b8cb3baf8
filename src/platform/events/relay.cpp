#include "platform/events/relay.hpp"

#include "platform/core/crash_points.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <vector>

#include "platform/events/outbox_store.hpp"

namespace shop::platform::events {
namespace {

// last_error is for an operator reading the dead-letter list, not a log sink.
constexpr std::size_t kMaxErrorLength = 2000;

std::string RandomRelayId() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "relay-";
  for (int i = 0; i < 16; ++i) id += kHex[rd() % 16];
  return id;
}

// The relay whose worker loop runs on this thread, if any: commits made by
// the handlers it calls need no wake-up (Notify).
thread_local const Relay* t_worker_of = nullptr;

struct Outcome {
  const Envelope* envelope;
  std::string error;  // empty: every subscriber succeeded
};

}  // namespace

Relay::Relay(db::Db& db, const Bus& bus, const Clock& clock, RelayOptions options)
    : db_(db), bus_(bus), clock_(clock), options_(std::move(options)) {
  if (options_.relay_id.empty()) options_.relay_id = RandomRelayId();
  options_.batch_size = std::max(1, options_.batch_size);
  options_.max_attempts = std::max(1, options_.max_attempts);
  options_.workers = std::max(1, options_.workers);
}

Relay::~Relay() { Stop(); }

void Relay::Start() {
  std::lock_guard lock(mutex_);
  if (!workers_.empty()) return;
  stopping_ = false;
  // Whatever was committed before the start is claimed at once.
  notified_ = true;
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { Loop(); });
}

void Relay::Stop() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    if (workers_.empty()) return;
    stopping_ = true;
    workers.swap(workers_);
  }
  wake_.notify_all();
  for (std::thread& t : workers) t.join();
}

void Relay::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  // A handler running on a worker commits while that worker holds its batch,
  // and the worker claims again right after settling it. Waking another one
  // would mostly claim nothing: an event a handler publishes is often on the
  // aggregate of the event being handled (captured after authorized), and
  // that aggregate stays blocked until the batch is settled. The flag stays
  // set, so a cycle that fails before its next claim still claims at once.
  if (t_worker_of == this) return;
  // One worker is enough for one commit's events; waking all would make
  // the rest run empty claims (each a write transaction).
  wake_.notify_one();
}

void Relay::Loop() {
  t_worker_of = this;
  std::vector<Envelope> batch;  // claimed and not yet delivered
  for (;;) {
    bool failed = false;
    try {
      if (batch.empty()) batch = ClaimAlone();
      if (!batch.empty()) batch = DeliverAndSettle(batch, /*claim_next=*/true);
    } catch (const std::exception& e) {
      failed = true;
      spdlog::warn("outbox relay {}: cycle failed: {}", options_.relay_id, e.what());
    } catch (...) {
      failed = true;
      spdlog::warn("outbox relay {}: cycle failed with a non-standard exception", options_.relay_id);
    }
    // Rows of a failed cycle are delivered again once their lease expires.
    if (failed) batch.clear();
    std::unique_lock lock(mutex_);
    if (stopping_) {
      lock.unlock();
      // Finish what this worker holds rather than leave it leased until the
      // lease expires (a restarted process is another relay).
      if (!batch.empty()) {
        try {
          DeliverAndSettle(batch, /*claim_next=*/false);
        } catch (const std::exception& e) {
          spdlog::warn("outbox relay {}: last batch failed: {}", options_.relay_id, e.what());
        }
      }
      return;
    }
    // Something claimed means more is probably due: go again without waiting.
    if (!batch.empty()) continue;
    // A Notify while this worker was busy is taken here, so no commit's
    // events wait for the poll interval.
    wake_.wait_for(lock, options_.poll_interval, [&] { return stopping_ || notified_; });
    if (stopping_) return;
  }
}

int Relay::RunOnce() {
  std::vector<Envelope> batch = ClaimAlone();
  if (batch.empty()) return 0;
  DeliverAndSettle(batch, /*claim_next=*/false);
  return static_cast<int>(batch.size());
}

std::vector<Envelope> Relay::ClaimAlone() {
  // Mostly what a woken worker runs: one statement, so no BEGIN/COMMIT.
  return db_.WriteStatement([&](soci::session& sql) { return Claim(sql); });
}

std::vector<Envelope> Relay::Claim(soci::session& sql) {
  {
    // Every commit notified so far is visible to the claim below, so its
    // wake-up is spent here: a worker that comes back empty sleeps until a
    // newer commit, and an idle worker woken for rows this claim takes
    // finds nothing notified and sleeps on instead of claiming nothing.
    std::lock_guard lock(mutex_);
    notified_ = false;
  }
  const std::int64_t now = clock_.NowMs();
  return store::Claim(sql, db_.dialect(), options_.relay_id, now, now + options_.lease.count(), options_.batch_size);
}

std::vector<Envelope> Relay::DeliverAndSettle(const std::vector<Envelope>& batch, bool claim_next) {
  std::vector<Outcome> outcomes;
  outcomes.reserve(batch.size());
  for (const Envelope& e : batch) outcomes.push_back({&e, Deliver(e)});
  // Crash-safety tests die here: delivered, not yet marked done, so every
  // event of the batch is delivered again after the restart.
  if (platform::CrashPointsArmed()) {
    for (const Envelope& e : batch) platform::CrashPoint("events.after_delivery:" + e.type);
  }

  const std::int64_t done_at = clock_.NowMs();
  std::vector<const Outcome*> dead;
  std::vector<Envelope> next = db_.InTransaction([&](db::Tx& tx) {
    dead.clear();  // the transaction may be retried
    std::vector<std::string> delivered;
    for (const Outcome& o : outcomes) {
      const Envelope& e = *o.envelope;
      // A row whose lease expired belongs to another relay now and is left
      // alone: it will be delivered again, which subscribers tolerate.
      if (o.error.empty()) {
        delivered.push_back(e.id);
      } else if (e.attempts >= options_.max_attempts) {
        if (store::MoveToDeadLetters(tx, e.id, options_.relay_id, o.error, done_at)) dead.push_back(&o);
      } else {
        store::Reschedule(tx, e.id, options_.relay_id, o.error, NextAttemptAt(done_at, e.attempts));
      }
    }
    store::Complete(tx, options_.relay_id, delivered);
    // After the deletes, so an aggregate's next event is claimable already.
    return claim_next ? Claim(tx.sql()) : std::vector<Envelope>{};
  });
  for (const Outcome* o : dead) {
    spdlog::error("outbox relay {}: event {} ({}) dead-lettered after {} attempts: {}", options_.relay_id,
                  o->envelope->id, o->envelope->type, o->envelope->attempts, o->error);
  }
  return next;
}

std::string Relay::Deliver(const Envelope& envelope) const {
  std::string errors;
  for (const auto& subscription : bus_.SubscribersOf(envelope.type)) {
    std::string error;
    try {
      subscription->handler(envelope);
      continue;
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "non-standard exception";
    }
    if (error.empty()) error = "handler failed";
    // The other subscribers still get the event now; all are re-delivered on
    // retry, which their inboxes absorb.
    if (!errors.empty()) errors += "; ";
    errors += subscription->consumer + ": " + error;
  }
  if (errors.size() > kMaxErrorLength) errors.resize(kMaxErrorLength);
  return errors;
}

std::int64_t Relay::NextAttemptAt(std::int64_t now_ms, int attempts) const {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int exponent = std::clamp(attempts - 1, 0, 30);
  const std::int64_t base = options_.backoff_base.count();
  const std::int64_t max = options_.backoff_max.count();
  // base << exponent overflows long before 2^30 for large bases: cap first.
  const std::int64_t delay = base > (max >> exponent) ? max : std::min(max, base << exponent);
  std::uniform_real_distribution<double> jitter(0.5, 1.5);
  return now_ms + static_cast<std::int64_t>(static_cast<double>(delay) * jitter(rng));
}

}  // namespace shop::platform::events
