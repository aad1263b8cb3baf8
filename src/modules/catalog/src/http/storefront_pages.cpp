// Storefront: /c/{slug} (a category's product grid, sortable, paged by
// cursor) and /p/{slug} (a product with a variant picker that works without
// JavaScript: one link per variant, ?sku= selects it).
#include "http/pages.hpp"

#include <boost/json.hpp>

namespace shop::catalog {

namespace http = platform::http;
namespace json = boost::json;

namespace {

constexpr int kGridSize = 24;

const std::vector<std::pair<std::string, std::string>>& Sorts() {
  static const std::vector<std::pair<std::string, std::string>> kSorts{
      {"newest", "Newest"}, {"price_asc", "Price: low to high"}, {"price_desc", "Price: high to low"}, {"name", "Name"}};
  return kSorts;
}

json::object Card(const Product& p, const Availability& available) {
  json::object card{{"name", p.name}, {"href", "/p/" + p.slug}};
  if (!p.images.empty()) {
    card["image"] = p.images.front().large_url;
    card["alt"] = p.images.front().alt;
  }
  if (!p.variants.empty()) {
    const Variant* cheapest = &p.variants.front();
    bool any_stock = false;
    for (const auto& v : p.variants) {
      if (v.price.amount < cheapest->price.amount) cheapest = &v;
      if (auto it = available.find(v.sku); it != available.end() && it->second > 0) any_stock = true;
    }
    card["price"] = (p.variants.size() > 1 ? "from " : "") + Price(cheapest->price);
    if (cheapest->compare_at_price) card["compare_at"] = Price(*cheapest->compare_at_price);
    card["in_stock"] = any_stock;
  }
  return card;
}

}  // namespace

void RegisterStorefrontPages(http::Router& router, const HttpEnv& env) {
  router.Get("/c/{slug}", [&env](http::Request& request) {
    const std::string slug(request.PathParam("slug"));
    auto categories = env.store.Categories();
    auto it = std::find_if(categories.begin(), categories.end(), [&](const Category& c) { return c.slug == slug; });
    if (it == categories.end()) return ErrorPage(env, request, Error::NotFound("There is no such category."));
    auto query = ParseProductQuery(request);
    if (!query) return ErrorPage(env, request, query.error());
    query->category_slug = slug;
    if (!request.Query("limit")) query->limit = kGridSize;
    auto page = env.store.ListProducts(*query);
    if (!page) return ErrorPage(env, request, page.error());
    Availability available = AvailabilityOf(env.inventory, page->items);

    json::object data = PageData(env, request, it->name);
    data["description"] = it->description;
    data["category"] = CategoryJson(*it);
    json::array children;
    for (const auto& c : categories) {
      if (c.parent_id == it->id) children.push_back(json::object{{"name", c.name}, {"href", "/c/" + c.slug}});
    }
    if (it->parent_id) {
      for (const auto& c : categories) {
        if (c.id == *it->parent_id) data["parent"] = json::object{{"name", c.name}, {"href", "/c/" + c.slug}};
      }
    }
    data["has_children"] = !children.empty();
    data["children"] = std::move(children);
    const std::string sort = request.Query("sort").value_or("newest");
    json::array sorts;
    for (const auto& [value, label] : Sorts()) {
      sorts.push_back(json::object{{"value", value}, {"label", label}, {"selected", value == sort}});
    }
    data["sorts"] = std::move(sorts);
    json::array cards;
    for (const auto& p : page->items) cards.push_back(Card(p, available));
    data["has_products"] = !cards.empty();
    data["products"] = std::move(cards);
    if (page->next_cursor) {
      data["next_href"] = "/c/" + slug + "?sort=" + EncodeQuery(sort) + "&cursor=" + EncodeQuery(*page->next_cursor);
    }
    if (query->cursor.empty() == false) data["first_href"] = "/c/" + slug + "?sort=" + EncodeQuery(sort);
    return RenderPage(env, 200, "catalog/category", data, false);
  });

  router.Get("/p/{slug}", [&env](http::Request& request) {
    auto product = env.store.GetProductBySlug(request.PathParam("slug"), true);
    if (!product) return ErrorPage(env, request, product.error());
    const Product& p = *product;
    Availability available = AvailabilityOf(env.inventory, {p});
    const std::string wanted = request.Query("sku").value_or("");
    const Variant* selected = p.variants.empty() ? nullptr : &p.variants.front();
    for (const auto& v : p.variants) {
      if (v.sku == wanted) selected = &v;
    }
    json::object data = PageData(env, request, p.seo_title.empty() ? p.name : p.seo_title);
    data["description"] = p.seo_description;
    data["name"] = p.name;
    data["body"] = p.description;
    if (p.brand) data["brand"] = p.brand->name;
    if (p.category) data["category"] = json::object{{"name", p.category->name}, {"href", "/c/" + p.category->slug}};
    json::array images;
    for (const auto& img : p.images) {
      images.push_back(json::object{{"large", img.large_url}, {"small", img.small_url}, {"url", img.url}, {"alt", img.alt}});
    }
    if (!images.empty()) data["main_image"] = images.front();
    data["has_thumbnails"] = images.size() > 1;
    data["images"] = std::move(images);
    json::array attributes;
    for (const auto& [name, value] : p.attributes) attributes.push_back(json::object{{"name", name}, {"value", value}});
    data["has_attributes"] = !attributes.empty();
    data["attributes"] = std::move(attributes);
    json::array variants;
    for (const auto& v : p.variants) {
      std::string label;
      for (const auto& [name, value] : v.options) label += (label.empty() ? "" : " / ") + value;
      if (label.empty()) label = v.sku;
      auto it = available.find(v.sku);
      std::int64_t units = it == available.end() ? 0 : it->second;
      variants.push_back(json::object{{"sku", v.sku},
                                      {"label", label},
                                      {"href", "/p/" + p.slug + "?sku=" + EncodeQuery(v.sku)},
                                      {"price", Price(v.price)},
                                      {"selected", &v == selected},
                                      {"in_stock", units > 0}});
    }
    data["has_choice"] = variants.size() > 1;
    data["variants"] = std::move(variants);
    if (selected) {
      auto it = available.find(selected->sku);
      std::int64_t units = it == available.end() ? 0 : it->second;
      json::object sel{{"sku", selected->sku}, {"price", Price(selected->price)}, {"in_stock", units > 0},
                       {"low", units > 0 && units <= 5}, {"available", units}};
      if (selected->compare_at_price && selected->compare_at_price->amount > selected->price.amount) {
        sel["compare_at"] = Price(*selected->compare_at_price);
      }
      json::array options;
      for (const auto& [name, value] : selected->options) options.push_back(json::object{{"name", name}, {"value", value}});
      sel["options"] = std::move(options);
      data["selected"] = std::move(sel);
    }
    return RenderPage(env, 200, "catalog/product", data, false);
  });
}

}  // namespace shop::catalog
