// /api/v1/admin/customers: staff list and search; admins grant or revoke staff.
#include "http/env.hpp"
#include "http/password_input.hpp"
#include "http/views.hpp"
#include "shop/identity/access.hpp"

#include <charconv>

namespace shop::identity {

namespace http = platform::http;
namespace json = boost::json;

namespace {

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;

}  // namespace

void RegisterAdminApi(http::Router& router, const HttpEnv& env) {
  router.Get("/api/v1/admin/customers", Require(Access::kStaff, [&env](http::Request& request) {
    int limit = kDefaultLimit;
    if (auto text = request.Query("limit")) {
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
      if (ec != std::errc() || end != text->data() + text->size() || limit < 1 || limit > kMaxLimit) {
        return http::Response::Problem(
            Error::InvalidInput("invalid limit", {{"limit", "must be an integer from 1 to 100"}}), request.path);
      }
    }
    auto page = env.service.ListUsers(request.Query("q").value_or(""), limit, request.Query("cursor").value_or(""));
    if (!page) return http::Response::Problem(page.error(), request.path);
    json::array items;
    for (const User& user : page->items) items.push_back(UserJson(user));
    json::object body{{"items", std::move(items)}};
    if (page->next_cursor) {
      body["next_cursor"] = *page->next_cursor;
    } else {
      body["next_cursor"] = nullptr;
    }
    return http::Response::Json(200, body);
  }));

  // Grants or revokes staff; "admin" cannot be granted over the API.
  router.Put("/api/v1/admin/customers/{id}/role", Require(Access::kAdmin, [&env](http::Request& request) {
    auto input = JsonInput::Parse(request);
    if (!input) return http::Response::Problem(input.error(), request.path);
    auto role_name = input->String("role", true);
    std::optional<Role> role;
    if (role_name) {
      role = ParseRole(*role_name);
      if (!role || *role == Role::kAdmin) input->Fail("role", "must be \"staff\" or \"customer\"");
    }
    if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);
    auto user = env.service.SetRole(CurrentPrincipal(request)->user_id, UserId{std::string(request.PathParam("id"))},
                                    *role);
    if (!user) return http::Response::Problem(user.error(), request.path);
    return http::Response::Json(200, UserJson(*user));
  }));
}

}  // namespace shop::identity
