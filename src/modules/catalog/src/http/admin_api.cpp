// Staff API: /api/v1/admin/products* (products, variants, images),
// /api/v1/admin/categories*, /api/v1/admin/brands*. Edits of a product need
// If-Match with its ETag (or version): a stale one → 412 and nothing
// changes, a missing one → 428.
#include "http/env.hpp"
#include "http/input.hpp"
#include "images.hpp"
#include "shop/identity/access.hpp"

#include <boost/json.hpp>

namespace shop::catalog {

namespace http = platform::http;
namespace json = boost::json;
using identity::Access;
using identity::Require;

namespace {

http::Response Problem(const Error& e, const http::Request& r) { return http::Response::Problem(e, r.path); }

// The staff view: the product document plus its ETag (version and current
// availability), never cached (drafts are included).
http::Response ProductResponse(const HttpEnv& env, int status, const Product& p) {
  Availability available = AvailabilityOf(env.inventory, {p});
  auto response = http::Response::Json(status, ProductJson(p, available));
  response.headers.Set("ETag", ProductEtag(p, available));
  response.headers.Set("Cache-Control", "no-store");
  return response;
}

// The version If-Match names; a Response when it is missing (428) or unreadable (412).
std::variant<std::int64_t, http::Response> ExpectedVersion(const http::Request& request) {
  auto header = request.Header("If-Match");
  if (!header || header->empty()) {
    return http::Response::ProtocolProblem(428, "precondition-required", "Precondition required",
                                           "send If-Match with the product's ETag (or version) to change it",
                                           request.path);
  }
  auto version = VersionFromEtag(*header);
  if (!version) {
    return http::Response::Problem(
        Error{ErrorCode::kPreconditionFailed, "If-Match does not name a version of this product", {}}, request.path);
  }
  return *version;
}

ProductId IdParam(const http::Request& request) { return ProductId{std::string(request.PathParam("id"))}; }

// Runs `edit(expected_version)` after the If-Match check; answers with the
// edited product.
template <class F>
http::Response Edit(const HttpEnv& env, const http::Request& request, F&& edit) {
  auto expected = ExpectedVersion(request);
  if (auto* refusal = std::get_if<http::Response>(&expected)) return std::move(*refusal);
  Result<Product> product = edit(std::get<std::int64_t>(expected));
  if (!product) return Problem(product.error(), request);
  return ProductResponse(env, 200, *product);
}

Result<int> ParseLimit(const http::Request& request) {
  ProductQuery q;
  auto parsed = ParseProductQuery(request);
  if (!parsed) return parsed.error();
  return parsed->limit;
}

}  // namespace

void RegisterAdminApi(http::Router& router, const HttpEnv& env) {
  const auto& currency = env.store.currency();

  router.Get("/api/v1/admin/products", Require(Access::kStaff, [&env](http::Request& request) {
    auto limit = ParseLimit(request);
    if (!limit) return Problem(limit.error(), request);
    auto page = env.store.SearchProducts(request.Query("q").value_or(""), *limit, request.Query("cursor").value_or(""));
    if (!page) return Problem(page.error(), request);
    return http::Response::Json(200, ProductPageJson(env, *page));
  }));

  router.Post("/api/v1/admin/products", Require(Access::kStaff, [&env, &currency](http::Request& request) {
    auto input = http::JsonInput::Parse(request);
    if (!input) return Problem(input.error(), request);
    ProductInput fields;
    std::vector<VariantInput> variants;
    ReadProductFields(*input, fields, &variants, currency);
    if (auto done = input->Finish(); !done) return Problem(done.error(), request);
    auto product = env.store.CreateProduct(fields, variants);
    if (!product) return Problem(product.error(), request);
    auto response = ProductResponse(env, 201, *product);
    response.headers.Set("Location", "/api/v1/admin/products/" + product->id.value);
    return response;
  }));

  router.Get("/api/v1/admin/products/{id}", Require(Access::kStaff, [&env](http::Request& request) {
    auto product = env.store.GetProduct(IdParam(request));
    if (!product) return Problem(product.error(), request);
    return ProductResponse(env, 200, *product);
  }));

  router.Patch("/api/v1/admin/products/{id}", Require(Access::kStaff, [&env, &currency](http::Request& request) {
    auto input = http::JsonInput::Parse(request);
    if (!input) return Problem(input.error(), request);
    ProductInput fields;
    ReadProductFields(*input, fields, nullptr, currency);
    if (auto done = input->Finish(); !done) return Problem(done.error(), request);
    return Edit(env, request, [&](std::int64_t v) { return env.store.UpdateProduct(IdParam(request), v, fields); });
  }));

  router.Delete("/api/v1/admin/products/{id}", Require(Access::kStaff, [&env](http::Request& request) {
    auto expected = ExpectedVersion(request);
    if (auto* refusal = std::get_if<http::Response>(&expected)) return std::move(*refusal);
    if (auto done = env.store.DeleteProduct(IdParam(request), std::get<std::int64_t>(expected)); !done) {
      return Problem(done.error(), request);
    }
    return http::Response::NoContent();
  }));

  for (const auto& [action, status] : {std::pair{"publish", ProductStatus::kPublished},
                                       std::pair{"unpublish", ProductStatus::kDraft}}) {
    router.Post(std::string("/api/v1/admin/products/{id}/") + action,
                Require(Access::kStaff, [&env, status](http::Request& request) {
                  ProductInput fields;
                  fields.status = status;
                  return Edit(env, request,
                              [&](std::int64_t v) { return env.store.UpdateProduct(IdParam(request), v, fields); });
                }));
  }

  router.Post("/api/v1/admin/products/{id}/variants", Require(Access::kStaff, [&env, &currency](http::Request& request) {
    auto input = http::JsonInput::Parse(request);
    if (!input) return Problem(input.error(), request);
    VariantInput fields;
    ReadVariantFields(*input, fields, true, currency);
    if (auto done = input->Finish(); !done) return Problem(done.error(), request);
    return Edit(env, request, [&](std::int64_t v) { return env.store.AddVariant(IdParam(request), v, fields); });
  }));

  router.Patch("/api/v1/admin/products/{id}/variants/{sku}",
               Require(Access::kStaff, [&env, &currency](http::Request& request) {
                 auto input = http::JsonInput::Parse(request);
                 if (!input) return Problem(input.error(), request);
                 VariantInput fields;
                 ReadVariantFields(*input, fields, false, currency);
                 if (auto done = input->Finish(); !done) return Problem(done.error(), request);
                 return Edit(env, request, [&](std::int64_t v) {
                   return env.store.UpdateVariant(IdParam(request), request.PathParam("sku"), v, fields);
                 });
               }));

  router.Delete("/api/v1/admin/products/{id}/variants/{sku}", Require(Access::kStaff, [&env](http::Request& request) {
    return Edit(env, request, [&](std::int64_t v) {
      return env.store.DeleteVariant(IdParam(request), request.PathParam("sku"), v);
    });
  }));

  // The raw image is the body. If-Match is optional here: an upload adds an
  // image and overwrites nothing.
  router.Post(
      "/api/v1/admin/products/{id}/images", Require(Access::kStaff, [&env](http::Request& request) {
        if (!IsAcceptedImageType(request.Header("Content-Type").value_or(""))) {
          return http::Response::ProtocolProblem(415, "unsupported-media-type", "Unsupported media type",
                                                 "send the image as image/jpeg, image/png or image/webp",
                                                 request.path);
        }
        std::optional<std::int64_t> expected;
        if (request.Header("If-Match")) {
          auto v = ExpectedVersion(request);
          if (auto* refusal = std::get_if<http::Response>(&v)) return std::move(*refusal);
          expected = std::get<std::int64_t>(v);
        }
        auto current = env.store.GetProduct(IdParam(request));
        if (!current) return Problem(current.error(), request);
        auto files = StoreImage(env.media_root, env.ids.NewId(), request.body);
        if (!files) return Problem(files.error(), request);
        std::string alt = request.Query("alt").value_or(current->name);
        if (alt.size() > 200) alt.resize(200);
        Result<Product> product = Error::Internal("not stored");
        try {
          product = env.store.AddImage(IdParam(request), expected,
                                       StoredImage{files->path, files->small_path, files->large_path, alt,
                                                   files->width, files->height});
        } catch (...) {
          RemoveImage(env.media_root, *files);
          throw;
        }
        if (!product) {
          RemoveImage(env.media_root, *files);
          return Problem(product.error(), request);
        }
        return ProductResponse(env, 201, *product);
      }),
      http::RouteOptions{.blocking = true, .body_limit = static_cast<std::size_t>(env.config.catalog.image_max_bytes)});

  router.Delete("/api/v1/admin/products/{id}/images/{image_id}", Require(Access::kStaff, [&env](http::Request& request) {
    return Edit(env, request, [&](std::int64_t v) {
      return env.store.DeleteImage(IdParam(request), request.PathParam("image_id"), v);
    });
  }));

  // Categories and brands, named by slug.
  router.Get("/api/v1/admin/categories", Require(Access::kStaff, [&env](http::Request&) {
    json::array items;
    for (const auto& c : env.store.Categories()) items.push_back(CategoryJson(c));
    return http::Response::Json(200, json::object{{"items", std::move(items)}});
  }));

  auto category_fields = [](http::JsonInput& input, CategoryInput& out, bool creating) {
    out.name = input.String("name", creating);
    out.description = input.String("description", false);
    if (input.IsNull("parent")) {
      input.Ignore("parent");
      out.parent_slug = std::string();
    } else {
      out.parent_slug = input.String("parent", false);
    }
    if (auto p = input.Int("position", false, 0, 10000)) out.position = static_cast<int>(*p);
  };

  router.Post("/api/v1/admin/categories", Require(Access::kStaff, [&env, category_fields](http::Request& request) {
    auto input = http::JsonInput::Parse(request);
    if (!input) return Problem(input.error(), request);
    CategoryInput fields;
    category_fields(*input, fields, true);
    if (auto done = input->Finish(); !done) return Problem(done.error(), request);
    auto c = env.store.CreateCategory(fields);
    if (!c) return Problem(c.error(), request);
    return http::Response::Json(201, CategoryJson(*c));
  }));

  router.Patch("/api/v1/admin/categories/{slug}", Require(Access::kStaff, [&env, category_fields](http::Request& request) {
    auto input = http::JsonInput::Parse(request);
    if (!input) return Problem(input.error(), request);
    CategoryInput fields;
    category_fields(*input, fields, false);
    if (auto done = input->Finish(); !done) return Problem(done.error(), request);
    auto c = env.store.UpdateCategory(request.PathParam("slug"), fields);
    if (!c) return Problem(c.error(), request);
    return http::Response::Json(200, CategoryJson(*c));
  }));

  router.Delete("/api/v1/admin/categories/{slug}", Require(Access::kStaff, [&env](http::Request& request) {
    if (auto done = env.store.DeleteCategory(request.PathParam("slug")); !done) return Problem(done.error(), request);
    return http::Response::NoContent();
  }));

  router.Get("/api/v1/admin/brands", Require(Access::kStaff, [&env](http::Request&) {
    json::array items;
    for (const auto& b : env.store.Brands()) items.push_back(BrandJson(b));
    return http::Response::Json(200, json::object{{"items", std::move(items)}});
  }));

  router.Post("/api/v1/admin/brands", Require(Access::kStaff, [&env](http::Request& request) {
    auto input = http::JsonInput::Parse(request);
    if (!input) return Problem(input.error(), request);
    auto name = input->String("name", true);
    if (auto done = input->Finish(); !done) return Problem(done.error(), request);
    auto b = env.store.CreateBrand(*name);
    if (!b) return Problem(b.error(), request);
    return http::Response::Json(201, BrandJson(*b));
  }));

  router.Patch("/api/v1/admin/brands/{slug}", Require(Access::kStaff, [&env](http::Request& request) {
    auto input = http::JsonInput::Parse(request);
    if (!input) return Problem(input.error(), request);
    auto name = input->String("name", true);
    if (auto done = input->Finish(); !done) return Problem(done.error(), request);
    auto b = env.store.UpdateBrand(request.PathParam("slug"), *name);
    if (!b) return Problem(b.error(), request);
    return http::Response::Json(200, BrandJson(*b));
  }));

  router.Delete("/api/v1/admin/brands/{slug}", Require(Access::kStaff, [&env](http::Request& request) {
    if (auto done = env.store.DeleteBrand(request.PathParam("slug")); !done) return Problem(done.error(), request);
    return http::Response::NoContent();
  }));
}

}  // namespace shop::catalog
