#include "platform/events/outbox.hpp"

#include <doctest/doctest.h>

#include "events_fixture.hpp"
#include "platform/core/error.hpp"
#include "platform/events/relay.hpp"

using shop::platform::db::Tx;
using shop::platform::events::Envelope;
using shop::platform::events::Outbox;
using shop::platform::events::Relay;
using shop::platform::events::testing::EventsFixture;
using shop::platform::events::testing::kOrderType;
using shop::platform::events::testing::Recorder;
using shop::testing::ForEachBackend;
using shop::testing::TestDatabase;

namespace {

struct OrderShipped {
  static constexpr std::string_view kType = "test.order_shipped.v1";
  static constexpr std::string_view kAggregateType = "order";
  std::string carrier;
  boost::json::value ToJson() const { return {{"carrier", carrier}}; }
};

}  // namespace

TEST_CASE("an event whose transaction rolls back is never delivered") {
  ForEachBackend([](TestDatabase& t) {
    EventsFixture f(t);
    Recorder seen;
    f.bus.Subscribe("recorder", std::string(kOrderType), [&](const Envelope& e) { seen.Add(e); });
    Relay relay(*f.db, f.bus, f.clock, f.Options());

    CHECK_THROWS(f.db->InTransaction([&](Tx& tx) {
      f.outbox.Append(tx, kOrderType, "order", "o-1", boost::json::object{{"n", 1}});
      throw std::runtime_error("payment refused");
    }));
    shop::Result<int> refused = f.db->InTransaction([&](Tx& tx) -> shop::Result<int> {
      f.outbox.Append(tx, kOrderType, "order", "o-1", boost::json::object{{"n", 2}});
      return shop::Error::Conflict("out of stock");
    });
    CHECK(refused.has_error());
    std::string committed = f.Append("o-1", 3);

    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox") == 1);
    CHECK(relay.RunOnce() == 1);
    CHECK(relay.RunOnce() == 0);
    REQUIRE(seen.Size() == 1);
    const Envelope& e = seen.seen[0];
    CHECK(e.id == committed);
    CHECK(e.payload == R"({"n":3})");
    // The rolled-back appends did not consume sequence numbers either.
    CHECK(e.aggregate_seq == 1);
    CHECK(e.attempts == 1);
    CHECK(e.occurred_at_ms == f.clock.NowMs());
    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox") == 0);
  });
}

TEST_CASE("sequences count per aggregate and typed events carry their names") {
  ForEachBackend([](TestDatabase& t) {
    EventsFixture f(t);
    int wakeups = 0;
    Outbox outbox(f.clock, f.ids, [&] { ++wakeups; });
    f.db->InTransaction([&](Tx& tx) {
      outbox.Append(tx, kOrderType, "order", "a", boost::json::object{});
      outbox.Publish(tx, "a", OrderShipped{"dhl"}, "4bf92f3577b34da6a3ce929d0e0e4736");
      outbox.Append(tx, kOrderType, "order", "b", boost::json::object{});
      // Same id, other aggregate type: its own sequence.
      outbox.Append(tx, kOrderType, "cart", "a", boost::json::object{});
    });
    CHECK(wakeups >= 1);
    int before = wakeups;
    CHECK_THROWS(f.db->InTransaction([&](Tx& tx) {
      outbox.Append(tx, kOrderType, "order", "a", boost::json::object{});
      throw std::runtime_error("x");
    }));
    CHECK(wakeups == before);

    auto rows = f.db->WithSession([](soci::session& s) {
      std::vector<std::string> out;
      std::string type, agg_type, agg_id, trace, payload;
      std::int64_t seq = 0;
      soci::statement st =
          (s.prepare << "SELECT type, aggregate_type, aggregate_id, aggregate_seq, trace_id, payload"
                        " FROM events_outbox ORDER BY id",
           soci::into(type), soci::into(agg_type), soci::into(agg_id), soci::into(seq), soci::into(trace),
           soci::into(payload));
      st.execute();
      while (st.fetch()) {
        out.push_back(type + " " + agg_type + "/" + agg_id + "#" + std::to_string(seq) + " " + trace + " " +
                      payload);
      }
      return out;
    });
    CHECK(rows == std::vector<std::string>{
                      "test.order_placed.v1 order/a#1  {}",
                      "test.order_shipped.v1 order/a#2 4bf92f3577b34da6a3ce929d0e0e4736 "
                      "{\"carrier\":\"dhl\"}",
                      "test.order_placed.v1 order/b#1  {}",
                      "test.order_placed.v1 cart/a#1  {}",
                  });
  });
}
