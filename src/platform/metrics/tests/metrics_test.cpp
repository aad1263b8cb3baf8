#include "platform/metrics/metrics.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace shop::platform::metrics;

TEST_CASE("counters render with labels and escaped values") {
  Registry registry;
  auto& family = registry.AddCounter("http_requests_total", "Requests.", {"route", "status"});
  family.With({"/a", "200"}).Inc();
  family.With({"/a", "200"}).Inc(2);
  family.With({"/b\"x", "404"}).Inc();
  std::string text = registry.Render();
  CHECK(text.find("# TYPE http_requests_total counter") != std::string::npos);
  CHECK(text.find("http_requests_total{route=\"/a\",status=\"200\"} 3\n") != std::string::npos);
  CHECK(text.find("http_requests_total{route=\"/b\\\"x\",status=\"404\"} 1\n") != std::string::npos);
}

TEST_CASE("histogram buckets are cumulative and count matches") {
  Registry registry;
  auto& h = registry.AddHistogram("d_seconds", "D.", {"route"}, {0.1, 1});
  auto& child = h.With({"/x"});
  child.Observe(0.05);
  child.Observe(0.5);
  child.Observe(5);
  std::string text = registry.Render();
  CHECK(text.find("d_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n") != std::string::npos);
  CHECK(text.find("d_seconds_bucket{route=\"/x\",le=\"1\"} 2\n") != std::string::npos);
  CHECK(text.find("d_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("d_seconds_count{route=\"/x\"} 3\n") != std::string::npos);
}

TEST_CASE("concurrent increments are not lost") {
  Registry registry;
  auto& c = registry.AddCounter("c_total", "C.").With({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.Inc();
    });
  }
  for (auto& t : threads) t.join();
  CHECK(c.Value() == 40000);
}

TEST_CASE("a name registered twice is a wiring bug") {
  Registry registry;
  registry.AddCounter("x_total", "X.");
  CHECK_THROWS_AS(registry.AddGauge("x_total", "X."), std::invalid_argument);
}

TEST_CASE("a failing collector does not break the scrape") {
  Registry registry;
  registry.AddCollector([](std::string&) { throw std::runtime_error("db down"); });
  registry.AddCollector([](std::string& out) { AppendSample(out, "ok", {}, {}, 1); });
  std::string text = registry.Render();
  CHECK(text.find("# collector failed: db down") != std::string::npos);
  CHECK(text.find("ok 1\n") != std::string::npos);
}

TEST_CASE("process metrics are present and plausible") {
  std::string out;
  AppendProcessMetrics(out);
  CHECK(out.find("process_resident_memory_bytes ") != std::string::npos);
  CHECK(out.find("process_open_fds ") != std::string::npos);
  CHECK(out.find("process_start_time_seconds ") != std::string::npos);
}
