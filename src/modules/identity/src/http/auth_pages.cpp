// Sign-in, sign-up, sign-out, forgotten and reset passwords, e-mail verification.
#include "http/flows.hpp"
#include "http/pages.hpp"
#include "shop/identity/access.hpp"

namespace shop::identity {

namespace http = platform::http;
namespace json = boost::json;

namespace {

http::Response Throttled(const HttpEnv& env, const http::Request& request, std::string_view page,
                         json::object data, std::int64_t retry_after_s) {
  const std::int64_t minutes = (retry_after_s + 59) / 60;
  data["error"] = "Too many attempts. Please try again in " + std::to_string(minutes) +
                  (minutes == 1 ? " minute." : " minutes.");
  auto response = RenderPage(env, 429, page, data);
  response.headers.Set("Retry-After", std::to_string(retry_after_s));
  return response;
}

}  // namespace

void RegisterAuthPages(http::Router& router, const HttpEnv& env) {
  router.Get("/signin", [&env](http::Request& request) {
    const std::string next = SafeNext(request.Query("next").value_or(""), "/account");
    if (CurrentPrincipal(request)) return http::Response::Redirect(next);
    json::object data = PageData(env, request, "Sign in");
    data["next"] = next;
    if (request.Query("reset")) data["notice"] = "Your password was changed. Please sign in.";
    return RenderPage(env, 200, "identity/signin", data);
  });

  router.Post("/signin", [&env](http::Request& request) {
    Form form(request);
    const std::string next = SafeNext(form.Get("next"), "/account");
    const std::string email = form.Get("email");
    json::object data = PageData(env, request, "Sign in");
    data["next"] = next;
    data["email"] = email;
    FlowOutcome outcome = SignIn(env, request, email, form.Get("password"));
    if (outcome.retry_after_s > 0) return Throttled(env, request, "identity/signin", data, outcome.retry_after_s);
    if (!outcome.user) {
      data["error"] = outcome.error.code == ErrorCode::kUnauthenticated ? "E-mail or password is incorrect."
                                                                         : "Something went wrong. Please try again.";
      return RenderPage(env, StatusFor(outcome.error.code), "identity/signin", data);
    }
    auto response = http::Response::Redirect(next);
    StartSession(env, request, *outcome.user, response);
    return response;
  });

  router.Get("/signup", [&env](http::Request& request) {
    if (CurrentPrincipal(request)) return http::Response::Redirect("/account");
    return RenderPage(env, 200, "identity/signup", PageData(env, request, "Create an account"));
  });

  router.Post("/signup", [&env](http::Request& request) {
    Form form(request);
    json::object data = PageData(env, request, "Create an account");
    data["email"] = form.Get("email");
    data["name"] = form.Get("name");
    const std::string password = form.Get("password");
    if (password.size() > kMaxPasswordBytes) {
      data["password_error"] = "must be at most 1024 bytes";
      return RenderPage(env, 400, "identity/signup", data);
    }
    FlowOutcome outcome = SignUp(env, request, form.Get("email"), password, form.Get("name"));
    if (outcome.retry_after_s > 0) return Throttled(env, request, "identity/signup", data, outcome.retry_after_s);
    if (!outcome.user) {
      if (outcome.error.code == ErrorCode::kConflict) {
        data["email_error"] = "An account with this e-mail already exists.";
      } else {
        AddErrors(data, outcome.error);
      }
      return RenderPage(env, StatusFor(outcome.error.code), "identity/signup", data);
    }
    auto response = http::Response::Redirect("/account");
    StartSession(env, request, *outcome.user, response);
    return response;
  });

  router.Post("/signout", [&env](http::Request& request) {
    auto response = http::Response::Redirect("/");
    EndSession(env, request, response);
    return response;
  });

  router.Get("/forgot-password", [&env](http::Request& request) {
    return RenderPage(env, 200, "identity/forgot_password", PageData(env, request, "Forgot your password?"));
  });

  router.Post("/forgot-password", [&env](http::Request& request) {
    Form form(request);
    json::object data = PageData(env, request, "Forgot your password?");
    data["email"] = form.Get("email");
    FlowOutcome outcome = RequestReset(env, request, form.Get("email"));
    if (outcome.retry_after_s > 0) {
      return Throttled(env, request, "identity/forgot_password", data, outcome.retry_after_s);
    }
    if (outcome.error.code == ErrorCode::kInvalidInput) {
      data["email_error"] = "Enter a valid e-mail address.";
      return RenderPage(env, 400, "identity/forgot_password", data);
    }
    data["sent"] = true;
    return RenderPage(env, 200, "identity/forgot_password", data);
  });

  router.Get("/reset-password", [&env](http::Request& request) {
    json::object data = PageData(env, request, "Choose a new password");
    data["token"] = request.Query("token").value_or("");
    return RenderPage(env, 200, "identity/reset_password", data);
  });

  router.Post("/reset-password", [&env](http::Request& request) {
    Form form(request);
    json::object data = PageData(env, request, "Choose a new password");
    data["token"] = form.Get("token");
    const std::string password = form.Get("password");
    if (password.size() > kMaxPasswordBytes) {
      data["password_error"] = "must be at most 1024 bytes";
      return RenderPage(env, 400, "identity/reset_password", data);
    }
    Result<User> user = env.service.ResetPassword(form.Get("token"), password);
    if (!user) {
      if (user.error().code == ErrorCode::kUnauthenticated) {
        data["error"] = "This link is invalid or has expired. Ask for a new one.";
      } else {
        AddErrors(data, user.error());
        if (data.contains("new_password_error")) data["password_error"] = data["new_password_error"];
      }
      return RenderPage(env, StatusFor(user.error().code), "identity/reset_password", data);
    }
    // Whoever knew the old password is signed out everywhere: the reset
    // bumped the account's credential epoch.
    return http::Response::Redirect("/signin?reset=1");
  });

  router.Get("/verify-email", [&env](http::Request& request) {
    Result<User> user = env.service.VerifyEmail(request.Query("token").value_or(""));
    json::object data = PageData(env, request, "Verify your e-mail");
    data["verified"] = static_cast<bool>(user);
    if (user) data["email"] = user->email;
    return RenderPage(env, user ? 200 : 400, "identity/verify_email", data);
  });
}

}  // namespace shop::identity
