#include "app/routes.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <memory>
#include <sstream>

namespace shop::app {

namespace http = platform::http;

namespace {

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

void RegisterOperationsRoutes(http::Router& router, const RouteDeps& deps) {
  // Liveness says only "the process answers": no dependency is touched, so
  // a database outage never gets a healthy instance restarted.
  static const std::string kLive = R"({"status":"ok"})";
  router.Get(
      "/livez",
      [](http::Request&) {
        http::Response res;
        res.headers.Set("Content-Type", "application/json");
        res.headers.Set("Cache-Control", "no-store");
        res.body = kLive;
        return res;
      },
      {.blocking = false});

  router.Get("/readyz", [&deps](http::Request&) {
    boost::json::object checks;
    bool ready = true;
    auto check = [&](const char* name, bool ok) {
      checks[name] = ok ? "ok" : "failing";
      ready = ready && ok;
    };
    check("draining", !deps.draining.load());
    check("schema", deps.schema_current);
    bool db_ok = false;
    try {
      db_ok = deps.db.Ping();
    } catch (const std::exception&) {
    }
    check("database", db_ok);
    bool kv_ok = false;
    try {
      kv_ok = deps.kv.Ping();
    } catch (const std::exception&) {
    }
    check("kv", kv_ok);
    if (!ready) {
      Error error = Error::Unavailable("not ready");
      for (const auto& [name, value] : checks) {
        if (value.as_string() != "ok") error.fields.push_back({std::string(name), "failing"});
      }
      auto res = http::Response::Problem(error, "/readyz");
      res.headers.Set("Cache-Control", "no-store");
      return res;
    }
    auto res = http::Response::Json(200, boost::json::object{{"status", "ready"}, {"checks", checks}});
    res.headers.Set("Cache-Control", "no-store");
    return res;
  });

  router.Get("/metrics", [&deps](http::Request&) {
    auto res = http::Response::Text(200, deps.metrics.Render());
    res.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    res.headers.Set("Cache-Control", "no-store");
    return res;
  });

  // Read once at start: the document ships with the binary's web directory.
  auto document = std::make_shared<const std::string>(ReadWholeFile(deps.web_dir / "api" / "openapi.json"));
  router.Get(
      "/api/openapi.json",
      [document](http::Request& req) {
        if (document->empty()) {
          return http::Response::Problem(Error::NotFound("no OpenAPI document installed"), req.path);
        }
        http::Response res;
        res.headers.Set("Content-Type", "application/json");
        res.headers.Set("Cache-Control", "public, max-age=300");
        res.body = *document;
        return res;
      },
      {.blocking = false});
}

void RegisterOutboxMetrics(platform::metrics::Registry& metrics, platform::events::OutboxAdmin& admin) {
  metrics.AddCollector([&admin](std::string& out) {
    auto stats = admin.Stats();
    out += "# HELP outbox_pending_events Events written but not yet delivered to every subscriber.\n"
           "# TYPE outbox_pending_events gauge\n";
    platform::metrics::AppendSample(out, "outbox_pending_events", {}, {}, static_cast<double>(stats.pending));
    out += "# HELP outbox_oldest_pending_age_seconds Age of the oldest undelivered event.\n"
           "# TYPE outbox_oldest_pending_age_seconds gauge\n";
    platform::metrics::AppendSample(out, "outbox_oldest_pending_age_seconds", {}, {},
                                    static_cast<double>(stats.oldest_pending_age_ms) / 1000.0);
    out += "# HELP outbox_dead_letters Events that exhausted their delivery attempts.\n"
           "# TYPE outbox_dead_letters gauge\n";
    platform::metrics::AppendSample(out, "outbox_dead_letters", {}, {}, static_cast<double>(stats.dead_letters));
  });
}

}  // namespace shop::app
