#include "platform/events/relay.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "events_fixture.hpp"
#include "platform/events/inbox.hpp"
#include "platform/events/outbox_admin.hpp"
#include "platform/events/outbox_store.hpp"

using namespace std::chrono_literals;
using shop::platform::db::Tx;
using shop::platform::events::Envelope;
using shop::platform::events::Inbox;
using shop::platform::events::Outbox;
using shop::platform::events::OutboxAdmin;
using shop::platform::events::Relay;
using shop::platform::events::testing::EventsFixture;
using shop::platform::events::testing::kOrderType;
using shop::platform::events::testing::Recorder;
using shop::platform::events::testing::ScriptedIds;
using shop::testing::ForEachBackend;
using shop::testing::TestDatabase;

namespace {

constexpr std::string_view kPoisonType = "test.poison.v1";

std::vector<std::string> Labels(Recorder& r) {
  std::lock_guard lock(r.mutex);
  std::vector<std::string> out;
  for (const auto& e : r.seen) out.push_back(e.aggregate_id + "#" + std::to_string(e.aggregate_seq));
  return out;
}

}  // namespace

TEST_CASE("one event per aggregate is in flight, delivered in sequence order") {
  ForEachBackend([](TestDatabase& t) {
    EventsFixture f(t);
    Recorder seen;
    f.bus.Subscribe("recorder", std::string(kOrderType), [&](const Envelope& e) { seen.Add(e); });
    Relay relay(*f.db, f.bus, f.clock, f.Options());
    f.Append("a", 1);
    f.Append("a", 2);
    f.Append("b", 1);
    f.Append("a", 3);

    CHECK(relay.RunOnce() == 2);  // a#1 and b#1; a#2 waits for a#1
    CHECK(Labels(seen) == std::vector<std::string>{"a#1", "b#1"});
    CHECK(relay.RunOnce() == 1);
    CHECK(relay.RunOnce() == 1);
    CHECK(relay.RunOnce() == 0);
    CHECK(Labels(seen) == std::vector<std::string>{"a#1", "b#1", "a#2", "a#3"});
  });
}

TEST_CASE("a poison event backs off, is dead-lettered after max_attempts, and others keep flowing") {
  ForEachBackend([](TestDatabase& t) {
    EventsFixture f(t);
    Recorder good;
    std::atomic<int> poison_calls{0};
    f.bus.Subscribe("recorder", std::string(kOrderType), [&](const Envelope& e) { good.Add(e); });
    f.bus.Subscribe("mailer", std::string(kPoisonType), [&](const Envelope&) {
      ++poison_calls;
      throw std::runtime_error("template missing");
    });
    auto options = f.Options();  // max_attempts 3, backoff 1 s doubling, max 10 s
    Relay relay(*f.db, f.bus, f.clock, options);

    std::string poison = f.db->InTransaction(
        [&](Tx& tx) { return f.outbox.Append(tx, kPoisonType, "order", "p", boost::json::object{}); });
    f.Append("p", 2);  // same aggregate: must wait behind the poison event
    f.Append("q", 1);

    CHECK(relay.RunOnce() == 2);  // poison (fails) and q#1
    CHECK(poison_calls == 1);
    CHECK(Labels(good) == std::vector<std::string>{"q#1"});

    // Not due yet: the failed event backs off, and p#2 stays behind it.
    f.Append("q", 2);
    CHECK(relay.RunOnce() == 1);
    CHECK(poison_calls == 1);
    CHECK(Labels(good) == std::vector<std::string>{"q#1", "q#2"});
    auto [error, attempts] = f.db->WithSession([&](soci::session& s) {
      std::string last_error;
      int n = 0;
      s << "SELECT last_error, attempts FROM events_outbox WHERE id = :id", soci::use(poison),
          soci::into(last_error), soci::into(n);
      return std::pair{last_error, n};
    });
    CHECK(error == "mailer: template missing");
    CHECK(attempts == 1);

    // Backoff after attempt n is at most 1.5 · min(10 s, 1 s · 2^(n-1)).
    f.clock.Advance(1500ms);
    CHECK(relay.RunOnce() == 1);
    CHECK(poison_calls == 2);
    f.clock.Advance(3000ms);
    CHECK(relay.RunOnce() == 1);
    CHECK(poison_calls == 3);

    CHECK(f.Count("SELECT COUNT(*) FROM events_dead_letters") == 1);
    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox WHERE aggregate_id = 'p' AND aggregate_seq = 1") == 0);
    // With the poison event parked, the rest of its aggregate flows.
    CHECK(relay.RunOnce() == 1);
    CHECK(Labels(good) == std::vector<std::string>{"q#1", "q#2", "p#2"});
    CHECK(poison_calls == 3);

    OutboxAdmin admin(*f.db, f.clock);
    auto page = admin.ListDeadLetters(10);
    REQUIRE(page.items.size() == 1);
    CHECK(page.items[0].envelope.id == poison);
    CHECK(page.items[0].envelope.attempts == 3);
    CHECK(page.items[0].last_error == "mailer: template missing");
    CHECK(page.items[0].dead_at_ms == f.clock.NowMs());
    CHECK(page.next_cursor.empty());
  });
}

