#include "platform/kv/redis_url.hpp"

#include "platform/kv/kv.hpp"

#include <charconv>

namespace shop::platform::kv {
namespace {

constexpr std::string_view kScheme = "redis://";

[[noreturn]] void Fail(const std::string& what) { throw KvError("invalid redis url: " + what); }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s, const char* part) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) Fail(std::string("bad %-escape in ") + part);
    const int hi = HexDigit(s[i + 1]);
    const int lo = HexDigit(s[i + 2]);
    if (hi < 0 || lo < 0) Fail(std::string("bad %-escape in ") + part);
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

int ParseNumber(std::string_view s, int lo, int hi, const char* what) {
  int n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n < lo || n > hi) {
    Fail(std::string("bad ") + what + " '" + std::string(s) + "'");
  }
  return n;
}

}  // namespace

std::string RedisEndpoint::Describe() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

RedisEndpoint ParseRedisUrl(std::string_view url) {
  if (url.starts_with("rediss://")) Fail("rediss:// (TLS) is not supported");
  if (!url.starts_with(kScheme)) Fail("must start with redis://");
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) Fail("query strings are not supported");

  RedisEndpoint ep;
  // The password may itself contain '@' only percent-encoded, so the last
  // '@' before the path separates credentials from the host.
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);

  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      // "redis://secret@host" is a common way to give just a password.
      ep.password = PercentDecode(userinfo, "password");
    } else {
      ep.username = PercentDecode(userinfo.substr(0, colon), "username");
      ep.password = PercentDecode(userinfo.substr(colon + 1), "password");
    }
  }

  std::string_view port_text;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) Fail("unclosed '[' in host");
    ep.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') Fail("unexpected text after ']'");
      port_text = after.substr(1);
      if (port_text.empty()) Fail("empty port");
    }
  } else {
    const auto colon = authority.find(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) Fail("empty port");
    }
  }
  if (ep.host.empty()) Fail("missing host");
  if (!port_text.empty()) ep.port = ParseNumber(port_text, 1, 65535, "port");
  if (!path.empty()) ep.db = ParseNumber(path, 0, 1'000'000, "database number");
  return ep;
}

}  // namespace shop::platform::kv
