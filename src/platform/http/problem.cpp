// The one error→HTTP mapping (DESIGN §2) and the RFC 9457 problem body.
#include "platform/http/response.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace shop::platform::http {

namespace {

struct ProblemKind {
  int status;
  std::string_view title;
};

ProblemKind KindFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
      return {400, "Invalid input"};
    case ErrorCode::kUnauthenticated:
      return {401, "Authentication required"};
    case ErrorCode::kForbidden:
      return {403, "Forbidden"};
    case ErrorCode::kNotFound:
      return {404, "Not found"};
    case ErrorCode::kConflict:
      return {409, "Conflict"};
    case ErrorCode::kOutOfStock:
      return {409, "Out of stock"};
    case ErrorCode::kPreconditionFailed:
      return {412, "Precondition failed"};
    case ErrorCode::kPayloadTooLarge:
      return {413, "Payload too large"};
    case ErrorCode::kUnprocessable:
      return {422, "Unprocessable request"};
    case ErrorCode::kTooManyRequests:
      return {429, "Too many requests"};
    case ErrorCode::kUnavailable:
      return {503, "Service unavailable"};
    case ErrorCode::kInternal:
      return {500, "Internal error"};
  }
  return {500, "Internal error"};
}

}  // namespace

int StatusFor(ErrorCode code) { return KindFor(code).status; }

namespace {

Response MakeProblem(int status, std::string_view type_name, std::string_view title, std::string_view detail,
                     std::string_view instance, const std::vector<FieldError>& fields) {
  boost::json::object body;
  body["type"] = std::string("/problems/").append(type_name);
  body["title"] = title;
  body["status"] = status;
  if (!detail.empty()) body["detail"] = detail;
  if (!instance.empty()) body["instance"] = instance;
  if (!fields.empty()) {
    boost::json::array errors;
    errors.reserve(fields.size());
    for (const FieldError& field : fields) {
      errors.push_back(boost::json::object{{"field", field.field}, {"message", field.message}});
    }
    body["errors"] = std::move(errors);
  }

  Response response;
  response.status = status;
  response.headers.Add("Content-Type", "application/problem+json");
  response.body = boost::json::serialize(body);
  return response;
}

}  // namespace

Response Response::Problem(const Error& error, std::string_view instance) {
  const ProblemKind kind = KindFor(error.code);
  return MakeProblem(kind.status, ErrorCodeName(error.code), kind.title, error.detail, instance,
                     error.fields);
}

Response Response::ProtocolProblem(int status, std::string_view type_name, std::string_view title,
                                   std::string_view detail, std::string_view instance) {
  return MakeProblem(status, type_name, title, detail, instance, {});
}

}  // namespace shop::platform::http
