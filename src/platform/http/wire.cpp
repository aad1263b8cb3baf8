#include "platform/http/wire.hpp"

#include <charconv>
#include <ctime>

namespace shop::platform::http {

namespace {

// Lookup tables: every header of every response is checked, so the checks
// are one load per byte.
struct CharTables {
  bool token[256] = {};
  bool value[256] = {};
  constexpr CharTables() {
    for (int c = 0; c < 256; ++c) {
      token[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      // Controls other than HTAB would let a handler-supplied value end the
      // header early (response splitting), so they are refused outright.
      value[c] = (c >= 0x20 && c != 0x7f) || c == '\t';
    }
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) token[static_cast<unsigned char>(c)] = true;
  }
};
constexpr CharTables kChars;

bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!kChars.token[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

bool IsValidValue(std::string_view value) {
  for (char c : value) {
    if (!kChars.value[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

bool IsServerOwned(std::string_view name) {
  // Cheap first-letter screen before the case-insensitive compares.
  switch (name.empty() ? '\0' : name.front()) {
    case 'C':
    case 'c':
      return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Connection");
    case 'T':
    case 't':
      return EqualsIgnoreCase(name, "Transfer-Encoding");
    case 'D':
    case 'd':
      return EqualsIgnoreCase(name, "Date");
    default:
      return false;
  }
}

void AppendNumber(std::string& out, std::size_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

}  // namespace

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string_view HttpDateNow() {
  struct Cache {
    std::time_t second = -1;
    char text[32] = {};
    std::size_t size = 0;
  };
  thread_local Cache cache;
  const std::time_t now = std::time(nullptr);
  if (now != cache.second) {
    std::tm parts{};
    gmtime_r(&now, &parts);
    cache.size = std::strftime(cache.text, sizeof cache.text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
    cache.second = now;
  }
  return {cache.text, cache.size};
}

bool AppendResponseHead(const Response& response, const WireFraming& framing, std::string& out) {
  const int status = response.status;
  if (status < 200 || status > 599) return false;
  out.append("HTTP/1.1 ");
  AppendNumber(out, static_cast<std::size_t>(status));
  out.push_back(' ');
  out.append(ReasonPhrase(status));
  out.append("\r\n");
  for (const auto& [name, value] : response.headers.All()) {
    if (!IsValidName(name) || !IsValidValue(value)) return false;
    if (IsServerOwned(name)) continue;
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append("Date: ").append(HttpDateNow()).append("\r\n");
  // RFC 9110 §8.6: no Content-Length on 204; on 304 it would have to be the
  // length of the unsent representation, so it is left out there too.
  if (status != 204 && status != 304) {
    out.append("Content-Length: ");
    AppendNumber(out, response.body.size());
    out.append("\r\n");
  }
  if (framing.close) {
    out.append("Connection: close\r\n");
  } else if (framing.keep_alive_header) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
  return true;
}

}  // namespace shop::platform::http
