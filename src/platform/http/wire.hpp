#pragma once
/// HTTP/1.1 response framing: the status line and header block the server
/// writes in front of a Response body. Kept free of Beast so it is cheap to
/// build and to test. Thread-safe (the Date cache is per thread).

#include "platform/http/response.hpp"

#include <string>
#include <string_view>

namespace shop::platform::http {

struct WireFraming {
  /// Send "Connection: close"; the server closes after this response.
  bool close = false;
  /// Send "Connection: keep-alive" (an HTTP/1.0 client that asked for it).
  bool keep_alive_header = false;
};

/// Appends "HTTP/1.1 <status> <reason>\r\n", the response's headers, Date,
/// Content-Length (none for 1xx/204/304) and Connection, then "\r\n".
/// Content-Length, Transfer-Encoding, Connection and Date set by a handler
/// are replaced by the server's own. Returns false, leaving `out` in an
/// unspecified state, when the status is outside 200–599 or a header name
/// or value could split the message (CR, LF, NUL, non-token name).
bool AppendResponseHead(const Response& response, const WireFraming& framing, std::string& out);

/// "Not Found" for 404; "Unknown" for codes without a standard phrase.
std::string_view ReasonPhrase(int status);

/// The current time as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"),
/// formatted at most once per second per thread.
std::string_view HttpDateNow();

}  // namespace shop::platform::http
