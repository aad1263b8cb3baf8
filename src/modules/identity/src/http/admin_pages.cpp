// /admin (staff dashboard) and /admin/customers (list, search, roles).
#include "http/pages.hpp"
#include "http/views.hpp"
#include "shop/identity/access.hpp"

namespace shop::identity {

namespace http = platform::http;
namespace json = boost::json;

namespace {

constexpr int kPageSize = 25;

}  // namespace

void RegisterAdminPages(http::Router& router, const HttpEnv& env) {
  router.Get("/admin", Require(Access::kStaff, [&env](http::Request& request) {
    json::object data = PageData(env, request, "Admin");
    data["links"] = json::array{json::object{{"href", "/admin/orders"},
                                             {"label", "Orders"},
                                             {"about", "Every order with its timeline; cancel, refund, ship, decide holds."}},
                                json::object{{"href", "/admin/customers"},
                                             {"label", "Customers"},
                                             {"about", "Find accounts; admins grant or revoke staff."}},
                                json::object{{"href", "/admin/products"},
                                             {"label", "Products"},
                                             {"about", "Products, variants, images, categories and brands."}},
                                json::object{{"href", "/admin/inventory"},
                                             {"label", "Inventory"},
                                             {"about", "Stock per SKU, adjustments, the ledger and low stock."}}};
    return RenderPage(env, 200, "admin/dashboard", data);
  }));

  router.Get("/admin/customers", Require(Access::kStaff, [&env](http::Request& request) {
    const std::string query = request.Query("q").value_or("");
    auto page = env.service.ListUsers(query, kPageSize, request.Query("cursor").value_or(""));
    if (!page) return ErrorPage(env, request, StatusFor(page.error().code), "Customers", page.error().detail);
    json::object data = PageData(env, request, "Customers");
    data["q"] = query;
    const Principal* me = CurrentPrincipal(request);
    json::array rows;
    for (const User& user : page->items) {
      json::object row = UserJson(user);
      row["created"] = IsoTime(user.created_at_ms).substr(0, 10);
      // An admin may switch customers and staff; admins themselves are left alone.
      row["can_promote"] = me->IsAdmin() && user.role == Role::kCustomer;
      row["can_demote"] = me->IsAdmin() && user.role == Role::kStaff;
      rows.push_back(std::move(row));
    }
    data["has_customers"] = !rows.empty();
    data["customers"] = std::move(rows);
    if (page->next_cursor) {
      data["next_href"] = "/admin/customers?q=" + http::PercentEncode(query) + "&cursor=" + http::PercentEncode(*page->next_cursor);
    }
    if (auto saved = request.Query("saved")) data["notice"] = "The role was updated.";
    return RenderPage(env, 200, "admin/customers", data);
  }));

  router.Post("/admin/customers/{id}/role", Require(Access::kAdmin, [&env](http::Request& request) {
    Form form(request);
    std::optional<Role> role = ParseRole(form.Get("role"));
    if (!role || *role == Role::kAdmin) {
      return ErrorPage(env, request, 400, "Invalid role", "Choose staff or customer.");
    }
    auto user = env.service.SetRole(CurrentPrincipal(request)->user_id, UserId{std::string(request.PathParam("id"))},
                                    *role);
    if (!user) return ErrorPage(env, request, StatusFor(user.error().code), "Role not changed", user.error().detail);
    return http::Response::Redirect("/admin/customers?saved=role");
  }));
}

}  // namespace shop::identity
