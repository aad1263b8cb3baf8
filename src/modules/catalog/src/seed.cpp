#include "seed.hpp"

#include "images.hpp"
#include "slug.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <set>
#include <unordered_set>

namespace shop::catalog {

namespace {

constexpr int kPaletteSize = 30;
constexpr std::size_t kBatchSize = 1000;

// splitmix64: tiny, fast and identical on every platform, unlike the
// standard distributions, whose output the standard leaves unspecified.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
  template <class T, std::size_t N>
  const T& Pick(const std::array<T, N>& a) { return a[static_cast<std::size_t>(Below(static_cast<int>(N)))]; }
  template <class T>
  const T& Pick(const std::vector<T>& a) { return a[static_cast<std::size_t>(Below(static_cast<int>(a.size())))]; }

 private:
  std::uint64_t state_;
};

struct Leaf {
  const char* top;
  const char* name;
  std::vector<std::string> nouns;
  std::vector<std::string> materials;
  std::string option1;  // "" → none
  std::vector<std::string> values1;
  std::string option2;
  std::vector<std::string> values2;
  std::int64_t min_price, max_price;  // minor units
  std::int64_t min_weight, max_weight;
};

const std::vector<std::string> kColours{"Black", "White", "Navy", "Olive", "Red", "Sand", "Grey", "Teal"};

const std::vector<Leaf>& Leaves() {
  static const std::vector<Leaf> kLeaves{
      {"Clothing", "T-Shirts", {"T-Shirt", "Tee", "Polo"}, {"Cotton", "Organic Cotton", "Linen", "Jersey"},
       "size", {"XS", "S", "M", "L", "XL"}, "colour", kColours, 1299, 4999, 150, 300},
      {"Clothing", "Sweaters", {"Sweater", "Cardigan", "Hoodie"}, {"Merino", "Wool", "Cashmere", "Fleece"},
       "size", {"S", "M", "L", "XL"}, "colour", kColours, 3999, 14999, 350, 700},
      {"Clothing", "Jackets", {"Jacket", "Parka", "Windbreaker"}, {"Waxed Cotton", "Down", "Softshell", "Denim"},
       "size", {"S", "M", "L", "XL"}, "colour", kColours, 7999, 29999, 600, 1500},
      {"Shoes", "Sneakers", {"Sneaker", "Trainer", "Runner"}, {"Canvas", "Leather", "Mesh", "Suede"},
       "size", {"38", "39", "40", "41", "42", "43", "44"}, "colour", {"Black", "White", "Grey"}, 4999, 15999, 600, 1000},
      {"Shoes", "Boots", {"Boot", "Chelsea Boot", "Hiking Boot"}, {"Leather", "Suede", "Nubuck"},
       "size", {"38", "39", "40", "41", "42", "43", "44", "45"}, "", {}, 8999, 24999, 900, 1800},
      {"Home & Kitchen", "Cookware", {"Frying Pan", "Saucepan", "Dutch Oven", "Wok"}, {"Cast Iron", "Stainless Steel", "Carbon Steel", "Ceramic"},
       "size", {"20 cm", "24 cm", "28 cm", "32 cm"}, "", {}, 2499, 19999, 800, 5000},
      {"Home & Kitchen", "Tableware", {"Plate Set", "Bowl Set", "Mug", "Serving Platter"}, {"Stoneware", "Porcelain", "Glass", "Bamboo"},
       "colour", {"White", "Sand", "Slate", "Sage", "Terracotta"}, "", {}, 999, 8999, 300, 3000},
      {"Electronics", "Headphones", {"Headphones", "Earbuds", "Headset"}, {"Wireless", "Noise-Cancelling", "Studio", "Sport"},
       "colour", {"Black", "White", "Silver", "Blue", "Rose"}, "", {}, 2999, 39999, 40, 350},
      {"Electronics", "Speakers", {"Speaker", "Soundbar", "Radio"}, {"Bluetooth", "Portable", "Smart", "Waterproof"},
       "colour", {"Black", "Grey", "Green", "Orange"}, "", {}, 3999, 49999, 300, 4000},
      {"Sports & Outdoors", "Camping", {"Tent", "Sleeping Bag", "Backpack", "Camping Stove"}, {"Ultralight", "Ripstop", "Alpine", "Trekking"},
       "capacity", {"1 person", "2 persons", "3 persons", "4 persons"}, "", {}, 4999, 39999, 800, 4500},
      {"Sports & Outdoors", "Cycling", {"Bike Helmet", "Cycling Jersey", "Bike Light", "Saddle Bag"}, {"Aero", "Gravel", "Commuter", "Trail"},
       "size", {"S", "M", "L"}, "colour", {"Black", "Yellow", "Blue", "White"}, 1999, 19999, 100, 900},
      {"Books", "Fiction", {"Novel", "Short Stories", "Thriller", "Saga"}, {"Midnight", "Northern", "Silent", "Golden"},
       "format", {"Paperback", "Hardcover", "Large Print"}, "", {}, 899, 2999, 200, 900},
      {"Books", "Cookbooks", {"Cookbook", "Baking Book", "Kitchen Guide"}, {"Everyday", "Vegetarian", "Mediterranean", "Nordic"},
       "format", {"Paperback", "Hardcover"}, "", {}, 1499, 3999, 500, 1400},
      {"Toys & Games", "Board Games", {"Board Game", "Card Game", "Puzzle"}, {"Strategy", "Family", "Party", "Co-op"},
       "edition", {"Standard", "Deluxe", "Travel"}, "", {}, 1499, 7999, 300, 2500},
      {"Beauty", "Skincare", {"Face Cream", "Serum", "Cleanser", "Body Lotion"}, {"Hydrating", "Calming", "Vitamin C", "Aloe"},
       "volume", {"30 ml", "50 ml", "100 ml", "200 ml"}, "", {}, 999, 5999, 60, 450},
      {"Garden", "Garden Tools", {"Pruner", "Trowel", "Watering Can", "Rake"}, {"Forged Steel", "Ash Wood", "Galvanised", "Ergonomic"},
       "size", {"Small", "Medium", "Large"}, "", {}, 999, 6999, 200, 2500},
      {"Office", "Stationery", {"Notebook", "Fountain Pen", "Desk Organiser", "Planner"}, {"Dotted", "Recycled", "Leather-Bound", "Brass"},
       "colour", {"Black", "Navy", "Forest", "Burgundy", "Ochre"}, "", {}, 599, 8999, 50, 900},
  };
  return kLeaves;
}

const std::array<const char*, 24> kAdjectives{
    "Nordic", "Classic", "Urban", "Coastal", "Heritage", "Everyday", "Summit", "Harbour", "Meadow", "Atlas",
    "Aurora", "Canyon", "Willow", "Ember", "Granite", "Horizon", "Juniper", "Lumen", "Maple", "Orbit",
    "Pioneer", "Quartz", "Riviera", "Tundra"};

const std::array<const char*, 12> kBrands{"Northwind", "Fjordline", "Kestrel & Co", "Bramble", "Oakhaven",
                                          "Luma", "Tidewater", "Halden", "Ironbark", "Solace", "Vireo", "Marlow"};

const std::array<const char*, 8> kPraise{"built to last", "made for every day", "designed with care",
                                         "tested by our team", "a customer favourite", "simple and honest",
                                         "easy to care for", "thoughtfully made"};

std::int64_t RoundPrice(std::int64_t minor) {
  // Shop prices end in .99 (or .49 below 10.00).
  std::int64_t units = std::max<std::int64_t>(minor / 100, 1);
  return units < 10 ? units * 100 + 49 : units * 100 + 99;
}

}  // namespace

