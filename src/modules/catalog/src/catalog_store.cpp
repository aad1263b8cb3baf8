#include "catalog_store.hpp"

#include "cursor.hpp"
#include "options_json.hpp"
#include "rows.hpp"
#include "shop/catalog/events.hpp"
#include "slug.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace shop::catalog {

namespace db = platform::db;
using rows::Int;
using rows::OptStr;
using rows::Quote;
using rows::Str;

namespace {

constexpr const char* kProductColumns =
    "id, slug, name, description, category_id, brand_id, status, seo_title, seo_description, attributes,"
    " created_at_ms, updated_at_ms, version, min_price";
constexpr const char* kVariantColumns =
    "id, product_id, sku, options, price_amount, compare_at_amount, weight_grams, position";
constexpr const char* kImageColumns = "id, product_id, path, small_path, large_path, alt, width, height, position";
constexpr const char* kInsertProduct =
    "INSERT INTO catalog_products (id, slug, name, sort_name, description, category_id, brand_id, status,"
    " seo_title, seo_description, attributes, min_price, created_at_ms, updated_at_ms, version)"
    " VALUES (:id, :slug, :name, :sort_name, :description, :category_id, :brand_id, :status, :seo_title,"
    " :seo_description, :attributes, :min_price, :created, :updated, :version)";
constexpr const char* kUpdateProduct =
    "UPDATE catalog_products SET name = :name, sort_name = :sort_name, description = :description,"
    " category_id = :category_id, brand_id = :brand_id, status = :status, seo_title = :seo_title,"
    " seo_description = :seo_description, attributes = :attributes WHERE id = :id";
constexpr const char* kInsertVariant =
    "INSERT INTO catalog_variants (id, product_id, sku, options, price_amount, compare_at_amount, weight_grams,"
    " position) VALUES (:id, :product_id, :sku, :options, :price, :compare_at, :weight, :position)";
constexpr const char* kUpdateVariant =
    "UPDATE catalog_variants SET options = :options, price_amount = :price, compare_at_amount = :compare_at,"
    " weight_grams = :weight, position = :position WHERE product_id = :product_id AND sku = :sku";
constexpr const char* kInsertImage =
    "INSERT INTO catalog_images (id, product_id, path, small_path, large_path, alt, width, height, position)"
    " VALUES (:id, :product_id, :path, :small_path, :large_path, :alt, :width, :height, :position)";
// The version check and bump come first, so on PostgreSQL the row is locked
// before anything else changes and a concurrent writer with the same
// expected version finds 0 rows (412) instead of overwriting.
constexpr const char* kBumpVersion =
    "UPDATE catalog_products SET version = version + 1, updated_at_ms = :now WHERE id = :id AND version = :v";
constexpr const char* kRefreshMinPrice =
    "UPDATE catalog_products SET min_price = COALESCE((SELECT MIN(price_amount) FROM catalog_variants"
    " WHERE product_id = :pid), 0) WHERE id = :id";
constexpr const char* kSlugTaken = "SELECT COUNT(*) FROM catalog_products WHERE slug = :slug";
constexpr const char* kSkuTaken = "SELECT COUNT(*) FROM catalog_variants WHERE sku = :sku";
constexpr const char* kAnyProduct =
    "SELECT COUNT(*) FROM (SELECT 1 AS one FROM catalog_products LIMIT 1) AS probe";
constexpr int kBatch = 500;

Error Stale() {
  return Error{ErrorCode::kPreconditionFailed, "the product changed since it was read (If-Match is stale)", {}};
}

std::string StatusText(ProductStatus s) { return std::string(ProductStatusName(s)); }

Product ProductFromRow(const soci::row& r) {
  Product p;
  p.id = ProductId{Str(r, 0)};
  p.slug = Str(r, 1);
  p.name = Str(r, 2);
  p.description = Str(r, 3);
  if (auto c = OptStr(r, 4)) p.category = Category{.id = *c};
  if (auto b = OptStr(r, 5)) p.brand = Brand{.id = *b};
  p.status = Str(r, 6) == "published" ? ProductStatus::kPublished : ProductStatus::kDraft;
  p.seo_title = Str(r, 7);
  p.seo_description = Str(r, 8);
  p.attributes = ParseOptions(Str(r, 9));
  p.created_at_ms = Int(r, 10);
  p.updated_at_ms = Int(r, 11);
  p.version = Int(r, 12);
  return p;
}

std::string InList(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += Quote(v);
  }
  return out;
}

std::string MediaUrl(const std::string& path) { return path.empty() ? std::string() : "/media/" + path; }

std::int64_t Count(soci::session& sql, const char* query, const std::string& value) {
  long long n = 0;
  sql << query, soci::use(value), soci::into(n);
  return n;
}

std::int64_t Affected(soci::statement& st) { return st.get_affected_rows(); }

}  // namespace

std::string_view ProductStatusName(ProductStatus status) {
  return status == ProductStatus::kPublished ? "published" : "draft";
}

bool IsValidSkuCode(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

std::vector<std::string> Subtree(const std::vector<Category>& all, const std::string& root_id) {
  std::vector<std::string> out{root_id};
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (const auto& c : all) {
      if (c.parent_id && *c.parent_id == out[i]) out.push_back(c.id);
    }
  }
  return out;
}

// Bounds how long another instance's change can go unseen when its event
// does not arrive (the same bound as the product document cache).
constexpr std::chrono::seconds kVariantCacheMaxAge{10};

CatalogStore::CatalogStore(CatalogStoreDeps deps)
    : deps_(deps), variants_(deps.variant_cache_entries, kVariantCacheMaxAge) {}

// ---- reads ----------------------------------------------------------------

namespace {

std::vector<Category> LoadCategories(soci::session& sql) {
  std::vector<Category> flat;
  soci::rowset<soci::row> rs =
      (sql.prepare << "SELECT id, parent_id, slug, name, description, position FROM catalog_categories"
                      " ORDER BY position, name, id");
  for (const auto& r : rs) {
    flat.push_back(Category{.id = Str(r, 0),
                            .slug = Str(r, 2),
                            .name = Str(r, 3),
                            .description = Str(r, 4),
                            .parent_id = OptStr(r, 1),
                            .position = static_cast<int>(Int(r, 5))});
  }
  // Parents before children: breadth-first from the roots, keeping order.
  std::vector<Category> ordered;
  std::set<std::string> placed;
  for (const auto& c : flat) {
    if (!c.parent_id) {
      ordered.push_back(c);
      placed.insert(c.id);
    }
  }
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    for (const auto& c : flat) {
      if (c.parent_id && *c.parent_id == ordered[i].id && !placed.count(c.id)) {
        ordered.push_back(c);
        placed.insert(c.id);
      }
    }
  }
  return ordered;
}

