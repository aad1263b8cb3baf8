// Staff pages: /admin/products (list, search, status), the create and edit
// forms with variants and images, publish/unpublish, /admin/categories and
// /admin/brands. Every form carries the CSRF token; edit forms carry the
// product's version, so a stale form is refused like a stale If-Match.
#include "http/pages.hpp"
#include "shop/identity/access.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace shop::catalog {

namespace http = platform::http;
namespace json = boost::json;
using identity::Access;
using identity::Require;

namespace {

constexpr int kPageSize = 25;

class Form {
 public:
  explicit Form(const http::Request& request) : fields_(request.FormFields()) {}
  std::string Get(std::string_view name) const {
    for (const auto& [k, v] : fields_) {
      if (k == name) return v;
    }
    return {};
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

json::object AdminData(const HttpEnv& env, const http::Request& request, std::string_view title) {
  json::object data = PageData(env, request, title);
  data["csrf"] = identity::CsrfToken(request);
  return data;
}

void AddErrors(json::object& data, const Error& error) {
  data["error"] = error.detail;
  json::array fields;
  for (const auto& f : error.fields) fields.push_back(json::object{{"field", f.field}, {"message", f.message}});
  data["field_errors"] = std::move(fields);
}

std::optional<std::int64_t> ParseInt(const std::string& text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// "size=M, colour=Blue" → pairs; "" → none.
std::optional<OptionValues> ParseOptionText(const std::string& text) {
  OptionValues out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() : comma + 1;
    auto trim = [](std::string s) {
      while (!s.empty() && s.front() == ' ') s.erase(0, 1);
      while (!s.empty() && s.back() == ' ') s.pop_back();
      return s;
    };
    part = trim(part);
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string::npos) return std::nullopt;
    out.emplace_back(trim(part.substr(0, eq)), trim(part.substr(eq + 1)));
  }
  return out;
}

std::string OptionText(const OptionValues& values) {
  std::string out;
  for (const auto& [k, v] : values) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out;
}

json::object ProductFormData(const HttpEnv& env, const Product* p) {
  json::object data;
  json::array categories{json::object{{"slug", ""}, {"name", "—"}, {"selected", !p || !p->category}}};
  for (const auto& c : env.store.Categories()) {
    categories.push_back(json::object{{"slug", c.slug}, {"name", c.name},
                                      {"selected", p && p->category && p->category->id == c.id}});
  }
  json::array brands{json::object{{"slug", ""}, {"name", "—"}, {"selected", !p || !p->brand}}};
  for (const auto& b : env.store.Brands()) {
    brands.push_back(json::object{{"slug", b.slug}, {"name", b.name}, {"selected", p && p->brand && p->brand->id == b.id}});
  }
  data["categories"] = std::move(categories);
  data["brands"] = std::move(brands);
  if (p) {
    data["product"] = json::object{{"id", p->id.value},
                                   {"slug", p->slug},
                                   {"name", p->name},
                                   {"description", p->description},
                                   {"seo_title", p->seo_title},
                                   {"seo_description", p->seo_description},
                                   {"attributes", OptionText(p->attributes)},
                                   {"version", p->version},
                                   {"published", p->status == ProductStatus::kPublished},
                                   {"status", std::string(ProductStatusName(p->status))}};
  }
  return data;
}

ProductInput ProductFromForm(const Form& form, std::vector<FieldError>& errors) {
  ProductInput in;
  in.name = form.Get("name");
  in.description = form.Get("description");
  in.category_slug = form.Get("category");
  in.brand_slug = form.Get("brand");
  in.seo_title = form.Get("seo_title");
  in.seo_description = form.Get("seo_description");
  const std::string status = form.Get("status");
  if (status == "published") in.status = ProductStatus::kPublished;
  else if (status == "draft" || status.empty()) in.status = ProductStatus::kDraft;
  else errors.push_back({"status", "draft or published"});
  if (auto attrs = ParseOptionText(form.Get("attributes"))) in.attributes = *attrs;
  else errors.push_back({"attributes", "write name=value pairs separated by commas"});
  return in;
}

std::optional<VariantInput> VariantFromForm(const Form& form, const platform::money::Currency& currency,
                                            std::vector<FieldError>& errors) {
  VariantInput v;
  v.sku = form.Get("sku");
  auto price = platform::money::ParseDecimal(form.Get("price"), currency);
  if (!price) errors.push_back({"price", "a price such as 19.99"});
  else v.price = price->amount;
  if (const auto text = form.Get("compare_at_price"); !text.empty()) {
    auto c = platform::money::ParseDecimal(text, currency);
    if (!c) errors.push_back({"compare_at_price", "a price such as 24.99, or empty"});
    else v.compare_at = std::optional<std::int64_t>(c->amount);
  }
  if (const auto text = form.Get("weight_grams"); !text.empty()) {
    auto w = ParseInt(text);
    if (!w) errors.push_back({"weight_grams", "whole grams"});
    else v.weight_grams = *w;
  }
  if (auto options = ParseOptionText(form.Get("options"))) v.options = *options;
  else errors.push_back({"options", "write name=value pairs separated by commas"});
  if (!errors.empty()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> FormVersion(const Form& form) { return ParseInt(form.Get("version")); }

}  // namespace

void RegisterAdminPages(http::Router& router, const HttpEnv& env) {
  const auto& currency = env.store.currency();

  auto edit_page = [&env](const http::Request& request, const ProductId& id, int status, const Error* error,
                          std::string notice) {
    auto product = env.store.GetProduct(id);
    if (!product) return ErrorPage(env, request, product.error());
    json::object data = AdminData(env, request, "Edit " + product->name);
    for (auto& [k, v] : ProductFormData(env, &*product)) data[k] = v;
    Availability available = AvailabilityOf(env.inventory, {*product});
    json::array variants;
    for (const auto& v : product->variants) {
      auto it = available.find(v.sku);
      variants.push_back(json::object{{"sku", v.sku},
                                      {"options", OptionText(v.options)},
                                      {"price", Price(v.price)},
                                      {"compare_at", v.compare_at_price ? Price(*v.compare_at_price) : ""},
                                      {"weight_grams", v.weight_grams},
                                      {"available", it == available.end() ? 0 : it->second}});
    }
    data["variants"] = std::move(variants);
    json::array images;
    for (const auto& img : product->images) {
      images.push_back(json::object{{"id", img.id}, {"small", img.small_url}, {"alt", img.alt}});
    }
    data["images"] = std::move(images);
    if (error) AddErrors(data, *error);
    if (!notice.empty()) data["notice"] = notice;
    return RenderPage(env, status, "catalog/admin_product", data, true);
  };

  router.Get("/admin/products", Require(Access::kStaff, [&env](http::Request& request) {
    const std::string q = request.Query("q").value_or("");
    auto page = env.store.SearchProducts(q, kPageSize, request.Query("cursor").value_or(""));
    if (!page) return ErrorPage(env, request, page.error());
    json::object data = AdminData(env, request, "Products");
    data["q"] = q;
    json::array rows;
    for (const auto& p : page->items) {
      rows.push_back(json::object{{"id", p.id.value},
                                  {"name", p.name},
                                  {"slug", p.slug},
                                  {"status", std::string(ProductStatusName(p.status))},
                                  {"variants", p.variants.size()},
                                  {"category", p.category ? p.category->name : ""},
                                  {"updated", IsoTime(p.updated_at_ms).substr(0, 16)}});
    }
    data["has_products"] = !rows.empty();
    data["products"] = std::move(rows);
    if (page->next_cursor) data["next_href"] = "/admin/products?q=" + EncodeQuery(q) + "&cursor=" + EncodeQuery(*page->next_cursor);
    return RenderPage(env, 200, "catalog/admin_products", data, true);
  }));

  router.Get("/admin/products/new", Require(Access::kStaff, [&env](http::Request& request) {
    json::object data = AdminData(env, request, "New product");
    for (auto& [k, v] : ProductFormData(env, nullptr)) data[k] = v;
    return RenderPage(env, 200, "catalog/admin_product_new", data, true);
  }));

  router.Post("/admin/products", Require(Access::kStaff, [&env, &currency](http::Request& request) {
    Form form(request);
    std::vector<FieldError> errors;
    ProductInput in = ProductFromForm(form, errors);
    std::vector<VariantInput> variants;
    if (!form.Get("sku").empty()) {
      if (auto v = VariantFromForm(form, currency, errors)) variants.push_back(*v);
    }
    Result<Product> created = errors.empty() ? env.store.CreateProduct(in, variants)
                                             : Result<Product>(Error::InvalidInput("invalid product", errors));
    if (!created) {
      json::object data = AdminData(env, request, "New product");
      for (auto& [k, v] : ProductFormData(env, nullptr)) data[k] = v;
      data["form"] = json::object{{"name", form.Get("name")}, {"description", form.Get("description")},
                                  {"sku", form.Get("sku")}, {"price", form.Get("price")}};
      AddErrors(data, created.error());
      return RenderPage(env, http::StatusFor(created.error().code), "catalog/admin_product_new", data, true);
    }
    return http::Response::Redirect("/admin/products/" + created->id.value + "?saved=1");
  }));

  router.Get("/admin/products/{id}", Require(Access::kStaff, [edit_page](http::Request& request) {
    return edit_page(request, ProductId{std::string(request.PathParam("id"))}, 200, nullptr,
                     request.Query("saved") ? "Saved." : "");
  }));

  // Each edit: run it with the form's version; on failure show the form again.
  auto edit_action = [&env, edit_page](const http::Request& request,
                                       const std::function<Result<Product>(const Form&, std::int64_t)>& run) {
    Form form(request);
    ProductId id{std::string(request.PathParam("id"))};
    auto version = FormVersion(form);
    Result<Product> done = version ? run(form, *version)
                                   : Result<Product>(Error::InvalidInput("the form has no version; reload it", {}));
    if (!done) {
      const Error error = done.error();
      return edit_page(request, id, http::StatusFor(error.code), &error, "");
    }
    return http::Response::Redirect("/admin/products/" + id.value + "?saved=1");
  };

  router.Post("/admin/products/{id}", Require(Access::kStaff, [&env, edit_action](http::Request& request) {
    return edit_action(request, [&](const Form& form, std::int64_t v) -> Result<Product> {
      std::vector<FieldError> errors;
      ProductInput in = ProductFromForm(form, errors);
      if (!errors.empty()) return Error::InvalidInput("invalid product", errors);
      return env.store.UpdateProduct(ProductId{std::string(request.PathParam("id"))}, v, in);
    });
  }));

  for (const auto& [action, status] : {std::pair{"publish", ProductStatus::kPublished},
                                       std::pair{"unpublish", ProductStatus::kDraft}}) {
    router.Post(std::string("/admin/products/{id}/") + action,
                Require(Access::kStaff, [&env, edit_action, status](http::Request& request) {
                  return edit_action(request, [&](const Form&, std::int64_t v) {
                    ProductInput in;
                    in.status = status;
                    return env.store.UpdateProduct(ProductId{std::string(request.PathParam("id"))}, v, in);
                  });
                }));
  }

  router.Post("/admin/products/{id}/variants", Require(Access::kStaff, [&env, &currency, edit_action](http::Request& request) {
    return edit_action(request, [&](const Form& form, std::int64_t v) -> Result<Product> {
      std::vector<FieldError> errors;
      auto variant = VariantFromForm(form, currency, errors);
      if (!variant) return Error::InvalidInput("invalid variant", errors);
      return env.store.AddVariant(ProductId{std::string(request.PathParam("id"))}, v, *variant);
    });
  }));

  router.Post("/admin/products/{id}/variants/{sku}/delete", Require(Access::kStaff, [&env, edit_action](http::Request& request) {
    return edit_action(request, [&](const Form&, std::int64_t v) {
      return env.store.DeleteVariant(ProductId{std::string(request.PathParam("id"))}, request.PathParam("sku"), v);
    });
  }));

  router.Post("/admin/products/{id}/images/{image_id}/delete", Require(Access::kStaff, [&env, edit_action](http::Request& request) {
    return edit_action(request, [&](const Form&, std::int64_t v) {
      return env.store.DeleteImage(ProductId{std::string(request.PathParam("id"))}, request.PathParam("image_id"), v);
    });
  }));

  auto taxonomy_page = [&env](const http::Request& request, int status, const Error* error, bool saved) {
    json::object data = AdminData(env, request, "Categories and brands");
    json::array categories;
    auto all = env.store.Categories();
    for (const auto& c : all) {
      std::string parent;
      for (const auto& p : all) {
        if (c.parent_id && p.id == *c.parent_id) parent = p.name;
      }
      categories.push_back(json::object{{"slug", c.slug}, {"name", c.name}, {"parent", parent}, {"position", c.position}});
    }
    data["categories"] = std::move(categories);
    json::array brands;
    for (const auto& b : env.store.Brands()) brands.push_back(BrandJson(b));
    data["brands"] = std::move(brands);
    if (error) AddErrors(data, *error);
    if (saved) data["notice"] = "Saved.";
    return data;
  };

  router.Get("/admin/categories", Require(Access::kStaff, [&env, taxonomy_page](http::Request& request) {
    return RenderPage(env, 200, "catalog/admin_categories",
                      taxonomy_page(request, 200, nullptr, request.Query("saved").has_value()), true);
  }));

  router.Post("/admin/categories", Require(Access::kStaff, [&env, taxonomy_page](http::Request& request) {
    Form form(request);
    CategoryInput in;
    in.name = form.Get("name");
    in.description = form.Get("description");
    in.parent_slug = form.Get("parent");
    auto created = env.store.CreateCategory(in);
    if (!created) {
      const Error error = created.error();
      int status = http::StatusFor(error.code);
      return RenderPage(env, status, "catalog/admin_categories", taxonomy_page(request, status, &error, false), true);
    }
    return http::Response::Redirect("/admin/categories?saved=1");
  }));

  router.Get("/admin/brands", Require(Access::kStaff, [&env, taxonomy_page](http::Request& request) {
    return RenderPage(env, 200, "catalog/admin_brands",
                      taxonomy_page(request, 200, nullptr, request.Query("saved").has_value()), true);
  }));

  router.Post("/admin/brands", Require(Access::kStaff, [&env, taxonomy_page](http::Request& request) {
    Form form(request);
    auto created = env.store.CreateBrand(form.Get("name"));
    if (!created) {
      const Error error = created.error();
      int status = http::StatusFor(error.code);
      return RenderPage(env, status, "catalog/admin_brands", taxonomy_page(request, status, &error, false), true);
    }
    return http::Response::Redirect("/admin/brands?saved=1");
  }));
}

}  // namespace shop::catalog
