// /account: profile, password and address book forms of the signed-in user.
#include "http/flows.hpp"
#include "http/pages.hpp"
#include "shop/identity/access.hpp"

namespace shop::identity {

namespace http = platform::http;
namespace json = boost::json;

namespace {

const UserId& Me(const http::Request& request) { return CurrentPrincipal(request)->user_id; }

json::object AddressView(const Address& address) {
  return {{"id", address.id},         {"name", address.name},
          {"line1", address.line1},   {"line2", address.line2},
          {"city", address.city},     {"postal_code", address.postal_code},
          {"country", address.country}, {"phone", address.phone},
          {"is_default", address.is_default}, {"has_line2", !address.line2.empty()}};
}

AddressInput AddressFromForm(const Form& form) {
  AddressInput input;
  input.name = form.Get("name");
  input.line1 = form.Get("line1");
  input.line2 = form.Get("line2");
  input.city = form.Get("city");
  input.postal_code = form.Get("postal_code");
  input.country = form.Get("country");
  input.phone = form.Get("phone");
  input.is_default = form.Has("is_default");
  return input;
}

const char* NoticeFor(std::string_view saved) {
  if (saved == "profile") return "Your profile was saved.";
  if (saved == "password") return "Your password was changed.";
  if (saved == "address") return "The address was saved.";
  if (saved == "address-deleted") return "The address was deleted.";
  return nullptr;
}

// The account page; `form_data` carries the values and errors of a form that
// was refused (its keys are prefixed so each form shows its own errors).
http::Response RenderAccount(const HttpEnv& env, const http::Request& request, int status,
                             const json::object& form_data) {
  Result<User> user = env.service.GetUser(Me(request));
  if (!user) return ErrorPage(env, request, 404, "Not found", "This account no longer exists.");
  auto addresses = env.service.ListAddresses(Me(request));
  json::object data = PageData(env, request, "Your account");
  data["name"] = user->name;
  data["email"] = user->email;
  data["email_verified"] = user->email_verified;
  data["role"] = RoleName(user->role);
  json::array list;
  if (addresses) {
    for (const Address& address : *addresses) list.push_back(AddressView(address));
  }
  data["has_addresses"] = !list.empty();
  data["addresses"] = std::move(list);
  if (auto saved = request.Query("saved")) {
    if (const char* notice = NoticeFor(*saved)) data["notice"] = notice;
  }
  for (const auto& entry : form_data) data[entry.key()] = entry.value();
  return RenderPage(env, status, "identity/account", data);
}

// Errors of one form, under "<prefix>_<field>_error" and "<prefix>_error".
json::object FormErrors(std::string_view prefix, const Error& error) {
  json::object raw;
  AddErrors(raw, error);
  json::object out;
  for (const auto& entry : raw) out[std::string(prefix) + "_" + std::string(entry.key())] = entry.value();
  return out;
}

}  // namespace

void RegisterAccountPages(http::Router& router, const HttpEnv& env) {
  router.Get("/account", Require(Access::kCustomer, [&env](http::Request& request) {
    return RenderAccount(env, request, 200, {});
  }));

  router.Post("/account/profile", Require(Access::kCustomer, [&env](http::Request& request) {
    Form form(request);
    Result<User> user = env.service.UpdateProfile(Me(request), form.Get("name"), form.Get("email"));
    if (!user) {
      json::object errors = user.error().code == ErrorCode::kConflict
                                ? json::object{{"profile_email_error", "This e-mail is used by another account."}}
                                : FormErrors("profile", user.error());
      return RenderAccount(env, request, StatusFor(user.error().code), errors);
    }
    return http::Response::Redirect("/account?saved=profile");
  }));

  router.Post("/account/password", Require(Access::kCustomer, [&env](http::Request& request) {
    Form form(request);
    const std::string current = form.Get("current_password");
    const std::string next = form.Get("new_password");
    if (current.size() > kMaxPasswordBytes || next.size() > kMaxPasswordBytes) {
      return RenderAccount(env, request, 400, {{"password_new_password_error", "must be at most 1024 bytes"}});
    }
    Result<User> changed = env.service.ChangePassword(Me(request), current, next);
    if (!changed) {
      json::object errors = changed.error().code == ErrorCode::kUnauthenticated
                                ? json::object{{"password_current_password_error", "The current password is wrong."}}
                                : FormErrors("password", changed.error());
      return RenderAccount(env, request, StatusFor(changed.error().code), errors);
    }
    auto response = http::Response::Redirect("/account?saved=password");
    // The change ended every session of the account, this one included; the
    // browser continues on a new one.
    StartSession(env, request, *changed, response);
    return response;
  }));

  router.Post("/account/addresses", Require(Access::kCustomer, [&env](http::Request& request) {
    Form form(request);
    auto added = env.service.AddAddress(Me(request), AddressFromForm(form));
    if (!added) {
      json::object errors = FormErrors("address", added.error());
      for (const char* key : {"name", "line1", "line2", "city", "postal_code", "country", "phone"}) {
        errors[std::string("new_") + key] = form.Get(key);
      }
      return RenderAccount(env, request, StatusFor(added.error().code), errors);
    }
    return http::Response::Redirect("/account?saved=address");
  }));

  router.Post("/account/addresses/{id}", Require(Access::kCustomer, [&env](http::Request& request) {
    Form form(request);
    auto updated = env.service.UpdateAddress(Me(request), request.PathParam("id"), AddressFromForm(form));
    if (!updated) {
      if (updated.error().code == ErrorCode::kNotFound) {
        return ErrorPage(env, request, 404, "Not found", "There is no such address in your address book.");
      }
      std::string message = "The address was not saved.";
      for (const FieldError& field : updated.error().fields) message += " " + field.field + ": " + field.message + ".";
      json::object errors{{"edit_error", message}};
      return RenderAccount(env, request, StatusFor(updated.error().code), errors);
    }
    return http::Response::Redirect("/account?saved=address");
  }));

  router.Post("/account/addresses/{id}/delete", Require(Access::kCustomer, [&env](http::Request& request) {
    auto deleted = env.service.DeleteAddress(Me(request), request.PathParam("id"));
    if (!deleted) return ErrorPage(env, request, 404, "Not found", "There is no such address in your address book.");
    return http::Response::Redirect("/account?saved=address-deleted");
  }));
}

}  // namespace shop::identity
