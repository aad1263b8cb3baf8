#include "platform/events/bus.hpp"

#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>

#include <stdexcept>

using shop::platform::events::Bus;
using shop::platform::events::Envelope;

namespace {

struct ThingHappened {
  static constexpr std::string_view kType = "things.thing_happened.v1";
  static constexpr std::string_view kAggregateType = "thing";
  std::string name;
  std::int64_t count = 0;
  boost::json::value ToJson() const { return {{"name", name}, {"count", count}}; }
  static ThingHappened FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    return {std::string(o.at("name").as_string()), o.at("count").as_int64()};
  }
};
static_assert(shop::platform::events::DecodableEvent<ThingHappened>);

}  // namespace

TEST_CASE("the bus lists subscribers per type in subscription order") {
  Bus bus;
  std::vector<std::string> calls;
  bus.Subscribe("a", "t.one.v1", [&](const Envelope&) { calls.push_back("a"); });
  bus.Subscribe("b", "t.one.v1", [&](const Envelope&) { calls.push_back("b"); });
  bus.Subscribe("a", "t.two.v1", [&](const Envelope&) { calls.push_back("a2"); });
  CHECK_THROWS_AS(bus.Subscribe("a", "t.one.v1", [](const Envelope&) {}), std::invalid_argument);

  auto subs = bus.SubscribersOf("t.one.v1");
  REQUIRE(subs.size() == 2);
  for (const auto& s : subs) s->handler(Envelope{});
  CHECK(calls == std::vector<std::string>{"a", "b"});
  CHECK(bus.SubscribersOf("t.none.v1").empty());
}

TEST_CASE("typed subscriptions decode the payload") {
  Bus bus;
  ThingHappened got;
  bus.On<ThingHappened>("c", [&](const ThingHappened& e, const Envelope&) { got = e; });
  Envelope envelope;
  envelope.type = std::string(ThingHappened::kType);
  envelope.payload = boost::json::serialize(ThingHappened{"x", 3}.ToJson());
  auto subs = bus.SubscribersOf(ThingHappened::kType);
  REQUIRE(subs.size() == 1);
  subs[0]->handler(envelope);
  CHECK(got.name == "x");
  CHECK(got.count == 3);
}