std::vector<Brand> LoadBrands(soci::session& sql) {
  std::vector<Brand> out;
  soci::rowset<soci::row> rs = (sql.prepare << "SELECT id, slug, name FROM catalog_brands ORDER BY name, id");
  for (const auto& r : rs) out.push_back(Brand{Str(r, 0), Str(r, 1), Str(r, 2)});
  return out;
}

// Fills variants, images, category and brand of `items` with two queries.
void Complete(soci::session& sql, std::vector<Product>& items, const platform::money::Currency& currency) {
  if (items.empty()) return;
  std::vector<std::string> ids;
  std::map<std::string, Product*> by_id;
  for (auto& p : items) {
    ids.push_back(p.id.value);
    by_id[p.id.value] = &p;
  }
  const std::string in = InList(ids);
  {
    soci::rowset<soci::row> rs = (sql.prepare << fmt::format(
                                      "SELECT {} FROM catalog_variants WHERE product_id IN ({})"
                                      " ORDER BY product_id, position, sku",
                                      kVariantColumns, in));
    for (const auto& r : rs) {
      Variant v;
      v.id = Str(r, 0);
      v.sku = Str(r, 2);
      v.options = ParseOptions(Str(r, 3));
      v.price = platform::money::Money{Int(r, 4), currency};
      if (!rows::IsNull(r, 5)) v.compare_at_price = platform::money::Money{Int(r, 5), currency};
      v.weight_grams = Int(r, 6);
      v.position = static_cast<int>(Int(r, 7));
      by_id[Str(r, 1)]->variants.push_back(std::move(v));
    }
  }
  {
    soci::rowset<soci::row> rs = (sql.prepare << fmt::format(
                                      "SELECT {} FROM catalog_images WHERE product_id IN ({})"
                                      " ORDER BY product_id, position, id",
                                      kImageColumns, in));
    for (const auto& r : rs) {
      Image img;
      img.id = Str(r, 0);
      img.url = MediaUrl(Str(r, 2));
      img.small_url = MediaUrl(Str(r, 3));
      img.large_url = MediaUrl(Str(r, 4));
      img.alt = Str(r, 5);
      img.width = static_cast<int>(Int(r, 6));
      img.height = static_cast<int>(Int(r, 7));
      img.position = static_cast<int>(Int(r, 8));
      by_id[Str(r, 1)]->images.push_back(std::move(img));
    }
  }
  bool needs_links = std::any_of(items.begin(), items.end(), [](const Product& p) { return p.category || p.brand; });
  if (!needs_links) return;
  std::map<std::string, Category> categories;
  for (auto& c : LoadCategories(sql)) categories[c.id] = c;
  std::map<std::string, Brand> brands;
  for (auto& b : LoadBrands(sql)) brands[b.id] = b;
  for (auto& p : items) {
    if (p.category) {
      if (auto it = categories.find(p.category->id); it != categories.end()) p.category = it->second;
    }
    if (p.brand) {
      if (auto it = brands.find(p.brand->id); it != brands.end()) p.brand = it->second;
    }
  }
}

std::optional<Product> LoadOne(soci::session& sql, const char* column, const std::string& value,
                               const platform::money::Currency& currency) {
  std::vector<Product> found;
  soci::rowset<soci::row> rs =
      (sql.prepare << fmt::format("SELECT {} FROM catalog_products WHERE {} = :v", kProductColumns, column),
       soci::use(value));
  for (const auto& r : rs) found.push_back(ProductFromRow(r));
  if (found.empty()) return std::nullopt;
  Complete(sql, found, currency);
  return found.front();
}

}  // namespace

Result<Product> CatalogStore::GetProduct(const ProductId& id) {
  if (id.value.empty() || id.value.size() > 64) return Error::NotFound("no such product");
  auto p = deps_.db.WithSession([&](soci::session& sql) { return LoadOne(sql, "id", id.value, deps_.currency); });
  if (!p) return Error::NotFound("no such product");
  return *p;
}

Result<Product> CatalogStore::GetProductBySlug(std::string_view slug, bool published_only) {
  if (!IsValidSlug(slug)) return Error::InvalidInput("malformed slug", {{"slug", "must be lower-case letters, digits and single hyphens"}});
  auto p = deps_.db.WithSession(
      [&](soci::session& sql) { return LoadOne(sql, "slug", std::string(slug), deps_.currency); });
  if (!p || (published_only && p->status != ProductStatus::kPublished)) return Error::NotFound("no such product");
  return *p;
}

std::vector<SellableVariant> CatalogStore::GetSellableVariants(const std::vector<std::string>& skus) {
  std::vector<SellableVariant> out;
  std::vector<std::string> missing;
  for (const auto& s : skus) {
    if (!IsValidSkuCode(s)) continue;
    if (auto hit = variants_.Find(s)) {
      out.push_back(std::move(*hit));
    } else {
      missing.push_back(s);
    }
  }
  if (!missing.empty()) {
    const std::uint64_t generation = variants_.Generation();
    for (SellableVariant& v : QuerySellableVariants(missing)) {
      variants_.Put(v, generation);
      out.push_back(std::move(v));
    }
  }
  // The query's order, whichever rows came from the cache.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.sku < b.sku; });
  out.erase(std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.sku == b.sku; }),
            out.end());
  return out;
}

std::vector<SellableVariant> CatalogStore::QuerySellableVariants(const std::vector<std::string>& valid) {
  return deps_.db.WithSession([&](soci::session& sql) {
    std::vector<SellableVariant> out;
    soci::rowset<soci::row> rs = (sql.prepare << fmt::format(
                                      "SELECT v.sku, v.options, v.price_amount, v.weight_grams, p.id, p.slug, p.name,"
                                      " p.status, (SELECT i.small_path FROM catalog_images i WHERE i.product_id = p.id"
                                      " ORDER BY i.position, i.id LIMIT 1)"
                                      " FROM catalog_variants v JOIN catalog_products p ON p.id = v.product_id"
                                      " WHERE v.sku IN ({}) ORDER BY v.sku",
                                      InList(valid)));
    for (const auto& r : rs) {
      out.push_back(SellableVariant{.sku = Str(r, 0),
                                    .product_id = ProductId{Str(r, 4)},
                                    .product_slug = Str(r, 5),
                                    .product_name = Str(r, 6),
                                    .options = ParseOptions(Str(r, 1)),
                                    .price = {Int(r, 2), deps_.currency},
                                    .weight_grams = Int(r, 3),
                                    .published = Str(r, 7) == "published",
                                    .image_url = MediaUrl(Str(r, 8))});
    }
    return out;
  });
}

