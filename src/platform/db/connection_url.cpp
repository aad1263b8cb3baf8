#include "platform/db/connection_url.hpp"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

namespace shop::platform::db {
namespace {

constexpr std::string_view kPostgresSchemes[] = {"postgresql://", "postgres://"};
constexpr std::string_view kSqliteLongPrefix = "sqlite://";
constexpr std::string_view kSqlitePrefix = "sqlite:";

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool IsPostgresUrl(std::string_view url) {
  for (std::string_view scheme : kPostgresSchemes) {
    if (StartsWith(url, scheme)) return true;
  }
  return false;
}

// libpq keyword/value syntax: single-quoted, backslash escapes ' and \.
std::string QuoteConninfoValue(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

// SOCI 4.0's PostgreSQL backend mangles URIs it is handed, so the URI is
// expanded here by libpq itself into the keyword/value form.
std::string PostgresUriToKeywords(std::string_view url) {
  char* error = nullptr;
  std::string owned(url);
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(owned.c_str(), &error),
                                                                       &PQconninfoFree);
  if (!options) {
    std::string message = "invalid PostgreSQL URL " + RedactUrl(url);
    if (error != nullptr) {
      message += ": ";
      message += error;
      PQfreemem(error);
    }
    throw std::invalid_argument(message);
  }
  std::string out;
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    if (!out.empty()) out += ' ';
    out += o->keyword;
    out += '=';
    out += QuoteConninfoValue(o->val);
  }
  return out;
}

}  // namespace

ConnectionTarget ParseConnectionUrl(std::string_view url) {
  if (url.empty()) throw std::invalid_argument("database URL is empty");
  ConnectionTarget target;
  if (IsPostgresUrl(url)) {
    target.dialect = Dialect::kPostgres;
    target.connect_string = PostgresUriToKeywords(url);
    return target;
  }
  std::string_view path = url;
  if (StartsWith(path, kSqliteLongPrefix)) {
    path.remove_prefix(kSqliteLongPrefix.size());
  } else if (StartsWith(path, kSqlitePrefix)) {
    path.remove_prefix(kSqlitePrefix.size());
  }
  if (path.empty()) throw std::invalid_argument("SQLite database URL has no path: " + std::string(url));
  // SOCI's SQLite backend reads "key=value" pairs from the connection string.
  if (path.find('=') != std::string_view::npos) {
    throw std::invalid_argument("SQLite database path must not contain '=': " + std::string(path));
  }
  target.dialect = Dialect::kSqlite;
  target.connect_string = std::string(path);
  target.in_memory = path == ":memory:";
  return target;
}

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  // A password may also travel as a query parameter.
  for (std::size_t at = out.find("password="); at != std::string::npos; at = out.find("password=", at + 1)) {
    std::size_t value = at + std::string_view("password=").size();
    std::size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  std::size_t scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  std::size_t authority_start = scheme + 3;
  std::size_t at = out.find('@', authority_start);
  std::size_t slash = out.find('/', authority_start);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return out;
  std::size_t colon = out.find(':', authority_start);
  if (colon == std::string::npos || colon > at) return out;
  out.replace(colon + 1, at - colon - 1, "***");
  return out;
}

}  // namespace shop::platform::db
