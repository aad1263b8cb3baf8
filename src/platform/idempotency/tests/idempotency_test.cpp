// Idempotency-Key claims on real SQLite and PostgreSQL: replay, mismatch,
// concurrent duplicates, abandoned and stale claims, retention.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "platform/clock/clock.hpp"
#include "platform/idempotency/idempotency.hpp"
#include "support/test_database.hpp"

using namespace shop::platform;
using namespace shop::platform::idempotency;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kRetention{24 * 3600 * 1000};
constexpr milliseconds kLockTimeout{30'000};

http::Request Post(std::string path, std::string body, std::string key) {
  http::Request request;
  request.method = http::Method::kPost;
  request.path = std::move(path);
  request.body = std::move(body);
  if (!key.empty()) request.headers.Set("Idempotency-Key", std::move(key));
  return request;
}

std::int64_t Rows(db::Db& db) {
  return db.WithSession([](soci::session& sql) {
    std::int64_t n = 0;
    sql << "SELECT COUNT(*) FROM platform_idempotency_keys", soci::into(n);
    return n;
  });
}

}  // namespace

TEST_CASE("a key claims once, replays its first response and refuses another request") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    auto db = database.Open();
    shop::testing::ApplyMigrations(*db, {"platform"});
    ManualClock clock;
    IdempotencyStore store(*db, clock, kRetention, kLockTimeout);

    int runs = 0;
    auto handler = [&] {
      ++runs;
      auto response = http::Response::Json(201, {{"order", runs}});
      response.headers.Set("Location", "/api/v1/orders/" + std::to_string(runs));
      return response;
    };
    auto first = WithIdempotencyKey(store, Post("/api/v1/checkout", R"({"a":1})", "k-1"), "checkout:guest", true, handler);
    CHECK(first.status == 201);
    auto replay = WithIdempotencyKey(store, Post("/api/v1/checkout", R"({"a":1})", "k-1"), "checkout:guest", true, handler);
    CHECK(runs == 1);
    CHECK(replay.status == 201);
    CHECK(replay.body == first.body);
    CHECK(replay.headers.Get("Location").value_or("") == "/api/v1/orders/1");
    CHECK(replay.headers.Get("Idempotent-Replayed").value_or("") == "true");

    auto other_body = WithIdempotencyKey(store, Post("/api/v1/checkout", R"({"a":2})", "k-1"), "checkout:guest", true, handler);
    CHECK(other_body.status == 422);
    CHECK(other_body.headers.Get("Content-Type").value_or("") == "application/problem+json");
    auto other_path = WithIdempotencyKey(store, Post("/api/v1/other", R"({"a":1})", "k-1"), "checkout:guest", true, handler);
    CHECK(other_path.status == 422);
    CHECK(runs == 1);

    // Another scope (another caller) does not see this key.
    auto other_scope = WithIdempotencyKey(store, Post("/api/v1/checkout", R"({"a":1})", "k-1"), "checkout:user-2", true, handler);
    CHECK(other_scope.status == 201);
    CHECK(runs == 2);
  });
}

TEST_CASE("missing or malformed keys are refused before the handler runs") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    auto db = database.Open();
    shop::testing::ApplyMigrations(*db, {"platform"});
    ManualClock clock;
    IdempotencyStore store(*db, clock, kRetention, kLockTimeout);
    int runs = 0;
    auto handler = [&] { ++runs; return http::Response::Json(200, {{"ok", true}}); };

    CHECK(WithIdempotencyKey(store, Post("/x", "{}", ""), "s", true, handler).status == 400);
    CHECK(WithIdempotencyKey(store, Post("/x", "{}", std::string(256, 'k')), "s", true, handler).status == 400);
    CHECK(WithIdempotencyKey(store, Post("/x", "{}", "has space"), "s", true, handler).status == 400);
    CHECK(runs == 0);
    CHECK(Rows(*db) == 0);
    // Optional: without a header the handler simply runs, and nothing is stored.
    CHECK(WithIdempotencyKey(store, Post("/x", "{}", ""), "s", false, handler).status == 200);
    CHECK(runs == 1);
    CHECK(Rows(*db) == 0);
    CHECK(IsValidKey(std::string(255, 'k')));
  });
}

TEST_CASE("a 5xx or an exception drops the claim so the client can retry") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    auto db = database.Open();
    shop::testing::ApplyMigrations(*db, {"platform"});
    ManualClock clock;
    IdempotencyStore store(*db, clock, kRetention, kLockTimeout);
    auto failing = [] { return http::Response::Json(503, {{"down", true}}); };
    CHECK(WithIdempotencyKey(store, Post("/x", "{}", "k"), "s", true, failing).status == 503);
    CHECK(Rows(*db) == 0);
    auto throwing = []() -> http::Response { throw std::runtime_error("boom"); };
    CHECK_THROWS(WithIdempotencyKey(store, Post("/x", "{}", "k"), "s", true, throwing));
    CHECK(Rows(*db) == 0);
    auto ok = [] { return http::Response::Json(200, {{"ok", true}}); };
    CHECK(WithIdempotencyKey(store, Post("/x", "{}", "k"), "s", true, ok).status == 200);
    CHECK(Rows(*db) == 1);
  });
}

