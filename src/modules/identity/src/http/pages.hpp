#pragma once
// Helpers shared by the identity pages: the data every page needs (layout
// and navigation state), form fields, and safe redirect targets.

#include "http/env.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::identity {

using platform::http::StatusFor;

/// shop_name, year, title, plus the navigation state of `request`:
/// signed_in, is_staff, is_admin, user_name, csrf (the session's CSRF token;
/// "" when anonymous, whose forms rely on the Origin / Sec-Fetch-Site rule).
boost::json::object PageData(const HttpEnv& env, const platform::http::Request& request, std::string_view title);

/// Renders `name` through the layout.
platform::http::Response RenderPage(const HttpEnv& env, int status, std::string_view name,
                                    const boost::json::object& data);

/// Form fields of an application/x-www-form-urlencoded body.
class Form {
 public:
  explicit Form(const platform::http::Request& request) : fields_(request.FormFields()) {}
  /// The first value of `name`, or "".
  std::string Get(std::string_view name) const;
  bool Has(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

/// `next` when it is a local path ("/x", not "//host" or "/\host"), else `fallback`.
std::string SafeNext(std::string_view next, std::string_view fallback);

/// Puts each field error of `error` into `data` as "<field>_error", and the
/// detail as "error" when no field names it.
void AddErrors(boost::json::object& data, const Error& error);

}  // namespace shop::identity
