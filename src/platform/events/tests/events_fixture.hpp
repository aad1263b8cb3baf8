#pragma once
// Shared setup for the events tests: a migrated database, a manual clock,
// an outbox and a bus, plus small readers of the events tables.

#include <boost/json.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "platform/clock/clock.hpp"
#include "platform/db/db.hpp"
#include "platform/events/bus.hpp"
#include "platform/events/outbox.hpp"
#include "platform/events/relay.hpp"
#include "platform/ids/ids.hpp"
#include "support/test_database.hpp"

namespace shop::platform::events::testing {

inline constexpr std::string_view kOrderType = "test.order_placed.v1";

struct EventsFixture {
  explicit EventsFixture(shop::testing::TestDatabase& t, std::size_t pool_size = 4)
      : db(t.Open(pool_size)), ids(clock), outbox(clock, ids) {
    shop::testing::ApplyMigrations(*db, {"platform"});
  }

  /// Commits one event of kOrderType for `aggregate` with payload {"n": n}.
  std::string Append(const std::string& aggregate, int n) {
    return db->InTransaction([&](db::Tx& tx) {
      return outbox.Append(tx, kOrderType, "order", aggregate, boost::json::object{{"n", n}});
    });
  }

  long long Count(const std::string& sql) {
    return db->WithSession([&](soci::session& s) {
      long long n = 0;
      s << sql, soci::into(n);
      return n;
    });
  }

  RelayOptions Options() const {
    RelayOptions o;
    o.relay_id = "relay-test";
    o.batch_size = 50;
    o.max_attempts = 3;
    o.backoff_base = std::chrono::milliseconds(1000);
    o.backoff_max = std::chrono::milliseconds(10'000);
    o.lease = std::chrono::milliseconds(30'000);
    return o;
  }

  std::unique_ptr<db::Db> db;
  ManualClock clock;
  RandomIdGenerator ids;
  Outbox outbox;
  Bus bus;
};

/// Thread-safe record of what a handler saw.
struct Recorder {
  void Add(const Envelope& e) {
    std::lock_guard lock(mutex);
    seen.push_back(e);
  }
  std::vector<std::string> Ids() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& e : seen) out.push_back(e.id);
    return out;
  }
  std::size_t Size() {
    std::lock_guard lock(mutex);
    return seen.size();
  }
  std::mutex mutex;
  std::vector<Envelope> seen;
};

/// Hands out the ids it was given, in order: lets a test make an event with a
/// smaller id commit after one with a larger id.
class ScriptedIds final : public IdGenerator {
 public:
  explicit ScriptedIds(std::deque<std::string> ids) : ids_(std::move(ids)) {}
  std::string NewId() override {
    std::lock_guard lock(mutex_);
    std::string id = ids_.front();
    ids_.pop_front();
    return id;
  }
  std::string NewToken(std::size_t) override { return "token"; }

 private:
  std::mutex mutex_;
  std::deque<std::string> ids_;
};

}  // namespace shop::platform::events::testing
