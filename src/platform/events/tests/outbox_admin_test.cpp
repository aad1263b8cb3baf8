#include "platform/events/outbox_admin.hpp"

#include <doctest/doctest.h>

#include "events_fixture.hpp"
#include "platform/events/relay.hpp"

using namespace std::chrono_literals;
using shop::platform::events::Envelope;
using shop::platform::events::OutboxAdmin;
using shop::platform::events::Relay;
using shop::platform::events::testing::EventsFixture;
using shop::platform::events::testing::kOrderType;
using shop::testing::ForEachBackend;
using shop::testing::TestDatabase;

TEST_CASE("outbox stats report the backlog, its age and the dead letters") {
  ForEachBackend([](TestDatabase& t) {
    EventsFixture f(t);
    OutboxAdmin admin(*f.db, f.clock);
    auto empty = admin.Stats();
    CHECK(empty.pending == 0);
    CHECK(empty.oldest_pending_age_ms == 0);
    CHECK(empty.dead_letters == 0);

    f.Append("a", 1);
    f.clock.Advance(2s);
    f.Append("b", 1);
    f.clock.Advance(500ms);
    auto stats = admin.Stats();
    CHECK(stats.pending == 2);
    CHECK(stats.oldest_pending_age_ms == 2500);
    CHECK(stats.dead_letters == 0);
  });
}

TEST_CASE("dead letters are listed page by page") {
  ForEachBackend([](TestDatabase& t) {
    EventsFixture f(t);
    f.bus.Subscribe("broken", std::string(kOrderType),
                    [](const Envelope&) { throw std::runtime_error("no"); });
    auto options = f.Options();
    options.max_attempts = 1;
    Relay relay(*f.db, f.bus, f.clock, options);
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(f.Append("agg-" + std::to_string(i), i));
    CHECK(relay.RunOnce() == 5);

    OutboxAdmin admin(*f.db, f.clock);
    CHECK(admin.Stats().dead_letters == 5);
    std::vector<std::string> listed;
    std::string cursor;
    int pages = 0;
    do {
      auto page = admin.ListDeadLetters(2, cursor);
      for (const auto& d : page.items) listed.push_back(d.envelope.id);
      cursor = page.next_cursor;
      ++pages;
    } while (!cursor.empty() && pages < 10);
    CHECK(listed == ids);
    CHECK(pages == 3);
  });
}