namespace {

struct SortSpec {
  char code;
  const char* column;
  const char* direction;  // "ASC" | "DESC"
  bool numeric;
};

SortSpec SpecOf(ProductSort sort) {
  switch (sort) {
    case ProductSort::kPriceAsc:
      return {'a', "min_price", "ASC", true};
    case ProductSort::kPriceDesc:
      return {'d', "min_price", "DESC", true};
    case ProductSort::kName:
      return {'m', "sort_name", "ASC", false};
    case ProductSort::kNewest:
      break;
  }
  return {'n', "created_at_ms", "DESC", true};
}

std::string KeyOf(const Product& p, const SortSpec& spec, std::int64_t min_price) {
  switch (spec.code) {
    case 'a':
    case 'd':
      return std::to_string(min_price);
    case 'm':
      return SortName(p.name);
    default:
      return std::to_string(p.created_at_ms);
  }
}

// The keyset query shared by the public list and the staff search.
// `complete` loads variants, images, category and brand; without it the
// items carry only their product row (enough for a slug list).
Result<ProductPage> Page(soci::session& sql, const SortSpec& spec, const std::string& filters, int limit,
                         std::string_view cursor_text, const platform::money::Currency& currency,
                         bool complete = true) {
  std::optional<CursorKey> cursor;
  if (!cursor_text.empty()) {
    cursor = DecodeCursor(cursor_text);
    if (!cursor || cursor->sort != spec.code) {
      return Error::InvalidInput("invalid cursor", {{"cursor", "not a cursor of this list and sort"}});
    }
  }
  const char* cmp = std::string_view(spec.direction) == "ASC" ? ">" : "<";
  std::string where = filters;
  if (cursor) {
    where += fmt::format(" AND ({0} {1} :k1 OR ({0} = :k2 AND id {1} :cid))", spec.column, cmp);
  }
  std::string query =
      fmt::format("SELECT {}, {} FROM catalog_products WHERE 1 = 1{} ORDER BY {} {}, id {} LIMIT {}", kProductColumns,
                  spec.column, where, spec.column, spec.direction, spec.direction, limit + 1);
  std::vector<Product> items;
  std::vector<std::int64_t> min_prices;
  auto collect = [&](soci::rowset<soci::row>& rs) {
    for (const auto& r : rs) {
      items.push_back(ProductFromRow(r));
      min_prices.push_back(Int(r, 13));
    }
  };
  if (!cursor) {
    soci::rowset<soci::row> rs = (sql.prepare << query);
    collect(rs);
  } else if (spec.numeric) {
    long long k = std::stoll(cursor->key);
    long long k2 = k;
    soci::rowset<soci::row> rs =
        (sql.prepare << query, soci::use(k, "k1"), soci::use(k2, "k2"), soci::use(cursor->id, "cid"));
    collect(rs);
  } else {
    std::string k2 = cursor->key;
    soci::rowset<soci::row> rs =
        (sql.prepare << query, soci::use(cursor->key, "k1"), soci::use(k2, "k2"), soci::use(cursor->id, "cid"));
    collect(rs);
  }
  ProductPage page;
  if (static_cast<int>(items.size()) > limit) {
    items.resize(static_cast<std::size_t>(limit));
    const Product& last = items.back();
    page.next_cursor = EncodeCursor(CursorKey{spec.code, last.id.value, KeyOf(last, spec, min_prices[limit - 1])});
  }
  if (complete) Complete(sql, items, currency);
  page.items = std::move(items);
  return page;
}

}  // namespace

Result<ProductPage> CatalogStore::ListProducts(const ProductQuery& query) { return ListPage(query, true); }

Result<SlugPage> CatalogStore::ListProductSlugs(const ProductQuery& query) {
  auto page = ListPage(query, false);
  if (!page) return page.error();
  SlugPage out;
  out.slugs.reserve(page->items.size());
  for (auto& p : page->items) out.slugs.push_back(std::move(p.slug));
  out.next_cursor = std::move(page->next_cursor);
  return out;
}

Result<ProductPage> CatalogStore::ListPage(const ProductQuery& query, bool complete) {
  if (query.limit < 1 || query.limit > 100) {
    return Error::InvalidInput("invalid limit", {{"limit", "must be an integer from 1 to 100"}});
  }
  return deps_.db.WithSession([&](soci::session& sql) -> Result<ProductPage> {
    std::string filters = query.include_drafts ? "" : " AND status = 'published'";
    if (query.category_slug) {
      if (!IsValidSlug(*query.category_slug)) {
        return Error::InvalidInput("malformed category", {{"category", "not a category slug"}});
      }
      auto all = LoadCategories(sql);
      auto it = std::find_if(all.begin(), all.end(), [&](const Category& c) { return c.slug == *query.category_slug; });
      if (it == all.end()) return Error::NotFound("no such category");
      filters += " AND category_id IN (" + InList(Subtree(all, it->id)) + ")";
    }
    return Page(sql, SpecOf(query.sort), filters, query.limit, query.cursor, deps_.currency, complete);
  });
}

Result<ProductPage> CatalogStore::SearchProducts(std::string_view q, int limit, std::string_view cursor) {
  if (limit < 1 || limit > 100) return Error::InvalidInput("invalid limit", {{"limit", "must be an integer from 1 to 100"}});
  std::string filter;
  if (!q.empty()) {
    // Inlined as a literal with LIKE wildcards escaped ('!' means the same in both dialects).
    std::string pattern = "%";
    for (char c : SortName(q)) {
      if (c == '%' || c == '_' || c == '!') pattern += '!';
      pattern += c;
    }
    pattern += "%";
    filter = " AND sort_name LIKE " + Quote(pattern) + " ESCAPE '!'";
  }
  return deps_.db.WithSession([&](soci::session& sql) {
    return Page(sql, SpecOf(ProductSort::kNewest), filter, limit, cursor, deps_.currency);
  });
}

std::vector<Category> CatalogStore::Categories() {
  return deps_.db.WithSession([](soci::session& sql) { return LoadCategories(sql); });
}

std::vector<Brand> CatalogStore::Brands() {
  return deps_.db.WithSession([](soci::session& sql) { return LoadBrands(sql); });
}

