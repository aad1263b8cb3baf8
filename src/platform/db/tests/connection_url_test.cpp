#include "platform/db/connection_url.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using shop::platform::db::Dialect;
using shop::platform::db::ParseConnectionUrl;
using shop::platform::db::RedactUrl;

TEST_CASE("SQLite URLs: sqlite:<path>, sqlite://<path> and a plain path") {
  auto a = ParseConnectionUrl("sqlite:/var/lib/shopd/shop.db");
  CHECK(a.dialect == Dialect::kSqlite);
  CHECK(a.connect_string == "/var/lib/shopd/shop.db");
  CHECK(ParseConnectionUrl("sqlite:///data/shop.db").connect_string == "/data/shop.db");
  CHECK(ParseConnectionUrl("data/shop.db").connect_string == "data/shop.db");
  CHECK(ParseConnectionUrl("sqlite::memory:").in_memory);
  CHECK_THROWS_AS(ParseConnectionUrl(""), std::invalid_argument);
  CHECK_THROWS_AS(ParseConnectionUrl("sqlite:"), std::invalid_argument);
  CHECK_THROWS_AS(ParseConnectionUrl("sqlite:/tmp/a=b.db"), std::invalid_argument);
}

TEST_CASE("PostgreSQL URIs become libpq keyword strings") {
  auto t = ParseConnectionUrl("postgresql://shop:s3cr'et@db.internal:6543/shopd?sslmode=disable");
  CHECK(t.dialect == Dialect::kPostgres);
  CHECK(t.connect_string.find("host='db.internal'") != std::string::npos);
  CHECK(t.connect_string.find("port='6543'") != std::string::npos);
  CHECK(t.connect_string.find("dbname='shopd'") != std::string::npos);
  CHECK(t.connect_string.find("password='s3cr\\'et'") != std::string::npos);
  CHECK(t.connect_string.find("sslmode='disable'") != std::string::npos);
  CHECK(ParseConnectionUrl("postgres://localhost/shop").dialect == Dialect::kPostgres);
  CHECK_THROWS_AS(ParseConnectionUrl("postgresql://host/db?no_such_option=1"), std::invalid_argument);
}

TEST_CASE("RedactUrl hides passwords") {
  CHECK(RedactUrl("postgresql://shop:hunter2@db/shop") == "postgresql://shop:***@db/shop");
  CHECK(RedactUrl("postgresql://shop@db/shop?password=hunter2&x=1") ==
        "postgresql://shop@db/shop?password=***&x=1");
  CHECK(RedactUrl("postgresql://db/shop") == "postgresql://db/shop");
  CHECK(RedactUrl("sqlite:/tmp/x.db") == "sqlite:/tmp/x.db");
}