SeedProduct GenerateSeedProduct(std::int64_t index) {
  Rng rng(0x5eed0000ull ^ (static_cast<std::uint64_t>(index) * 0x9E3779B97F4A7C15ull));
  const auto& leaves = Leaves();
  const Leaf& leaf = leaves[static_cast<std::size_t>(rng.Below(static_cast<int>(leaves.size())))];
  SeedProduct p;
  const std::string adjective = rng.Pick(kAdjectives);
  const std::string material = rng.Pick(leaf.materials);
  const std::string noun = rng.Pick(leaf.nouns);
  p.name = adjective + " " + material + " " + noun;
  p.slug = Slugify(p.name);
  p.category_slug = Slugify(leaf.name);
  p.brand_slug = Slugify(rng.Pick(kBrands));
  p.description = fmt::format(
      "The {} {} in {} is {}. Part of our {} range, it pairs well with the rest of the {} collection. "
      "Ships within two working days; free returns for 30 days.",
      adjective, noun, material.c_str(), rng.Pick(kPraise), std::string(leaf.name), std::string(leaf.top));
  p.attributes = {{"material", material}, {"care", rng.Below(2) ? "Machine washable" : "Wipe clean"},
                  {"origin", rng.Pick(std::array<const char*, 5>{"Portugal", "Sweden", "Italy", "Vietnam", "Germany"})}};
  if (leaf.option1 == "format" || leaf.option1 == "edition") p.attributes[1] = {"language", "English"};
  p.image = rng.Below(kPaletteSize);

  // 2–6 variants: a run of the first option's values, times one or two
  // values of the second option when there is one.
  const int wanted = 2 + rng.Below(5);
  std::vector<OptionValues> combos;
  const int first = rng.Below(static_cast<int>(leaf.values1.size()));
  std::vector<std::string> second;
  if (!leaf.option2.empty()) {
    int s = rng.Below(static_cast<int>(leaf.values2.size()));
    second.push_back(leaf.values2[static_cast<std::size_t>(s)]);
    if (wanted > static_cast<int>(leaf.values1.size()) || rng.Below(2)) {
      second.push_back(leaf.values2[static_cast<std::size_t>((s + 1) % leaf.values2.size())]);
    }
  }
  for (std::size_t k = 0; k < leaf.values1.size() && static_cast<int>(combos.size()) < wanted; ++k) {
    const std::string& v1 = leaf.values1[(static_cast<std::size_t>(first) + k) % leaf.values1.size()];
    if (second.empty()) {
      combos.push_back({{leaf.option1, v1}});
    } else {
      for (const auto& v2 : second) {
        if (static_cast<int>(combos.size()) < wanted) combos.push_back({{leaf.option1, v1}, {leaf.option2, v2}});
      }
    }
  }
  const std::int64_t span = leaf.max_price - leaf.min_price;
  const std::int64_t base = leaf.min_price + static_cast<std::int64_t>(rng.Next() % static_cast<std::uint64_t>(span));
  const std::int64_t weight = leaf.min_weight + static_cast<std::int64_t>(rng.Next() % static_cast<std::uint64_t>(leaf.max_weight - leaf.min_weight + 1));
  const bool on_sale = rng.Below(4) == 0;
  std::string sku_stem = fmt::format("{}-{:06}", Slugify(leaf.name).substr(0, 3), index + 1);
  for (auto& c : sku_stem) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::size_t k = 0; k < combos.size(); ++k) {
    SeedProduct::Variant v;
    v.options = combos[k];
    v.sku = fmt::format("{}-{}", sku_stem, k + 1);
    // Larger sizes cost a little more.
    v.price = RoundPrice(base + base * static_cast<std::int64_t>(k) / 20);
    if (on_sale) v.compare_at = RoundPrice(v.price * 5 / 4);
    v.weight_grams = weight + weight * static_cast<std::int64_t>(k) / 10;
    v.stock = rng.Below(10) == 0 ? 0 : 1 + rng.Below(60);
    p.variants.push_back(std::move(v));
  }
  return p;
}