void CatalogStore::ForEachProduct(const std::function<void(const Product&)>& fn) {
  std::string after;
  for (;;) {
    std::vector<Product> batch = deps_.db.WithSession([&](soci::session& sql) {
      std::vector<Product> items;
      soci::rowset<soci::row> rs =
          (sql.prepare << fmt::format("SELECT {} FROM catalog_products WHERE id > :after ORDER BY id LIMIT {}",
                                      kProductColumns, kBatch),
           soci::use(after));
      for (const auto& r : rs) items.push_back(ProductFromRow(r));
      Complete(sql, items, deps_.currency);
      return items;
    });
    if (batch.empty()) return;
    after = batch.back().id.value;
    for (const auto& p : batch) fn(p);
    if (static_cast<int>(batch.size()) < kBatch) return;
  }
}

std::vector<ProductStamp> CatalogStore::ChangedSince(std::int64_t since_ms, int limit) {
  limit = std::clamp(limit, 1, 1000);
  return deps_.db.WithSession([&](soci::session& sql) {
    std::vector<ProductStamp> out;
    long long since = since_ms;
    soci::rowset<soci::row> rs =
        (sql.prepare << fmt::format("SELECT id, version, updated_at_ms FROM catalog_products"
                                    " WHERE updated_at_ms >= :since ORDER BY updated_at_ms, id LIMIT {}",
                                    limit),
         soci::use(since));
    for (const auto& r : rs) out.push_back(ProductStamp{ProductId{Str(r, 0)}, Int(r, 1), Int(r, 2)});
    return out;
  });
}

bool CatalogStore::HasProducts() {
  return deps_.db.WithSession([](soci::session& sql) {
    long long n = 0;
    sql << kAnyProduct, soci::into(n);
    return n > 0;
  });
}

// ---- writes ---------------------------------------------------------------

namespace {

struct Links {
  std::optional<std::string> category_id;
  std::optional<std::string> brand_id;
};

// Resolves slugs to ids; "" clears. Missing → field error.
Result<void> ResolveLinks(soci::session& sql, const ProductInput& input, Product& p, std::vector<FieldError>& errors) {
  if (input.category_slug) {
    if (input.category_slug->empty()) {
      p.category.reset();
    } else {
      std::string id;
      soci::indicator ind = soci::i_ok;
      sql << "SELECT id FROM catalog_categories WHERE slug = :s", soci::use(*input.category_slug), soci::into(id, ind);
      if (!sql.got_data()) {
        errors.push_back({"category", "no such category"});
      } else {
        p.category = Category{.id = id};
      }
    }
  }
  if (input.brand_slug) {
    if (input.brand_slug->empty()) {
      p.brand.reset();
    } else {
      std::string id;
      sql << "SELECT id FROM catalog_brands WHERE slug = :s", soci::use(*input.brand_slug), soci::into(id);
      if (!sql.got_data()) {
        errors.push_back({"brand", "no such brand"});
      } else {
        p.brand = Brand{.id = id};
      }
    }
  }
  return {};
}

void ValidateText(std::vector<FieldError>& errors, std::string_view field, const std::optional<std::string>& value,
                  std::size_t max, bool required) {
  if (!value) return;
  if (required && value->find_first_not_of(" \t\r\n") == std::string::npos) {
    errors.push_back({std::string(field), "must not be empty"});
  } else if (value->size() > max) {
    errors.push_back({std::string(field), fmt::format("at most {} bytes", max)});
  }
}

void ValidateOptions(std::vector<FieldError>& errors, std::string_view field, const std::optional<OptionValues>& values) {
  if (!values) return;
  if (values->size() > 20) errors.push_back({std::string(field), "at most 20 entries"});
  std::set<std::string> seen;
  for (const auto& [name, value] : *values) {
    if (name.empty() || name.size() > 40 || value.size() > 200) {
      errors.push_back({std::string(field), "names are 1..40 bytes, values at most 200"});
      return;
    }
    if (!seen.insert(name).second) {
      errors.push_back({std::string(field), "a name appears twice: " + name});
      return;
    }
  }
}

void ValidateVariant(std::vector<FieldError>& errors, const VariantInput& v, bool creating) {
  if (creating && !v.sku) errors.push_back({"sku", "required"});
  if (v.sku && !IsValidSkuCode(*v.sku)) errors.push_back({"sku", "1..64 of A-Z a-z 0-9 . _ -"});
  if (creating && !v.price) errors.push_back({"price", "required"});
  if (v.price && (*v.price < 0 || *v.price > kMaxPrice)) errors.push_back({"price", "an integer amount in minor units, 0 or more"});
  if (v.compare_at && *v.compare_at && (**v.compare_at < 0 || **v.compare_at > kMaxPrice)) {
    errors.push_back({"compare_at_price", "an integer amount in minor units, 0 or more"});
  }
  if (v.weight_grams && (*v.weight_grams < 0 || *v.weight_grams > 10'000'000)) {
    errors.push_back({"weight_grams", "from 0 to 10000000"});
  }
  if (v.position && (*v.position < 0 || *v.position > 10000)) errors.push_back({"position", "from 0 to 10000"});
  ValidateOptions(errors, "options", v.options);
}

void WriteProductRow(soci::session& sql, const Product& p) {
  std::string category_id = p.category ? p.category->id : "";
  std::string brand_id = p.brand ? p.brand->id : "";
  soci::indicator cat_ind = p.category ? soci::i_ok : soci::i_null;
  soci::indicator brand_ind = p.brand ? soci::i_ok : soci::i_null;
  std::string sort_name = SortName(p.name), status = StatusText(p.status), attributes = OptionsJson(p.attributes);
  sql << kUpdateProduct, soci::use(p.name, "name"), soci::use(sort_name, "sort_name"),
      soci::use(p.description, "description"), soci::use(category_id, cat_ind, "category_id"),
      soci::use(brand_id, brand_ind, "brand_id"), soci::use(status, "status"), soci::use(p.seo_title, "seo_title"),
      soci::use(p.seo_description, "seo_description"), soci::use(attributes, "attributes"),
      soci::use(p.id.value, "id");
}

void InsertVariantRow(soci::session& sql, const std::string& id, const std::string& product_id, const Variant& v) {
  std::string options = OptionsJson(v.options);
  long long price = v.price.amount;
  long long compare = v.compare_at_price ? v.compare_at_price->amount : 0;
  soci::indicator compare_ind = v.compare_at_price ? soci::i_ok : soci::i_null;
  long long weight = v.weight_grams;
  int position = v.position;
  sql << kInsertVariant, soci::use(id, "id"), soci::use(product_id, "product_id"), soci::use(v.sku, "sku"),
      soci::use(options, "options"), soci::use(price, "price"), soci::use(compare, compare_ind, "compare_at"),
      soci::use(weight, "weight"), soci::use(position, "position");
}

}  // namespace

