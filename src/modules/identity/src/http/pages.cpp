#include "http/pages.hpp"
#include "platform/templates/layout.hpp"

#include "shop/identity/access.hpp"

#include <ctime>

namespace shop::identity {

namespace http = platform::http;
namespace json = boost::json;

json::object PageData(const HttpEnv& env, const http::Request& request, std::string_view title) {
  json::object data = platform::templates::LayoutData(env.config, env.clock, title);
  AddNavigation(data, request);
  return data;
}

http::Response RenderPage(const HttpEnv& env, int status, std::string_view name, const json::object& data) {
  auto response = http::Response::Html(status, env.templates.RenderPage(name, data));
  // Pages that show account data or carry a CSRF token are never cached.
  response.headers.Set("Cache-Control", "no-store");
  return response;
}

http::Response ErrorPage(const HttpEnv& env, const http::Request& request, int status, std::string_view title,
                         std::string_view message) {
  json::object data = PageData(env, request, title);
  data["heading"] = title;
  data["message"] = message;
  return RenderPage(env, status, "identity/error", data);
}

std::string Form::Get(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (key == name) return value;
  }
  return {};
}

bool Form::Has(std::string_view name) const {
  for (const auto& field : fields_) {
    if (field.first == name) return true;
  }
  return false;
}

std::string SafeNext(std::string_view next, std::string_view fallback) {
  if (next.size() < 1 || next.size() > 2000 || next[0] != '/') return std::string(fallback);
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return std::string(fallback);
  for (char c : next) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\\') return std::string(fallback);
  }
  return std::string(next);
}

void AddErrors(json::object& data, const Error& error) {
  bool placed = false;
  for (const FieldError& field : error.fields) {
    std::string key = field.field;
    for (char& c : key) {
      if (c == '/' || c == '.') c = '_';
    }
    while (!key.empty() && key.front() == '_') key.erase(0, 1);
    if (key.empty()) continue;
    data[key + "_error"] = field.message;
    placed = true;
  }
  if (!placed || error.fields.empty()) data["error"] = error.detail.empty() ? "Please check the form." : error.detail;
}

}  // namespace shop::identity
