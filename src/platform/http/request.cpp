#include "platform/http/request.hpp"

#include <array>

namespace shop::platform::http {

namespace {

constexpr std::array<std::pair<std::string_view, Method>, 7> kMethods{{
    {"GET", Method::kGet},
    {"HEAD", Method::kHead},
    {"POST", Method::kPost},
    {"PUT", Method::kPut},
    {"PATCH", Method::kPatch},
    {"DELETE", Method::kDelete},
    {"OPTIONS", Method::kOptions},
}};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls `fn(name, value)` for every "name=value" of a Cookie header value.
template <class Fn>
bool ForEachCookie(std::string_view header, Fn&& fn) {
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view pair = TrimSpaces(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = TrimSpaces(pair.substr(0, eq));
    std::string_view value = TrimSpaces(pair.substr(eq + 1));
    // RFC 6265 allows the value to be wrapped in double quotes.
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (fn(name, value)) return true;
  }
  return false;
}

}  // namespace

Method ParseMethod(std::string_view name) {
  for (const auto& [text, method] : kMethods) {
    if (text == name) return method;
  }
  return Method::kOther;
}

std::string_view MethodName(Method method) {
  for (const auto& [text, m] : kMethods) {
    if (m == method) return text;
  }
  return "OTHER";
}

std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string PercentEncode(std::string_view in, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (c != 0 && keep.find(static_cast<char>(c)) != std::string_view::npos)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseUrlEncoded(std::string_view in) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!in.empty()) {
    const auto end = in.find('&');
    std::string_view pair = in.substr(0, end);
    in = end == std::string_view::npos ? std::string_view{} : in.substr(end + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!name || !value || name->empty()) continue;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::string_view Request::PathParam(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

std::optional<std::string> Request::Query(std::string_view name) const {
  std::string_view rest = query_string;
  while (!rest.empty()) {
    const auto end = rest.find('&');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    const auto eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    if (!key || *key != name) continue;
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    // A malformed value is treated like an absent one, consistent with QueryParams().
    if (value) return value;
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> Request::QueryParams() const {
  return ParseUrlEncoded(query_string);
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  std::optional<std::string> found;
  for (const auto& [key, value] : headers.All()) {
    if (!EqualsIgnoreCase(key, "Cookie")) continue;
    if (ForEachCookie(value, [&](std::string_view n, std::string_view v) {
          if (n != name) return false;
          found.emplace(v);
          return true;
        })) {
      break;
    }
  }
  return found;
}

std::vector<std::pair<std::string, std::string>> Request::FormFields() const {
  const auto type = headers.Get("Content-Type");
  if (!type) return {};
  std::string_view media = TrimSpaces(type->substr(0, type->find(';')));
  if (!EqualsIgnoreCase(media, "application/x-www-form-urlencoded")) return {};
  return ParseUrlEncoded(body);
}

}  // namespace shop::platform::http
