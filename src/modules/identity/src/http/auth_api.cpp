// POST /api/v1/auth/{register,login,logout,password-reset,password-reset/confirm,verify-email}.
#include "http/env.hpp"
#include "http/flows.hpp"
#include "http/password_input.hpp"
#include "http/views.hpp"

namespace shop::identity {

namespace http = platform::http;
namespace json = boost::json;

namespace {

http::Response Fail(const http::Request& request, const FlowOutcome& outcome) {
  if (outcome.retry_after_s > 0) return TooManyRequests(outcome.retry_after_s, request.path);
  return http::Response::Problem(outcome.error, request.path);
}

// Browser-style clients that use the cookie on the API send this token back
// in X-CSRF-Token (or rely on the Origin / Sec-Fetch-Site rule).
void ExposeCsrf(http::Response& response, const NewSession& session) {
  response.headers.Set("X-CSRF-Token", session.csrf);
}

}  // namespace

void RegisterAuthApi(http::Router& router, const HttpEnv& env) {
  // A "role" field is accepted and ignored: every new account is a customer,
  // and only an admin can change roles (PUT /api/v1/admin/customers/{id}/role).
  router.Post("/api/v1/auth/register", [&env](http::Request& request) {
    auto input = JsonInput::Parse(request);
    if (!input) return http::Response::Problem(input.error(), request.path);
    auto email = input->String("email", true);
    auto password = input->String("password", true);
    auto name = input->String("name", false);
    input->Ignore("role");
    CheckPasswordSize(*input, "password", password);
    if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);

    FlowOutcome outcome = SignUp(env, request, *email, *password, name.value_or(""));
    if (!outcome.user) return Fail(request, outcome);
    auto response = http::Response::Json(201, UserJson(*outcome.user));
    ExposeCsrf(response, StartSession(env, request, *outcome.user, response));
    return response;
  });

  router.Post("/api/v1/auth/login", [&env](http::Request& request) {
    auto input = JsonInput::Parse(request);
    if (!input) return http::Response::Problem(input.error(), request.path);
    auto email = input->String("email", true);
    auto password = input->String("password", true);
    auto want_token = input->Bool("token", false);
    CheckPasswordSize(*input, "password", password);
    if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);

    FlowOutcome outcome = SignIn(env, request, *email, *password);
    if (!outcome.user) return Fail(request, outcome);
    if (want_token.value_or(false)) {
      json::object body{{"token", env.sessions.IssueToken(*outcome.user)},
                        {"token_type", "Bearer"},
                        {"expires_in", std::chrono::seconds(kApiTokenTtl).count()},
                        {"user", UserJson(*outcome.user)}};
      return http::Response::Json(200, body);
    }
    auto response = http::Response::Json(200, UserJson(*outcome.user));
    ExposeCsrf(response, StartSession(env, request, *outcome.user, response));
    return response;
  });

  router.Post("/api/v1/auth/logout", [&env](http::Request& request) {
    auto response = http::Response::NoContent();
    EndSession(env, request, response);
    return response;
  });

  router.Post("/api/v1/auth/password-reset", [&env](http::Request& request) {
    auto input = JsonInput::Parse(request);
    if (!input) return http::Response::Problem(input.error(), request.path);
    auto email = input->String("email", true);
    if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);
    FlowOutcome outcome = RequestReset(env, request, *email);
    if (outcome.retry_after_s > 0 || outcome.error.code == ErrorCode::kInvalidInput) {
      return Fail(request, outcome);
    }
    // Accepted whether or not an account exists: no enumeration.
    return http::Response::Json(202, json::object{{"status", "accepted"}});
  });

  router.Post("/api/v1/auth/password-reset/confirm", [&env](http::Request& request) {
    auto input = JsonInput::Parse(request);
    if (!input) return http::Response::Problem(input.error(), request.path);
    auto token = input->String("token", true);
    auto password = input->String("new_password", true);
    CheckPasswordSize(*input, "new_password", password);
    if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);
    Result<User> user = env.service.ResetPassword(*token, *password);
    if (!user) return http::Response::Problem(user.error(), request.path);
    // Whoever knew the old password is signed out everywhere: the reset
    // bumped the account's credential epoch.
    return http::Response::NoContent();
  });

  router.Post("/api/v1/auth/verify-email", [&env](http::Request& request) {
    auto input = JsonInput::Parse(request);
    if (!input) return http::Response::Problem(input.error(), request.path);
    auto token = input->String("token", true);
    if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);
    Result<User> user = env.service.VerifyEmail(*token);
    if (!user) return http::Response::Problem(user.error(), request.path);
    return http::Response::Json(200, UserJson(*user));
  });
}

}  // namespace shop::identity