void CatalogStore::Committed(db::Tx& tx, const Product& product, std::string_view status) {
  deps_.outbox.Publish(tx, product.id.value,
                       events::ProductChanged{product.id.value, product.slug, std::string(status), product.version});
  tx.AfterCommit([this, slug = product.slug, id = product.id.value] {
    variants_.DropProduct(id);
    for (const auto& fn : listeners_) fn(slug);
  });
}

Result<Product> CatalogStore::CreateProduct(const ProductInput& input, const std::vector<VariantInput>& variants) {
  std::vector<FieldError> errors;
  if (!input.name) errors.push_back({"name", "required"});
  ValidateText(errors, "name", input.name, 200, true);
  ValidateText(errors, "description", input.description, 20000, false);
  ValidateText(errors, "seo_title", input.seo_title, 200, false);
  ValidateText(errors, "seo_description", input.seo_description, 500, false);
  ValidateOptions(errors, "attributes", input.attributes);
  std::set<std::string> skus;
  for (const auto& v : variants) {
    ValidateVariant(errors, v, true);
    if (v.sku && !skus.insert(*v.sku).second) errors.push_back({"variants", "SKU listed twice: " + *v.sku});
  }
  std::string base = input.name ? Slugify(*input.name) : "";
  if (input.name && errors.empty() && base.empty()) errors.push_back({"name", "needs at least one ASCII letter or digit"});
  if (!errors.empty()) return Error::InvalidInput("invalid product", std::move(errors));
  try {
    return deps_.db.InTransaction([&](db::Tx& tx) -> Result<Product> {
      auto& sql = tx.sql();
      Product p;
      p.id = ProductId{deps_.ids.NewId()};
      p.name = *input.name;
      p.description = input.description.value_or("");
      p.attributes = input.attributes.value_or(OptionValues{});
      p.status = input.status.value_or(ProductStatus::kDraft);
      p.seo_title = input.seo_title.value_or("");
      p.seo_description = input.seo_description.value_or("");
      p.created_at_ms = p.updated_at_ms = deps_.clock.NowMs();
      std::vector<FieldError> link_errors;
      ResolveLinks(sql, input, p, link_errors);
      if (!link_errors.empty()) return Error::InvalidInput("invalid product", std::move(link_errors));
      for (const auto& v : variants) {
        if (Count(sql, kSkuTaken, *v.sku) > 0) return Error::Conflict("SKU already exists: " + *v.sku);
      }
      p.slug = UniqueSlug(base, [&](const std::string& s) { return Count(sql, kSlugTaken, s) > 0; });
      std::string category_id = p.category ? p.category->id : "", brand_id = p.brand ? p.brand->id : "";
      soci::indicator cat_ind = p.category ? soci::i_ok : soci::i_null, brand_ind = p.brand ? soci::i_ok : soci::i_null;
      std::string sort_name = SortName(p.name), status = StatusText(p.status), attrs = OptionsJson(p.attributes);
      long long min_price = 0, created = p.created_at_ms, updated = p.updated_at_ms, version = 1;
      sql << kInsertProduct, soci::use(p.id.value, "id"), soci::use(p.slug, "slug"), soci::use(p.name, "name"),
          soci::use(sort_name, "sort_name"), soci::use(p.description, "description"),
          soci::use(category_id, cat_ind, "category_id"), soci::use(brand_id, brand_ind, "brand_id"),
          soci::use(status, "status"), soci::use(p.seo_title, "seo_title"),
          soci::use(p.seo_description, "seo_description"), soci::use(attrs, "attributes"),
          soci::use(min_price, "min_price"), soci::use(created, "created"), soci::use(updated, "updated"),
          soci::use(version, "version");
      int position = 0;
      for (const auto& in : variants) {
        Variant v;
        v.sku = *in.sku;
        v.options = in.options.value_or(OptionValues{});
        v.price = {*in.price, deps_.currency};
        if (in.compare_at && *in.compare_at) v.compare_at_price = platform::money::Money{**in.compare_at, deps_.currency};
        v.weight_grams = in.weight_grams.value_or(0);
        v.position = in.position.value_or(position++);
        InsertVariantRow(sql, deps_.ids.NewId(), p.id.value, v);
        deps_.outbox.Publish(tx, p.id.value, events::VariantAdded{p.id.value, v.sku});
      }
      std::vector<std::string> new_skus;
      for (const auto& in : variants) new_skus.push_back(*in.sku);
      if (!new_skus.empty()) {
        tx.AfterCommit([this, new_skus] {
          if (sku_listener_) sku_listener_(new_skus);
        });
      }
      sql << kRefreshMinPrice, soci::use(p.id.value, "pid"), soci::use(p.id.value, "id");
      auto stored = LoadOne(sql, "id", p.id.value, deps_.currency);
      Committed(tx, *stored, StatusText(stored->status));
      return *stored;
    });
  } catch (const db::DbError& e) {
    if (e.kind() == db::DbErrorKind::kUniqueViolation) return Error::Conflict("a product or SKU with that key exists");
    throw;
  }
}

Result<Product> CatalogStore::Mutate(const ProductId& id, std::optional<std::int64_t> expected_version,
                                     const std::function<Result<void>(db::Tx&, Product&)>& change) {
  if (id.value.empty() || id.value.size() > 64) return Error::NotFound("no such product");
  try {
    return deps_.db.InTransaction([&](db::Tx& tx) -> Result<Product> {
      auto& sql = tx.sql();
      auto current = LoadOne(sql, "id", id.value, deps_.currency);
      if (!current) return Error::NotFound("no such product");
      if (expected_version && *expected_version != current->version) return Stale();
      long long now = deps_.clock.NowMs(), v = current->version;
      soci::statement bump = (sql.prepare << kBumpVersion, soci::use(now, "now"), soci::use(id.value, "id"),
                              soci::use(v, "v"));
      bump.execute(true);
      if (Affected(bump) != 1) return Stale();
      Product p = *current;
      if (auto done = change(tx, p); !done) return done.error();
      sql << kRefreshMinPrice, soci::use(id.value, "pid"), soci::use(id.value, "id");
      auto stored = LoadOne(sql, "id", id.value, deps_.currency);
      Committed(tx, *stored, StatusText(stored->status));
      return *stored;
    });
  } catch (const db::DbError& e) {
    if (e.kind() == db::DbErrorKind::kUniqueViolation) return Error::Conflict("a variant with that SKU exists");
    throw;
  }
}

