#pragma once
/// Expected outcomes as values (DESIGN §2): a module returns Result<T>, never
/// throws for "not found", "out of stock", "declined" or bad input. Exceptions
/// are reserved for bugs and infrastructure failures.

#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace shop {

/// The small, closed set of error kinds. One table (platform/http/problem.cpp)
/// maps each to an HTTP status and a problem type; add a kind there too.
enum class ErrorCode {
  kInvalidInput,        ///< 400: the request is malformed or a field is invalid.
  kUnauthenticated,     ///< 401: no or bad credentials.
  kForbidden,           ///< 403: authenticated but not allowed.
  kNotFound,            ///< 404: missing, or not the caller's to see.
  kConflict,            ///< 409: state conflict (duplicate, concurrent duplicate).
  kOutOfStock,          ///< 409: a reservation could not be satisfied.
  kPreconditionFailed,  ///< 412: If-Match did not match.
  kPayloadTooLarge,     ///< 413
  kUnprocessable,       ///< 422: well-formed but semantically refused.
  kTooManyRequests,     ///< 429
  kUnavailable,         ///< 503: a dependency is down or the server is draining.
  kInternal,            ///< 500: a bug; never carries internals to the client.
};

/// One invalid field: JSON-pointer-ish name and a human message.
struct FieldError {
  std::string field;
  std::string message;
};

/// An expected failure. `detail` is safe to show to the client.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string detail;
  std::vector<FieldError> fields;

  static Error InvalidInput(std::string detail, std::vector<FieldError> fields = {}) {
    return {ErrorCode::kInvalidInput, std::move(detail), std::move(fields)};
  }
  static Error NotFound(std::string detail) { return {ErrorCode::kNotFound, std::move(detail), {}}; }
  static Error Conflict(std::string detail) { return {ErrorCode::kConflict, std::move(detail), {}}; }
  static Error Unprocessable(std::string detail) {
    return {ErrorCode::kUnprocessable, std::move(detail), {}};
  }
  static Error Unavailable(std::string detail) {
    return {ErrorCode::kUnavailable, std::move(detail), {}};
  }
  static Error Internal(std::string detail) { return {ErrorCode::kInternal, std::move(detail), {}}; }
};

/// Stable lower-kebab name of a code ("not-found"), used in problem types and logs.
std::string_view ErrorCodeName(ErrorCode code);

/// Thrown by Result<T>::value() on an error — a bug at the call site, since
/// callers are expected to test the result first.
class ErrorException : public std::runtime_error {
 public:
  explicit ErrorException(Error error);
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

/// Found by ADL from boost::system::result<T, Error>::value().
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace shop