TEST_CASE("a redriven dead letter is delivered again") {
  ForEachBackend([](TestDatabase& t) {
    EventsFixture f(t);
    std::atomic<bool> fixed{false};
    Recorder delivered;
    f.bus.Subscribe("flaky", std::string(kOrderType), [&](const Envelope& e) {
      if (!fixed) throw std::runtime_error("downstream down");
      delivered.Add(e);
    });
    auto options = f.Options();
    options.max_attempts = 1;
    Relay relay(*f.db, f.bus, f.clock, options);
    int wakeups = 0;
    OutboxAdmin admin(*f.db, f.clock, [&] { ++wakeups; });

    std::string first = f.Append("a", 1);
    std::string second = f.Append("b", 1);
    CHECK(relay.RunOnce() == 2);
    CHECK(admin.Stats().dead_letters == 2);
    CHECK(admin.Stats().pending == 0);

    fixed = true;
    CHECK_FALSE(admin.Redrive("no-such-id"));
    CHECK(wakeups == 0);
    CHECK(admin.Redrive(first));
    CHECK(wakeups == 1);
    CHECK_FALSE(admin.Redrive(first));  // already back in the outbox
    CHECK(admin.Stats().pending == 1);
    CHECK(relay.RunOnce() == 1);
    CHECK(delivered.Ids() == std::vector<std::string>{first});
    // attempts restarted: the redriven delivery was attempt 1.
    CHECK(delivered.seen[0].attempts == 1);

    CHECK(admin.RedriveAll() == 1);
    CHECK(relay.RunOnce() == 1);
    CHECK(delivered.Ids() == std::vector<std::string>{first, second});
    auto stats = admin.Stats();
    CHECK(stats.pending == 0);
    CHECK(stats.dead_letters == 0);
  });
}

TEST_CASE("a claim whose relay died is delivered again once its lease expires") {
  ForEachBackend([](TestDatabase& t) {
    EventsFixture f(t);
    Recorder seen;
    f.bus.Subscribe("recorder", std::string(kOrderType), [&](const Envelope& e) { seen.Add(e); });
    std::string id = f.Append("a", 1);

    // Another relay claims the row and dies before delivering.
    auto options = f.Options();
    auto claimed = f.db->InTransaction([&](Tx& tx) {
      return shop::platform::events::store::Claim(tx.sql(), tx.dialect(), "relay-dead", f.clock.NowMs(),
                                                  f.clock.NowMs() + options.lease.count(), 10);
    });
    REQUIRE(claimed.size() == 1);

    Relay relay(*f.db, f.bus, f.clock, options);
    CHECK(relay.RunOnce() == 0);  // still leased
    f.clock.Advance(options.lease - 1ms);
    CHECK(relay.RunOnce() == 0);
    f.clock.Advance(1ms);
    CHECK(relay.RunOnce() == 1);
    REQUIRE(seen.Size() == 1);
    CHECK(seen.seen[0].id == id);
    CHECK(seen.seen[0].attempts == 2);
    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox") == 0);

    // The dead relay's late outcome changes nothing: its lease is gone.
    std::int64_t completed = f.db->InTransaction(
        [&](Tx& tx) { return shop::platform::events::store::Complete(tx, "relay-dead", {id}); });
    CHECK(completed == 0);
  });
}