Result<Product> CatalogStore::UpdateProduct(const ProductId& id, std::optional<std::int64_t> expected_version,
                                            const ProductInput& input) {
  std::vector<FieldError> errors;
  ValidateText(errors, "name", input.name, 200, true);
  if (input.name && errors.empty() && Slugify(*input.name).empty()) errors.push_back({"name", "needs at least one ASCII letter or digit"});
  ValidateText(errors, "description", input.description, 20000, false);
  ValidateText(errors, "seo_title", input.seo_title, 200, false);
  ValidateText(errors, "seo_description", input.seo_description, 500, false);
  ValidateOptions(errors, "attributes", input.attributes);
  if (!errors.empty()) return Error::InvalidInput("invalid product", std::move(errors));
  return Mutate(id, expected_version, [&](db::Tx& tx, Product& p) -> Result<void> {
    std::vector<FieldError> link_errors;
    ResolveLinks(tx.sql(), input, p, link_errors);
    if (!link_errors.empty()) return Error::InvalidInput("invalid product", std::move(link_errors));
    // The slug stays: links and bookmarks keep working after a rename.
    if (input.name) p.name = *input.name;
    if (input.description) p.description = *input.description;
    if (input.attributes) p.attributes = *input.attributes;
    if (input.status) p.status = *input.status;
    if (input.seo_title) p.seo_title = *input.seo_title;
    if (input.seo_description) p.seo_description = *input.seo_description;
    WriteProductRow(tx.sql(), p);
    return {};
  });
}

Result<void> CatalogStore::DeleteProduct(const ProductId& id, std::optional<std::int64_t> expected_version) {
  if (id.value.empty() || id.value.size() > 64) return Error::NotFound("no such product");
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<void> {
    auto current = LoadOne(tx.sql(), "id", id.value, deps_.currency);
    if (!current) return Error::NotFound("no such product");
    if (expected_version && *expected_version != current->version) return Stale();
    tx.sql() << "DELETE FROM catalog_products WHERE id = :id", soci::use(id.value);
    current->version += 1;
    Committed(tx, *current, "deleted");
    return {};
  });
}

Result<Product> CatalogStore::AddVariant(const ProductId& id, std::optional<std::int64_t> expected_version,
                                         const VariantInput& input) {
  std::vector<FieldError> errors;
  ValidateVariant(errors, input, true);
  if (!errors.empty()) return Error::InvalidInput("invalid variant", std::move(errors));
  return Mutate(id, expected_version, [&](db::Tx& tx, Product& p) -> Result<void> {
    if (Count(tx.sql(), kSkuTaken, *input.sku) > 0) return Error::Conflict("SKU already exists: " + *input.sku);
    Variant v;
    v.sku = *input.sku;
    v.options = input.options.value_or(OptionValues{});
    v.price = {*input.price, deps_.currency};
    if (input.compare_at && *input.compare_at) v.compare_at_price = platform::money::Money{**input.compare_at, deps_.currency};
    v.weight_grams = input.weight_grams.value_or(0);
    v.position = input.position.value_or(static_cast<int>(p.variants.size()));
    InsertVariantRow(tx.sql(), deps_.ids.NewId(), p.id.value, v);
    deps_.outbox.Publish(tx, p.id.value, events::VariantAdded{p.id.value, v.sku});
    tx.AfterCommit([this, sku = v.sku] {
      if (sku_listener_) sku_listener_({sku});
    });
    return {};
  });
}

Result<Product> CatalogStore::UpdateVariant(const ProductId& id, std::string_view sku,
                                            std::optional<std::int64_t> expected_version, const VariantInput& input) {
  std::vector<FieldError> errors;
  ValidateVariant(errors, input, false);
  if (input.sku && *input.sku != sku) errors.push_back({"sku", "cannot be changed; add a new variant instead"});
  if (!errors.empty()) return Error::InvalidInput("invalid variant", std::move(errors));
  return Mutate(id, expected_version, [&](db::Tx& tx, Product& p) -> Result<void> {
    auto it = std::find_if(p.variants.begin(), p.variants.end(), [&](const Variant& v) { return v.sku == sku; });
    if (it == p.variants.end()) return Error::NotFound("no such variant");
    Variant v = *it;
    if (input.options) v.options = *input.options;
    if (input.price) v.price.amount = *input.price;
    if (input.compare_at) {
      v.compare_at_price.reset();
      if (*input.compare_at) v.compare_at_price = platform::money::Money{**input.compare_at, deps_.currency};
    }
    if (input.weight_grams) v.weight_grams = *input.weight_grams;
    if (input.position) v.position = *input.position;
    std::string options = OptionsJson(v.options), sku_text(sku);
    long long price = v.price.amount, compare = v.compare_at_price ? v.compare_at_price->amount : 0,
              weight = v.weight_grams;
    soci::indicator ind = v.compare_at_price ? soci::i_ok : soci::i_null;
    int position = v.position;
    tx.sql() << kUpdateVariant, soci::use(options, "options"), soci::use(price, "price"),
        soci::use(compare, ind, "compare_at"), soci::use(weight, "weight"), soci::use(position, "position"),
        soci::use(p.id.value, "product_id"), soci::use(sku_text, "sku");
    return {};
  });
}

Result<Product> CatalogStore::DeleteVariant(const ProductId& id, std::string_view sku,
                                            std::optional<std::int64_t> expected_version) {
  return Mutate(id, expected_version, [&](db::Tx& tx, Product& p) -> Result<void> {
    std::string sku_text(sku);
    soci::statement st = (tx.sql().prepare << "DELETE FROM catalog_variants WHERE product_id = :p AND sku = :s",
                          soci::use(p.id.value), soci::use(sku_text));
    st.execute(true);
    if (Affected(st) != 1) return Error::NotFound("no such variant");
    return {};
  });
}

Result<Product> CatalogStore::AddImage(const ProductId& id, std::optional<std::int64_t> expected_version,
                                       const StoredImage& image) {
  return Mutate(id, expected_version, [&](db::Tx& tx, Product& p) -> Result<void> {
    std::string image_id = deps_.ids.NewId();
    int position = static_cast<int>(p.images.size());
    int w = image.width, h = image.height;
    tx.sql() << kInsertImage, soci::use(image_id, "id"), soci::use(p.id.value, "product_id"),
        soci::use(image.path, "path"), soci::use(image.small_path, "small_path"),
        soci::use(image.large_path, "large_path"), soci::use(image.alt, "alt"), soci::use(w, "width"),
        soci::use(h, "height"), soci::use(position, "position");
    return {};
  });
}

