#include "platform/config/config.hpp"

#include <doctest/doctest.h>

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace cfg = shop::platform::config;
namespace fs = std::filesystem;

namespace {

// A scratch directory per test case, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("shopd-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& content) const {
    const fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
  }
  std::string Path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

cfg::Config LoadToml(const std::string& toml, const cfg::Environment& env = {}) {
  TempDir dir;
  return cfg::Load(dir.Write("shop.toml", toml), env);
}

// The ConfigError that loading throws; fails the test if none is thrown.
cfg::ConfigError ErrorOf(const std::string& toml, const cfg::Environment& env = {}) {
  try {
    LoadToml(toml, env);
  } catch (const cfg::ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError for:\n" << toml);
  return cfg::ConfigError("", "");
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("defaults come from the struct when there is no file and no environment") {
  const cfg::Config c = cfg::Load(std::nullopt, {});
  const cfg::Config expected;
  CHECK(c.profile == expected.profile);
  CHECK(c.data_dir == expected.data_dir);
  CHECK(c.http.port == expected.http.port);
  CHECK(c.http.body_limit_bytes == expected.http.body_limit_bytes);
  CHECK(c.database.url.empty());
  CHECK(c.redis.url.empty());
  CHECK(c.log.level == "info");
  CHECK(c.events.max_attempts == expected.events.max_attempts);
}

TEST_CASE("a file sets nested and top-level keys") {
  const cfg::Config c = LoadToml(R"(
profile = "prod"
data_dir = "/var/lib/shopd"
log.level = "debug"

[shop]
name = "Corner Shop"
currency = "GBP"
base_url = "https://shop.example.com"

[http]
host = "0.0.0.0"
port = 9090
io_threads = 2
tls_in_front = true

[database]
url = "postgresql://shop:secret@db:5432/shop"
pool_size = 16

[redis]
url = "redis://:pw@cache:6379/2"
)");
  CHECK(c.profile == "prod");
  CHECK(c.data_dir == "/var/lib/shopd");
  CHECK(c.log.level == "debug");
  CHECK(c.shop.name == "Corner Shop");
  CHECK(c.shop.currency == "GBP");
  CHECK(c.http.host == "0.0.0.0");
  CHECK(c.http.port == 9090);
  CHECK(c.http.io_threads == 2);
  CHECK(c.http.tls_in_front);
  CHECK(c.database.url == "postgresql://shop:secret@db:5432/shop");
  CHECK(c.database.pool_size == 16);
  CHECK(c.redis.url == "redis://:pw@cache:6379/2");
  CHECK(c.http.blocking_threads == cfg::HttpConfig{}.blocking_threads);  // untouched keys keep defaults
}

TEST_CASE("an unknown top-level key is rejected by name") {
  const auto e = ErrorOf("profile = \"dev\"\ncolour = \"blue\"\n");
  CHECK(e.key() == "colour");
  CHECK(Contains(e.what(), "colour: unknown key"));
  CHECK(Contains(e.what(), "shop.toml:2:1"));
}

TEST_CASE("an unknown nested key is rejected by its full dotted name, with a suggestion") {
  const auto e = ErrorOf("[http]\nprot = 8080\n");
  CHECK(e.key() == "http.prot");
  CHECK(Contains(e.what(), "http.prot: unknown key"));
  CHECK(Contains(e.what(), "did you mean 'http.port'?"));

  CHECK(ErrorOf("[database]\n[database.extra]\nx = 1\n").key() == "database.extra");
  CHECK(ErrorOf("\"http.port\" = 1\n").key() == "http.port");  // a quoted key is not nesting
}

TEST_CASE("an unknown table is rejected by name") {
  const auto e = ErrorOf("[htp]\nport = 1\n");
  CHECK(e.key() == "htp");
  CHECK(Contains(e.what(), "unknown table"));
  CHECK(Contains(e.what(), "did you mean 'http'?"));
}

TEST_CASE("a wrong type names the key and the expected type") {
  auto e = ErrorOf("[http]\nport = \"8080\"\n");
  CHECK(e.key() == "http.port");
  CHECK(Contains(e.what(), "expected an integer, got a string"));
  CHECK(Contains(e.what(), "shop.toml:2:"));

  e = ErrorOf("[http]\nport = 80.5\n");
  CHECK(Contains(e.what(), "expected an integer, got a float"));

  e = ErrorOf("[http]\ntls_in_front = \"yes\"\n");
  CHECK(e.key() == "http.tls_in_front");
  CHECK(Contains(e.what(), "expected a boolean"));

  e = ErrorOf("data_dir = 5\n");
  CHECK(e.key() == "data_dir");
  CHECK(Contains(e.what(), "expected a string, got an integer"));

  e = ErrorOf("http = 5\n");
  CHECK(e.key() == "http");
  CHECK(Contains(e.what(), "expected a table"));

  e = ErrorOf("[shop]\nname = [\"a\"]\n");
  CHECK(Contains(e.what(), "expected a string, got an array"));
}

TEST_CASE("environment variables override the file") {
  const std::string toml = "data_dir = \"/from/file\"\n[http]\nport = 9000\n";
  const cfg::Config c = LoadToml(toml, {
                                           {"SHOPD_HTTP_PORT", "9191"},
                                           {"SHOPD_DATA_DIR", "/from/env"},
                                           {"SHOPD_DATABASE_URL", "postgres://u@h/db"},
                                           {"SHOPD_REDIS_URL", "redis://127.0.0.1:6380/1"},
                                           {"SHOPD_HTTP_TLS_IN_FRONT", "1"},
                                           {"SHOPD_LOG_ACCESS", "FALSE"},
                                       });
  CHECK(c.http.port == 9191);
  CHECK(c.data_dir == "/from/env");
  CHECK(c.database.url == "postgres://u@h/db");
  CHECK(c.redis.url == "redis://127.0.0.1:6380/1");
  CHECK(c.http.tls_in_front);
  CHECK_FALSE(c.log.access);

  const cfg::Config no_file = cfg::Load(std::nullopt, {{"SHOPD_HTTP_PORT", "0"}});
  CHECK(no_file.http.port == 0);
}

TEST_CASE("an environment value of the wrong type names the key and the variable") {
  auto e = ErrorOf("", {{"SHOPD_HTTP_PORT", "abc"}});
  CHECK(e.key() == "http.port");
  CHECK(Contains(e.what(), "SHOPD_HTTP_PORT=\"abc\" is not an integer"));
  CHECK(ErrorOf("", {{"SHOPD_HTTP_PORT", ""}}).key() == "http.port");
  CHECK(ErrorOf("", {{"SHOPD_HTTP_PORT", "80 "}}).key() == "http.port");
  e = ErrorOf("", {{"SHOPD_LOG_ACCESS", "yes"}});
  CHECK(e.key() == "log.access");
  CHECK(Contains(e.what(), "SHOPD_LOG_ACCESS"));
}

TEST_CASE("unrelated SHOPD_ variables are ignored") {
  const cfg::Config c =
      cfg::Load(std::nullopt, {{"SHOPD_CONFIG", "/etc/shopd.toml"}, {"SHOPD_TEST_REDIS_URL", "redis://x"}});
  CHECK(c.http.port == 8080);
}

TEST_CASE("*_FILE reads a secret from a file") {
  TempDir dir;
  const std::string secret = dir.Write("db_url", "postgresql://shop:s3cret@db/shop\n");
  const std::string port = dir.Write("port", "7070\r\n");
  const cfg::Config c =
      cfg::Load(std::nullopt, {{"SHOPD_DATABASE_URL_FILE", secret}, {"SHOPD_HTTP_PORT_FILE", port}});
  CHECK(c.database.url == "postgresql://shop:s3cret@db/shop");
  CHECK(c.http.port == 7070);

  auto e = ErrorOf("", {{"SHOPD_REDIS_URL_FILE", dir.Path("missing")}});
  CHECK(e.key() == "redis.url");
  CHECK(Contains(e.what(), "cannot read SHOPD_REDIS_URL_FILE"));

  e = ErrorOf("", {{"SHOPD_DATABASE_URL_FILE", secret}, {"SHOPD_DATABASE_URL", "x.db"}});
  CHECK(e.key() == "database.url");
  CHECK(Contains(e.what(), "both"));

  e = ErrorOf("", {{"SHOPD_HTTP_PORT_FILE", dir.Write("bad", "eighty")}});
  CHECK(e.key() == "http.port");
  CHECK(Contains(e.what(), "SHOPD_HTTP_PORT_FILE"));
}

TEST_CASE("a *_FILE variable for an unknown key is an error") {
  TempDir dir;
  const auto e = ErrorOf("", {{"SHOPD_DATABSE_URL_FILE", dir.Write("x", "y")}});
  CHECK(e.key() == "SHOPD_DATABSE_URL_FILE");
  CHECK(Contains(e.what(), "does not match any configuration key"));
}

TEST_CASE("ports outside 0..65535 are refused") {
  auto e = ErrorOf("[http]\nport = 70000\n");
  CHECK(e.key() == "http.port");
  CHECK(Contains(e.what(), "between 0 and 65535"));
  CHECK(Contains(e.what(), "shop.toml:2:"));
  CHECK(ErrorOf("[http]\nport = -1\n").key() == "http.port");
  e = ErrorOf("", {{"SHOPD_HTTP_PORT", "65536"}});
  CHECK(Contains(e.what(), "from SHOPD_HTTP_PORT"));
  CHECK(LoadToml("[http]\nport = 65535\n").http.port == 65535);
  CHECK(LoadToml("[http]\nport = 0\n").http.port == 0);
}

TEST_CASE("counts must be positive and fit their field") {
  CHECK(ErrorOf("[database]\npool_size = 0\n").key() == "database.pool_size");
  CHECK(ErrorOf("[http]\nbody_limit_bytes = -5\n").key() == "http.body_limit_bytes");
  const auto e = ErrorOf("[http]\nio_threads = 3000000000\n");
  CHECK(e.key() == "http.io_threads");
  CHECK(Contains(e.what(), "2147483647"));
  CHECK(ErrorOf("[web]\nstatic_max_age_s = -1\n").key() == "web.static_max_age_s");
  CHECK(LoadToml("[web]\nstatic_max_age_s = 0\n").web.static_max_age_s == 0);
}

TEST_CASE("enumerations accept only their values") {
  auto e = ErrorOf("profile = \"staging\"\n");
  CHECK(e.key() == "profile");
  CHECK(Contains(e.what(), "must be one of dev, prod; got 'staging'"));
  CHECK(ErrorOf("[log]\nlevel = \"verbose\"\n").key() == "log.level");
  CHECK(ErrorOf("[log]\nformat = \"xml\"\n").key() == "log.format");
  CHECK(ErrorOf("", {{"SHOPD_LOG_LEVEL", "INFO"}}).key() == "log.level");
  CHECK(LoadToml("[log]\nlevel = \"trace\"\nformat = \"text\"\n").log.format == "text");
}

TEST_CASE("currency, URLs and database URLs are checked") {
  CHECK(ErrorOf("[shop]\ncurrency = \"eur\"\n").key() == "shop.currency");
  CHECK(ErrorOf("[shop]\ncurrency = \"EURO\"\n").key() == "shop.currency");
  CHECK(ErrorOf("[shop]\nbase_url = \"ftp://x\"\n").key() == "shop.base_url");
  CHECK(ErrorOf("[shop]\nbase_url = \"https://\"\n").key() == "shop.base_url");
  CHECK(ErrorOf("[shop]\nbase_url = \"https://shop.example/\"\n").key() == "shop.base_url");
  CHECK(LoadToml("[shop]\nbase_url = \"https://shop.example/store\"\n").shop.base_url ==
        "https://shop.example/store");

  auto e = ErrorOf("[database]\nurl = \"mysql://u@h/db\"\n");
  CHECK(e.key() == "database.url");
  CHECK(Contains(e.what(), "unsupported scheme 'mysql'"));
  CHECK(ErrorOf("[database]\nurl = \"sqlite:\"\n").key() == "database.url");
  CHECK(ErrorOf("[database]\nurl = \"postgresql:dbname\"\n").key() == "database.url");
  for (const char* ok :
       {"", "sqlite:/data/shop.db", "sqlite:shop.db", "./data/shop.db", "/var/lib/shop.db",
        "postgres://u:p@h:5432/db", "postgresql://u@h/db?sslmode=require", "/tmp/odd:name.db"}) {
    CAPTURE(ok);
    CHECK(cfg::Load(std::nullopt, {{"SHOPD_DATABASE_URL", ok}}).database.url == ok);
  }

  CHECK(ErrorOf("[redis]\nurl = \"http://cache:6379\"\n").key() == "redis.url");
  CHECK(ErrorOf("[redis]\nurl = \"redis://\"\n").key() == "redis.url");
}

TEST_CASE("rules across keys") {
  CHECK(ErrorOf("[events]\nbackoff_base_ms = 5000\nbackoff_max_ms = 1000\n").key() ==
        "events.backoff_base_ms");
  const auto e = ErrorOf("profile = \"prod\"\n[debug]\nroutes = true\n");
  CHECK(e.key() == "debug.routes");
  CHECK(LoadToml("profile = \"dev\"\n[debug]\nroutes = true\n").debug.routes);
}

TEST_CASE("a syntax error reports file, line and column") {
  const auto e = ErrorOf("profile = \"dev\"\n[http]\nport = = 3\n");
  CHECK(e.key().empty());
  CHECK(Contains(e.what(), "shop.toml:3:"));

  const auto dup = ErrorOf("[http]\nport = 1\nport = 2\n");
  CHECK(Contains(dup.what(), "shop.toml:3:"));
}

TEST_CASE("a missing config file is an error") {
  try {
    cfg::Load("/nonexistent/shopd.toml", {});
    FAIL("expected a ConfigError");
  } catch (const cfg::ConfigError& e) {
    CHECK(e.key().empty());
    CHECK(Contains(e.what(), "cannot read config file '/nonexistent/shopd.toml'"));
  }
}

TEST_CASE("a directory is neither a config file nor a secret file") {
  TempDir dir;
  CHECK_THROWS_AS(cfg::Load(dir.Path(""), {}), cfg::ConfigError);
  const auto e = ErrorOf("", {{"SHOPD_DATABASE_URL_FILE", dir.Path("")}});
  CHECK(e.key() == "database.url");
  CHECK(Contains(e.what(), "is a directory"));
}

TEST_CASE("ProcessEnvironment returns only SHOPD_ variables") {
  ::setenv("SHOPD_CONFIG_TEST_MARKER", "x=y", 1);
  ::setenv("NOT_SHOPD_MARKER", "1", 1);
  const cfg::Environment env = cfg::ProcessEnvironment();
  CHECK(env.at("SHOPD_CONFIG_TEST_MARKER") == "x=y");
  CHECK(env.count("NOT_SHOPD_MARKER") == 0);
  for (const auto& [name, value] : env) CHECK(name.rfind("SHOPD_", 0) == 0);
  ::unsetenv("SHOPD_CONFIG_TEST_MARKER");
  ::unsetenv("NOT_SHOPD_MARKER");
}

TEST_CASE("the repository's config/dev.toml and config/prod.toml load") {
  for (const char* name : {"dev.toml", "prod.toml"}) {
    const fs::path path = fs::path(SHOPD_SOURCE_DIR) / "config" / name;
    CAPTURE(path.string());
    if (!fs::exists(path)) {
      MESSAGE("skipped: " << path.string() << " does not exist yet");
      continue;
    }
    try {
      const cfg::Config c = cfg::Load(path.string(), {});
      CHECK((c.profile == "dev" || c.profile == "prod"));
    } catch (const cfg::ConfigError& e) {
      FAIL_CHECK(path.string() << ": " << e.what());
    }
  }
}
