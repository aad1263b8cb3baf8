#include "http/pages.hpp"
#include "platform/templates/layout.hpp"

#include "shop/identity/access.hpp"

#include <boost/json.hpp>

#include <ctime>

namespace shop::catalog {

namespace http = platform::http;
namespace json = boost::json;

json::array TopCategories(const HttpEnv& env) {
  json::array out;
  for (const auto& c : env.store.Categories()) {
    if (!c.parent_id) out.push_back(json::object{{"slug", c.slug}, {"name", c.name}, {"href", "/c/" + c.slug}});
  }
  return out;
}

json::object PageData(const HttpEnv& env, const http::Request& request, std::string_view title) {
  json::object data = platform::templates::LayoutData(env.config, env.clock, title);
  identity::AddNavigation(data, request);
  data["nav_categories"] = TopCategories(env);
  return data;
}

http::Response RenderPage(const HttpEnv& env, int status, std::string_view name, const json::object& data,
                          bool private_page) {
  auto response = http::Response::Html(status, env.templates.RenderPage(name, data));
  const auto* signed_in = data.if_contains("signed_in");
  if (private_page || (signed_in && signed_in->is_bool() && signed_in->as_bool())) {
    response.headers.Set("Cache-Control", "no-store");
  }
  return response;
}

http::Response ErrorPage(const HttpEnv& env, const http::Request& request, const Error& error) {
  const int status = http::StatusFor(error.code);
  json::object data = PageData(env, request, status == 404 ? "Not found" : "Error");
  data["heading"] = status == 404 ? "Not found" : "Something is not right";
  data["message"] = error.detail;
  return RenderPage(env, status, "catalog/error", data, false);
}

std::string EncodeQuery(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string Price(const platform::money::Money& money) { return platform::money::Format(money); }

}  // namespace shop::catalog