TEST_CASE("a response stored in the handler's own transaction commits with it or not at all") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    auto db = database.Open();
    shop::testing::ApplyMigrations(*db, {"platform"});
    db->InTransaction([](db::Tx& tx) { tx.sql() << "CREATE TABLE platform_test_effects (n INTEGER)"; });
    ManualClock clock;
    IdempotencyStore store(*db, clock, kRetention, kLockTimeout);
    auto effects = [&] {
      return db->WithSession([](soci::session& sql) {
        std::int64_t n = 0;
        sql << "SELECT COUNT(*) FROM platform_test_effects", soci::into(n);
        return n;
      });
    };
    int runs = 0;
    // The effect and the response in one transaction; the handler then throws
    // anyway: the committed response is kept and replayed, not abandoned.
    auto in_tx = [&](Completion& completion) -> http::Response {
      ++runs;
      auto response = http::Response::Json(201, {{"order", "o-1"}});
      db->InTransaction([&](db::Tx& tx) {
        tx.sql() << "INSERT INTO platform_test_effects (n) VALUES (1)";
        completion.InTransaction(tx, response);
      });
      if (runs == 1) throw std::runtime_error("after the commit");
      return response;
    };
    CHECK_THROWS(WithIdempotencyKey(store, Post("/x", "{}", "k-1"), "s", true, in_tx));
    auto replay = WithIdempotencyKey(store, Post("/x", "{}", "k-1"), "s", true, in_tx);
    CHECK(runs == 1);
    CHECK(replay.status == 201);
    CHECK(replay.headers.Get("Idempotent-Replayed").value_or("") == "true");
    CHECK(replay.body == http::Response::Json(201, {{"order", "o-1"}}).body);
    CHECK(effects() == 1);

    // Stored, then the transaction rolled back (the handler's own error):
    // nothing was stored, and the 5xx frees the key for a retry.
    auto rolled_back = [&](Completion& completion) -> http::Response {
      db->InTransaction([&](db::Tx& tx) -> shop::Result<void> {
        tx.sql() << "INSERT INTO platform_test_effects (n) VALUES (2)";
        completion.InTransaction(tx, http::Response::Json(201, {{"order", "o-2"}}));
        return shop::Error::Unavailable("the provider did not answer");
      });
      return http::Response::Json(503, {{"down", true}});
    };
    CHECK(WithIdempotencyKey(store, Post("/x", "{}", "k-2"), "s", true, rolled_back).status == 503);
    CHECK(effects() == 1);
    auto retried = WithIdempotencyKey(store, Post("/x", "{}", "k-2"), "s", true,
                                      [](Completion&) { return http::Response::Json(200, {{"ok", true}}); });
    CHECK(retried.status == 200);
    CHECK_FALSE(retried.headers.Get("Idempotent-Replayed").has_value());
  });
}

TEST_CASE("a claim in progress answers 409, a stale one is taken over, old entries expire") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    auto db = database.Open();
    shop::testing::ApplyMigrations(*db, {"platform"});
    ManualClock clock;
    IdempotencyStore store(*db, clock, kRetention, kLockTimeout);

    CHECK(store.Begin("s", "k", "h1").kind == ClaimKind::kFresh);
    CHECK(store.Begin("s", "k", "h1").kind == ClaimKind::kInProgress);
    CHECK(store.Begin("s", "k", "h2").kind == ClaimKind::kMismatch);
    auto handler = [] { return http::Response::Json(200, {}); };
    CHECK(WithIdempotencyKey(store, Post("/x", "{}", "k"), "s", true, handler).status != 200);

    // The owner crashed: after the lock timeout the key can be claimed again.
    clock.Advance(kLockTimeout + milliseconds(1));
    CHECK(store.Begin("s", "k", "h1").kind == ClaimKind::kFresh);
    store.Complete("s", "k", StoredResponse{200, "application/json", "", "{}"});
    CHECK(store.Begin("s", "k", "h1").kind == ClaimKind::kReplay);

    // Past the retention the stored response is forgotten.
    clock.Advance(kRetention + milliseconds(1));
    CHECK(store.Prune() == 1);
    CHECK(Rows(*db) == 0);
    CHECK(store.Begin("s", "k", "h3").kind == ClaimKind::kFresh);
  });
}

TEST_CASE("concurrent duplicates: exactly one runs, the others get 409 or the replay") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    auto db = database.Open(8);
    shop::testing::ApplyMigrations(*db, {"platform"});
    SystemClock clock;
    IdempotencyStore store(*db, clock, kRetention, kLockTimeout);
    std::atomic<int> runs{0}, created{0}, conflicts{0}, replays{0}, other{0};
    auto handler = [&] {
      runs++;
      std::this_thread::sleep_for(milliseconds(50));
      return http::Response::Json(201, {{"id", "order-1"}});
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i) {
      threads.emplace_back([&] {
        try {
          auto r = WithIdempotencyKey(store, Post("/api/v1/checkout", "{}", "same"), "checkout:guest", true, handler);
          if (r.headers.Has("Idempotent-Replayed")) replays++;
          else if (r.status == 201) created++;
          else if (r.status == 409) conflicts++;
          else other++;
        } catch (...) {
          other++;
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(runs == 1);
    CHECK(created == 1);
    CHECK(conflicts + replays == 15);
    CHECK(other == 0);
  });
}