Result<Product> CatalogStore::DeleteImage(const ProductId& id, std::string_view image_id,
                                          std::optional<std::int64_t> expected_version) {
  return Mutate(id, expected_version, [&](db::Tx& tx, Product& p) -> Result<void> {
    std::string image_text(image_id);
    soci::statement st = (tx.sql().prepare << "DELETE FROM catalog_images WHERE product_id = :p AND id = :i",
                          soci::use(p.id.value), soci::use(image_text));
    st.execute(true);
    if (Affected(st) != 1) return Error::NotFound("no such image");
    return {};
  });
}

// ---- categories and brands ------------------------------------------------

namespace {
void NotifyAll(db::Tx& tx, const std::vector<std::function<void(const std::string&)>>& listeners) {
  // A category or brand name is part of every product document that links it.
  tx.AfterCommit([&listeners] {
    for (const auto& fn : listeners) fn("");
  });
}
}  // namespace

Result<Category> CatalogStore::CreateCategory(const CategoryInput& input) {
  std::vector<FieldError> errors;
  if (!input.name) errors.push_back({"name", "required"});
  ValidateText(errors, "name", input.name, 100, true);
  ValidateText(errors, "description", input.description, 2000, false);
  if (input.name && errors.empty() && Slugify(*input.name).empty()) errors.push_back({"name", "needs an ASCII letter or digit"});
  if (!errors.empty()) return Error::InvalidInput("invalid category", std::move(errors));
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<Category> {
    auto& sql = tx.sql();
    Category c{.id = deps_.ids.NewId(), .name = *input.name, .description = input.description.value_or(""),
               .position = input.position.value_or(0)};
    if (input.parent_slug && !input.parent_slug->empty()) {
      std::string parent;
      sql << "SELECT id FROM catalog_categories WHERE slug = :s", soci::use(*input.parent_slug), soci::into(parent);
      if (!sql.got_data()) return Error::InvalidInput("invalid category", {{"parent", "no such category"}});
      c.parent_id = parent;
    }
    c.slug = UniqueSlug(Slugify(c.name), [&](const std::string& s) {
      return Count(sql, "SELECT COUNT(*) FROM catalog_categories WHERE slug = :s", s) > 0;
    });
    std::string parent = c.parent_id.value_or("");
    soci::indicator ind = c.parent_id ? soci::i_ok : soci::i_null;
    sql << "INSERT INTO catalog_categories (id, parent_id, slug, name, description, position)"
           " VALUES (:id, :parent, :slug, :name, :description, :position)",
        soci::use(c.id), soci::use(parent, ind), soci::use(c.slug), soci::use(c.name), soci::use(c.description),
        soci::use(c.position);
    NotifyAll(tx, listeners_);
    return c;
  });
}

Result<Category> CatalogStore::UpdateCategory(std::string_view slug, const CategoryInput& input) {
  std::vector<FieldError> errors;
  ValidateText(errors, "name", input.name, 100, true);
  ValidateText(errors, "description", input.description, 2000, false);
  if (!errors.empty()) return Error::InvalidInput("invalid category", std::move(errors));
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<Category> {
    auto all = LoadCategories(tx.sql());
    auto it = std::find_if(all.begin(), all.end(), [&](const Category& c) { return c.slug == slug; });
    if (it == all.end()) return Error::NotFound("no such category");
    Category c = *it;
    if (input.name) c.name = *input.name;
    if (input.description) c.description = *input.description;
    if (input.position) c.position = *input.position;
    if (input.parent_slug) {
      if (input.parent_slug->empty()) {
        c.parent_id.reset();
      } else {
        auto parent = std::find_if(all.begin(), all.end(), [&](const Category& x) { return x.slug == *input.parent_slug; });
        if (parent == all.end()) return Error::InvalidInput("invalid category", {{"parent", "no such category"}});
        auto below = Subtree(all, c.id);
        if (std::find(below.begin(), below.end(), parent->id) != below.end()) {
          return Error::InvalidInput("invalid category", {{"parent", "would make a cycle"}});
        }
        c.parent_id = parent->id;
      }
    }
    std::string parent = c.parent_id.value_or("");
    soci::indicator ind = c.parent_id ? soci::i_ok : soci::i_null;
    tx.sql() << "UPDATE catalog_categories SET parent_id = :parent, name = :name, description = :d,"
                " position = :position WHERE id = :id",
        soci::use(parent, ind), soci::use(c.name), soci::use(c.description), soci::use(c.position), soci::use(c.id);
    NotifyAll(tx, listeners_);
    return c;
  });
}

Result<void> CatalogStore::DeleteCategory(std::string_view slug) {
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<void> {
    auto& sql = tx.sql();
    std::string id, slug_text(slug);
    sql << "SELECT id FROM catalog_categories WHERE slug = :s", soci::use(slug_text), soci::into(id);
    if (!sql.got_data()) return Error::NotFound("no such category");
    if (Count(sql, "SELECT COUNT(*) FROM catalog_products WHERE category_id = :id", id) > 0 ||
        Count(sql, "SELECT COUNT(*) FROM catalog_categories WHERE parent_id = :id", id) > 0) {
      return Error::Conflict("the category still has products or subcategories");
    }
    sql << "DELETE FROM catalog_categories WHERE id = :id", soci::use(id);
    NotifyAll(tx, listeners_);
    return {};
  });
}

Result<Brand> CatalogStore::CreateBrand(std::string_view name) {
  std::vector<FieldError> errors;
  ValidateText(errors, "name", std::string(name), 100, true);
  if (errors.empty() && Slugify(name).empty()) errors.push_back({"name", "needs an ASCII letter or digit"});
  if (!errors.empty()) return Error::InvalidInput("invalid brand", std::move(errors));
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<Brand> {
    auto& sql = tx.sql();
    Brand b{deps_.ids.NewId(), "", std::string(name)};
    b.slug = UniqueSlug(Slugify(name), [&](const std::string& s) {
      return Count(sql, "SELECT COUNT(*) FROM catalog_brands WHERE slug = :s", s) > 0;
    });
    sql << "INSERT INTO catalog_brands (id, slug, name) VALUES (:id, :slug, :name)", soci::use(b.id),
        soci::use(b.slug), soci::use(b.name);
    return b;
  });
}