Result<SeedReport> SeedDemoCatalog(const SeedDeps& deps, std::int64_t count) {
  if (count < 1 || count > 1'000'000) {
    return Error::InvalidInput("invalid product count", {{"products", "from 1 to 1000000"}});
  }
  if (deps.store.HasProducts()) return Error::Conflict("the catalog already has products; the demo seed needs an empty one");
  const auto started = std::chrono::steady_clock::now();
  SeedReport report;
  const auto palette = EnsureSeedPalette(deps.media_root, kPaletteSize);
  report.images = static_cast<std::int64_t>(palette.size());

  // Categories (top level, then the leaves under them) and brands.
  std::map<std::string, Category> categories;
  int position = 0;
  for (const Leaf& leaf : Leaves()) {
    std::string top_slug = Slugify(leaf.top);
    if (!categories.count(top_slug)) {
      Category top{.id = deps.ids.NewId(), .slug = top_slug, .name = leaf.top,
                   .description = fmt::format("Everything in {}.", leaf.top), .position = position++};
      if (auto done = deps.store.InsertCategoryRaw(top); !done) return done.error();
      categories[top_slug] = top;
    }
    Category sub{.id = deps.ids.NewId(), .slug = Slugify(leaf.name), .name = leaf.name,
                 .description = fmt::format("{} from our {} range.", leaf.name, leaf.top),
                 .parent_id = categories[top_slug].id, .position = position++};
    if (auto done = deps.store.InsertCategoryRaw(sub); !done) return done.error();
    categories[sub.slug] = sub;
  }
  report.categories = static_cast<std::int64_t>(categories.size());
  std::map<std::string, Brand> brands;
  for (const char* name : kBrands) {
    Brand b{deps.ids.NewId(), Slugify(name), name};
    if (auto done = deps.store.InsertBrandRaw(b); !done) return done.error();
    brands[b.slug] = b;
  }
  report.brands = static_cast<std::int64_t>(brands.size());

  const auto currency = deps.store.currency();
  // Newest first in the listing = the last generated; one second apart so
  // the "newest" order is the generation order.
  const std::int64_t start_ms = deps.clock.NowMs() - count * 1000;
  std::unordered_set<std::string> slugs;
  std::vector<Product> batch;
  std::vector<std::pair<std::string, std::int64_t>> stock;
  auto flush = [&] {
    if (batch.empty()) return;
    deps.store.InsertSeedBatch(batch);
    batch.clear();
  };
  for (std::int64_t i = 0; i < count; ++i) {
    SeedProduct g = GenerateSeedProduct(i);
    Product p;
    p.id = ProductId{deps.ids.NewId()};
    p.slug = UniqueSlug(g.slug, [&](const std::string& s) { return slugs.count(s) > 0; });
    slugs.insert(p.slug);
    p.name = g.name;
    p.description = g.description;
    p.category = categories.at(g.category_slug);
    p.brand = brands.at(g.brand_slug);
    p.attributes = g.attributes;
    p.status = ProductStatus::kPublished;
    p.seo_title = g.name + " | " + p.brand->name;
    p.seo_description = g.description.substr(0, 150);
    p.created_at_ms = p.updated_at_ms = start_ms + i * 1000;
    p.version = 1;
    const MediaFiles& img = palette[static_cast<std::size_t>(g.image)];
    p.images.push_back(Image{.id = deps.ids.NewId(), .url = img.path, .small_url = img.small_path,
                             .large_url = img.large_path, .alt = g.name, .width = img.width, .height = img.height});
    int vpos = 0;
    for (const auto& gv : g.variants) {
      Variant v{.id = deps.ids.NewId(), .sku = gv.sku, .options = gv.options, .price = {gv.price, currency},
                .weight_grams = gv.weight_grams, .position = vpos++};
      if (gv.compare_at) v.compare_at_price = platform::money::Money{*gv.compare_at, currency};
      p.variants.push_back(std::move(v));
      stock.emplace_back(gv.sku, gv.stock);
    }
    report.variants += static_cast<std::int64_t>(p.variants.size());
    batch.push_back(std::move(p));
    if (batch.size() >= kBatchSize) flush();
  }
  flush();
  report.products = count;

  // Stock goes through the inventory module's contract, after the catalog
  // rows are committed (as for any new variant): one bulk receipt per
  // kMaxReceiptLines SKUs, each a single transaction with its ledger rows.
  const auto stock_started = std::chrono::steady_clock::now();
  for (std::size_t from = 0; from < stock.size(); from += inventory::kMaxReceiptLines) {
    const std::size_t to = std::min(stock.size(), from + inventory::kMaxReceiptLines);
    std::vector<inventory::ReceiptLine> lines;
    lines.reserve(to - from);
    for (std::size_t i = from; i < to; ++i) lines.push_back({inventory::Sku{stock[i].first}, stock[i].second});
    if (auto done = deps.inventory.ReceiveMany(lines, "seed", "seed"); !done) return done.error();
  }
  report.stock_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - stock_started).count();
  report.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace shop::catalog
