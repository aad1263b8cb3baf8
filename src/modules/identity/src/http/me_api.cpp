// /api/v1/me: profile, password, address book — the signed-in user's own data.
#include "http/env.hpp"
#include "http/flows.hpp"
#include "http/password_input.hpp"
#include "http/views.hpp"
#include "shop/identity/access.hpp"

namespace shop::identity {

namespace http = platform::http;
namespace json = boost::json;

namespace {

const UserId& Me(const http::Request& request) { return CurrentPrincipal(request)->user_id; }

http::Response Problem(const http::Request& request, const Error& error) {
  return http::Response::Problem(error, request.path);
}

// Reads the address fields into `address`; with `partial`, absent fields keep their value.
void ReadAddress(JsonInput& input, AddressInput& address, bool partial) {
  auto assign = [&](std::string_view key, std::string& field, bool required) {
    if (auto value = input.String(key, required && !partial)) field = std::move(*value);
  };
  assign("name", address.name, true);
  assign("line1", address.line1, true);
  assign("line2", address.line2, false);
  assign("city", address.city, true);
  assign("postal_code", address.postal_code, true);
  assign("country", address.country, true);
  assign("phone", address.phone, false);
  if (auto is_default = input.Bool("is_default", false)) address.is_default = *is_default;
}

}  // namespace

void RegisterMeApi(http::Router& router, const HttpEnv& env) {
  router.Get("/api/v1/me", Require(Access::kCustomer, [&env](http::Request& request) {
    Result<User> user = env.service.GetUser(Me(request));
    if (!user) return Problem(request, user.error());
    return http::Response::Json(200, UserJson(*user));
  }));

  // Only name and e-mail can change here. A "role" (or any other) field is
  // refused with 400 and nothing changes.
  router.Patch("/api/v1/me", Require(Access::kCustomer, [&env](http::Request& request) {
    auto input = JsonInput::Parse(request);
    if (!input) return Problem(request, input.error());
    auto name = input->String("name", false);
    auto email = input->String("email", false);
    if (input->Has("role")) {
      input->Ignore("role");
      input->Fail("role", "cannot be changed here");
    }
    if (auto done = input->Finish(); !done) return Problem(request, done.error());
    Result<User> user = env.service.UpdateProfile(Me(request), name, email);
    if (!user) return Problem(request, user.error());
    return http::Response::Json(200, UserJson(*user));
  }));

  router.Post("/api/v1/me/password", Require(Access::kCustomer, [&env](http::Request& request) {
    auto input = JsonInput::Parse(request);
    if (!input) return Problem(request, input.error());
    auto current = input->String("current_password", true);
    auto next = input->String("new_password", true);
    CheckPasswordSize(*input, "current_password", current);
    CheckPasswordSize(*input, "new_password", next);
    if (auto done = input->Finish(); !done) return Problem(request, done.error());
    Result<User> changed = env.service.ChangePassword(Me(request), *current, *next);
    if (!changed) return Problem(request, changed.error());
    auto response = http::Response::NoContent();
    // Every session and token of the account ended with the change (credential
    // epoch), this request's bearer token included; a browser continues on a
    // new session id.
    if (AuthOf(request).kind == RequestAuth::Kind::kCookie) {
      NewSession session = StartSession(env, request, *changed, response);
      response.headers.Set("X-CSRF-Token", session.csrf);
    }
    return response;
  }));

  router.Get("/api/v1/me/addresses", Require(Access::kCustomer, [&env](http::Request& request) {
    auto addresses = env.service.ListAddresses(Me(request));
    if (!addresses) return Problem(request, addresses.error());
    json::array items;
    for (const Address& address : *addresses) items.push_back(AddressJson(address));
    return http::Response::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  }));

  router.Post("/api/v1/me/addresses", Require(Access::kCustomer, [&env](http::Request& request) {
    auto input = JsonInput::Parse(request);
    if (!input) return Problem(request, input.error());
    AddressInput address;
    ReadAddress(*input, address, false);
    if (auto done = input->Finish(); !done) return Problem(request, done.error());
    auto added = env.service.AddAddress(Me(request), address);
    if (!added) return Problem(request, added.error());
    return http::Response::Json(201, AddressJson(*added));
  }));

  // Another customer's address answers 404 exactly like a missing one.
  router.Get("/api/v1/me/addresses/{id}", Require(Access::kCustomer, [&env](http::Request& request) {
    auto address = env.service.GetAddress(Me(request), request.PathParam("id"));
    if (!address) return Problem(request, address.error());
    return http::Response::Json(200, AddressJson(*address));
  }));

  router.Patch("/api/v1/me/addresses/{id}", Require(Access::kCustomer, [&env](http::Request& request) {
    auto input = JsonInput::Parse(request);
    if (!input) return Problem(request, input.error());
    auto existing = env.service.GetAddress(Me(request), request.PathParam("id"));
    if (!existing) return Problem(request, existing.error());
    AddressInput address = *existing;
    ReadAddress(*input, address, true);
    if (auto done = input->Finish(); !done) return Problem(request, done.error());
    auto updated = env.service.UpdateAddress(Me(request), request.PathParam("id"), address);
    if (!updated) return Problem(request, updated.error());
    return http::Response::Json(200, AddressJson(*updated));
  }));

  router.Delete("/api/v1/me/addresses/{id}", Require(Access::kCustomer, [&env](http::Request& request) {
    auto deleted = env.service.DeleteAddress(Me(request), request.PathParam("id"));
    if (!deleted) return Problem(request, deleted.error());
    return http::Response::NoContent();
  }));
}

}  // namespace shop::identity