TEST_CASE("a redelivered event is absorbed by the inbox") {
  ForEachBackend([](TestDatabase& t) {
    EventsFixture f(t);
    f.db->InTransaction([](Tx& tx) {
      tx.sql() << "CREATE TABLE test_effects (id TEXT PRIMARY KEY, n BIGINT NOT NULL)";
      tx.sql() << "INSERT INTO test_effects (id, n) VALUES ('mails', 0)";
    });
    // The transactional consumer succeeds every time; a second subscriber of
    // the same type fails once, so the event is delivered to both twice.
    f.bus.SubscribeTransactional(*f.db, "mailer", std::string(kOrderType), [](Tx& tx, const Envelope&) {
      tx.sql() << "UPDATE test_effects SET n = n + 1 WHERE id = 'mails'";
    });
    std::atomic<int> flaky_calls{0};
    f.bus.Subscribe("flaky", std::string(kOrderType), [&](const Envelope&) {
      if (++flaky_calls == 1) throw std::runtime_error("once");
    });
    Relay relay(*f.db, f.bus, f.clock, f.Options());
    std::string id = f.Append("a", 1);

    CHECK(relay.RunOnce() == 1);
    f.clock.Advance(20s);
    CHECK(relay.RunOnce() == 1);
    CHECK(flaky_calls == 2);
    CHECK(f.Count("SELECT n FROM test_effects WHERE id = 'mails'") == 1);
    CHECK(f.Count("SELECT COUNT(*) FROM events_inbox WHERE consumer = 'mailer'") == 1);
    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox") == 0);

    // The inbox itself: first record wins, a repeat reports false.
    f.db->InTransaction([&](Tx& tx) {
      CHECK(Inbox::TryRecord(tx, "other", id, 1));
      CHECK_FALSE(Inbox::TryRecord(tx, "other", id, 2));
      CHECK_FALSE(Inbox::TryRecord(tx, "mailer", id));
    });
    CHECK(Inbox::Prune(*f.db, 2) == 1);  // only "other" was recorded before 2 ms
  });
}

TEST_CASE("an event that commits after a later id is still delivered") {
  ForEachBackend([](TestDatabase& t) {
    EventsFixture f(t);
    Recorder seen;
    f.bus.Subscribe("recorder", std::string(kOrderType), [&](const Envelope& e) { seen.Add(e); });
    Relay relay(*f.db, f.bus, f.clock, f.Options());
    ScriptedIds ids({"0001-early", "0002-late"});
    Outbox outbox(f.clock, ids);

    if (t.dialect() == shop::platform::db::Dialect::kPostgres) {
      // The earlier event's transaction stays open while the later one commits
      // and is delivered. Different aggregates: the same one would make the
      // second writer wait on the sequence lock.
      std::mutex m;
      std::condition_variable cv;
      bool appended = false, release = false;
      std::thread early([&] {
        f.db->InTransaction([&](Tx& tx) {
          outbox.Append(tx, kOrderType, "order", "x", boost::json::object{});
          std::unique_lock lock(m);
          appended = true;
          cv.notify_all();
          cv.wait(lock, [&] { return release; });
        });
      });
      {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return appended; });
      }
      f.db->InTransaction(
          [&](Tx& tx) { outbox.Append(tx, kOrderType, "order", "y", boost::json::object{}); });
      CHECK(relay.RunOnce() == 1);
      {
        std::lock_guard lock(m);
        release = true;
      }
      cv.notify_all();
      early.join();
    } else {
      // SQLite writers serialise, so the open transaction cannot overlap; the
      // ids still commit out of order, which is what a cursor would miss.
      ScriptedIds reversed({"0002-late", "0001-early"});
      Outbox writer(f.clock, reversed);
      f.db->InTransaction(
          [&](Tx& tx) { writer.Append(tx, kOrderType, "order", "y", boost::json::object{}); });
      CHECK(relay.RunOnce() == 1);
      f.db->InTransaction(
          [&](Tx& tx) { writer.Append(tx, kOrderType, "order", "x", boost::json::object{}); });
    }
    CHECK(relay.RunOnce() == 1);
    CHECK(seen.Ids() == std::vector<std::string>{"0002-late", "0001-early"});
  });
}

TEST_CASE("the relay thread delivers when notified and stops after its batch") {
  ForEachBackend([](TestDatabase& t) {
    EventsFixture f(t);
    Recorder seen;
    f.bus.Subscribe("recorder", std::string(kOrderType), [&](const Envelope& e) { seen.Add(e); });
    auto options = f.Options();
    options.poll_interval = 10s;  // only Notify can make it fast
    Relay relay(*f.db, f.bus, f.clock, options);
    Outbox outbox(f.clock, f.ids, [&] { relay.Notify(); });
    relay.Start();
    relay.Start();  // idempotent
    auto started = std::chrono::steady_clock::now();
    f.db->InTransaction([&](Tx& tx) {
      outbox.Append(tx, kOrderType, "order", "a", boost::json::object{});
      outbox.Append(tx, kOrderType, "order", "b", boost::json::object{});
    });
    while (seen.Size() < 2 && std::chrono::steady_clock::now() - started < 5s) {
      std::this_thread::sleep_for(2ms);
    }
    CHECK(seen.Size() == 2);
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    relay.Stop();
    relay.Stop();
    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox") == 0);
  });
}
