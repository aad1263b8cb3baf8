// Many writers and relays at once: every event delivered exactly once and in
// sequence order per aggregate. PostgreSQL runs two relays on separate pools
// (two instances sharing the outbox); SQLite, which supports one relay per
// database, runs one against concurrent writers.

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "events_fixture.hpp"
#include "platform/events/outbox.hpp"
#include "platform/events/relay.hpp"

using namespace std::chrono_literals;
using shop::platform::SystemClock;
using shop::platform::db::Dialect;
using shop::platform::db::Tx;
using shop::platform::events::Bus;
using shop::platform::events::Envelope;
using shop::platform::events::Outbox;
using shop::platform::events::Relay;
using shop::platform::events::RelayOptions;
using shop::platform::events::testing::kOrderType;
using shop::testing::ForEachBackend;
using shop::testing::TestDatabase;

namespace {

// Checks what a handler sees, from any relay thread.
class DeliveryLedger {
 public:
  void Record(const Envelope& e) {
    std::lock_guard lock(mutex_);
    if (!ids_.insert(e.id).second) ++duplicates_;
    std::int64_t& last = last_seq_[e.aggregate_id];
    if (e.aggregate_seq != last + 1) ++out_of_order_;
    last = std::max(last, e.aggregate_seq);
  }
  std::size_t Delivered() {
    std::lock_guard lock(mutex_);
    return ids_.size();
  }
  int duplicates() {
    std::lock_guard lock(mutex_);
    return duplicates_;
  }
  int out_of_order() {
    std::lock_guard lock(mutex_);
    return out_of_order_;
  }

 private:
  std::mutex mutex_;
  std::set<std::string> ids_;
  std::map<std::string, std::int64_t> last_seq_;
  int duplicates_ = 0;
  int out_of_order_ = 0;
};

}  // namespace

TEST_CASE("concurrent writers and relays deliver every event once, in order per aggregate") {
  ForEachBackend([](TestDatabase& t) {
    const bool pg = t.dialect() == Dialect::kPostgres;
    const int kEvents = pg ? 10'000 : 2'000;
    const int kAggregates = 100;
    const int kWriters = 4;
    const int kPerTx = 10;
    const int kRelays = pg ? 2 : 1;

    SystemClock clock;
    shop::platform::RandomIdGenerator ids(clock);
    auto writer_db = t.Open(kWriters);
    shop::testing::ApplyMigrations(*writer_db, {"platform"});

    DeliveryLedger ledger;
    Bus bus;
    bus.Subscribe("ledger", std::string(kOrderType), [&](const Envelope& e) { ledger.Record(e); });

    std::vector<std::unique_ptr<shop::platform::db::Db>> relay_dbs;
    std::vector<std::unique_ptr<Relay>> relays;
    for (int i = 0; i < kRelays; ++i) {
      relay_dbs.push_back(t.Open(2));
      RelayOptions options;
      options.relay_id = "relay-" + std::to_string(i);
      options.poll_interval = 20ms;
      options.batch_size = 100;
      relays.push_back(std::make_unique<Relay>(*relay_dbs.back(), bus, clock, options));
    }
    Outbox outbox(clock, ids, [&] {
      for (auto& r : relays) r->Notify();
    });
    for (auto& r : relays) r->Start();

    std::atomic<int> write_failures{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        std::mt19937 rng(static_cast<unsigned>(w));
        std::uniform_int_distribution<int> aggregate(0, kAggregates - 1);
        for (int n = 0; n < kEvents / kWriters / kPerTx; ++n) {
          try {
            writer_db->InTransaction([&](Tx& tx) {
              for (int k = 0; k < kPerTx; ++k) {
                outbox.Append(tx, kOrderType, "order", "agg-" + std::to_string(aggregate(rng)),
                              boost::json::object{{"w", w}, {"n", n}});
              }
            });
          } catch (const std::exception& e) {
            ++write_failures;
            MESSAGE("writer failed: " << std::string(e.what()));
          }
        }
      });
    }
    for (auto& th : writers) th.join();

    auto deadline = std::chrono::steady_clock::now() + 40s;
    while (ledger.Delivered() < static_cast<std::size_t>(kEvents) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    for (auto& r : relays) r->Stop();

    CHECK(write_failures == 0);
    CHECK(ledger.Delivered() == static_cast<std::size_t>(kEvents));
    CHECK(ledger.duplicates() == 0);
    CHECK(ledger.out_of_order() == 0);
    long long left = writer_db->WithSession([](soci::session& s) {
      long long n = 0;
      s << "SELECT COUNT(*) FROM events_outbox", soci::into(n);
      return n;
    });
    CHECK(left == 0);
  });
}