Result<Brand> CatalogStore::UpdateBrand(std::string_view slug, std::string_view name) {
  std::vector<FieldError> errors;
  ValidateText(errors, "name", std::string(name), 100, true);
  if (!errors.empty()) return Error::InvalidInput("invalid brand", std::move(errors));
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<Brand> {
    Brand b{"", std::string(slug), std::string(name)};
    tx.sql() << "SELECT id FROM catalog_brands WHERE slug = :s", soci::use(b.slug), soci::into(b.id);
    if (!tx.sql().got_data()) return Error::NotFound("no such brand");
    tx.sql() << "UPDATE catalog_brands SET name = :name WHERE id = :id", soci::use(b.name), soci::use(b.id);
    NotifyAll(tx, listeners_);
    return b;
  });
}

Result<void> CatalogStore::DeleteBrand(std::string_view slug) {
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<void> {
    std::string id, slug_text(slug);
    tx.sql() << "SELECT id FROM catalog_brands WHERE slug = :s", soci::use(slug_text), soci::into(id);
    if (!tx.sql().got_data()) return Error::NotFound("no such brand");
    if (Count(tx.sql(), "SELECT COUNT(*) FROM catalog_products WHERE brand_id = :id", id) > 0) {
      return Error::Conflict("the brand still has products");
    }
    tx.sql() << "DELETE FROM catalog_brands WHERE id = :id", soci::use(id);
    return {};
  });
}

// ---- seed -----------------------------------------------------------------

Result<Category> CatalogStore::InsertCategoryRaw(const Category& c) {
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<Category> {
    std::string parent = c.parent_id.value_or("");
    soci::indicator ind = c.parent_id ? soci::i_ok : soci::i_null;
    tx.sql() << "INSERT INTO catalog_categories (id, parent_id, slug, name, description, position)"
                " VALUES (:id, :parent, :slug, :name, :description, :position)",
        soci::use(c.id), soci::use(parent, ind), soci::use(c.slug), soci::use(c.name), soci::use(c.description),
        soci::use(c.position);
    return c;
  });
}

Result<Brand> CatalogStore::InsertBrandRaw(const Brand& b) {
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<Brand> {
    tx.sql() << "INSERT INTO catalog_brands (id, slug, name) VALUES (:id, :slug, :name)", soci::use(b.id),
        soci::use(b.slug), soci::use(b.name);
    return b;
  });
}

void CatalogStore::InsertSeedBatch(const std::vector<Product>& products) {
  deps_.db.InTransaction([&](db::Tx& tx) {
    auto& sql = tx.sql();
    // Prepared once per batch and re-executed with new values: the seed
    // inserts tens of thousands of rows.
    std::string id, slug, name, sort_name, description, category_id, brand_id, status, seo_title, seo_description,
        attributes;
    soci::indicator cat_ind = soci::i_ok, brand_ind = soci::i_ok;
    long long min_price = 0, created = 0, updated = 0, version = 1;
    soci::statement product_st =
        (sql.prepare << kInsertProduct, soci::use(id, "id"), soci::use(slug, "slug"), soci::use(name, "name"),
         soci::use(sort_name, "sort_name"), soci::use(description, "description"),
         soci::use(category_id, cat_ind, "category_id"), soci::use(brand_id, brand_ind, "brand_id"),
         soci::use(status, "status"), soci::use(seo_title, "seo_title"), soci::use(seo_description, "seo_description"),
         soci::use(attributes, "attributes"), soci::use(min_price, "min_price"), soci::use(created, "created"),
         soci::use(updated, "updated"), soci::use(version, "version"));
    std::string vid, vproduct, sku, options;
    long long price = 0, compare = 0, weight = 0;
    soci::indicator compare_ind = soci::i_ok;
    int position = 0;
    soci::statement variant_st =
        (sql.prepare << kInsertVariant, soci::use(vid, "id"), soci::use(vproduct, "product_id"), soci::use(sku, "sku"),
         soci::use(options, "options"), soci::use(price, "price"), soci::use(compare, compare_ind, "compare_at"),
         soci::use(weight, "weight"), soci::use(position, "position"));
    std::string iid, iproduct, path, small_path, large_path, alt;
    int width = 0, height = 0, iposition = 0;
    soci::statement image_st =
        (sql.prepare << kInsertImage, soci::use(iid, "id"), soci::use(iproduct, "product_id"), soci::use(path, "path"),
         soci::use(small_path, "small_path"), soci::use(large_path, "large_path"), soci::use(alt, "alt"),
         soci::use(width, "width"), soci::use(height, "height"), soci::use(iposition, "position"));
    for (const Product& p : products) {
      id = p.id.value;
      slug = p.slug;
      name = p.name;
      sort_name = SortName(p.name);
      description = p.description;
      category_id = p.category ? p.category->id : "";
      cat_ind = p.category ? soci::i_ok : soci::i_null;
      brand_id = p.brand ? p.brand->id : "";
      brand_ind = p.brand ? soci::i_ok : soci::i_null;
      status = StatusText(p.status);
      seo_title = p.seo_title;
      seo_description = p.seo_description;
      attributes = OptionsJson(p.attributes);
      min_price = 0;
      for (std::size_t i = 0; i < p.variants.size(); ++i) {
        if (i == 0 || p.variants[i].price.amount < min_price) min_price = p.variants[i].price.amount;
      }
      created = p.created_at_ms;
      updated = p.updated_at_ms;
      version = p.version;
      product_st.execute(true);
      for (const Variant& v : p.variants) {
        vid = v.id;
        vproduct = p.id.value;
        sku = v.sku;
        options = OptionsJson(v.options);
        price = v.price.amount;
        compare = v.compare_at_price ? v.compare_at_price->amount : 0;
        compare_ind = v.compare_at_price ? soci::i_ok : soci::i_null;
        weight = v.weight_grams;
        position = v.position;
        variant_st.execute(true);
      }
      for (const Image& img : p.images) {
        iid = img.id;
        iproduct = p.id.value;
        // Seed images carry media-relative paths in their url fields.
        path = img.url;
        small_path = img.small_url;
        large_path = img.large_url;
        alt = img.alt;
        width = img.width;
        height = img.height;
        iposition = img.position;
        image_st.execute(true);
      }
      // The seed tracks stock itself (InventoryService::Track), so only the
      // read models' event is written, not one VariantAdded per SKU.
      deps_.outbox.Publish(tx, p.id.value, events::ProductChanged{p.id.value, p.slug, status, p.version});
    }
    tx.AfterCommit([this] {
      variants_.Clear();
      for (const auto& fn : listeners_) fn("");
    });
  });
}

}  // namespace shop::catalog
