#pragma once
/// How the composition root (src/app) builds and wires the search module.
/// Other modules use search.hpp and types.hpp only.
///
/// Life cycle: construct (touches nothing on disk), RegisterRoutes and
/// RegisterSubscriptions while wiring, Start() when serving (opens the index
/// under search.dir, rebuilds a missing, damaged or uncleanly closed one in
/// the background, starts the catch-up poller), Stop() on shutdown. A CLI
/// process calls Reindex() without Start().

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/bus.hpp"
#include "platform/http/router.hpp"
#include "platform/templates/templates.hpp"
#include "shop/catalog/catalog.hpp"
#include "shop/inventory/inventory.hpp"
#include "shop/search/search.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>

namespace shop::search {

struct SearchModuleDeps {
  const platform::config::Config& config;
  platform::db::Db& db;  ///< the event inbox
  const platform::Clock& clock;
  const platform::templates::Templates& templates;
  catalog::CatalogService& catalog;
  inventory::InventoryService& inventory;
};

/// What a rebuild did, to print.
struct ReindexReport {
  std::size_t documents = 0;
  std::uint64_t generation = 0;
  std::int64_t took_ms = 0;
};

/// search.dir, or <data_dir>/search when it is empty.
std::filesystem::path IndexDirectory(const platform::config::Config& config);

class SearchModule {
 public:
  explicit SearchModule(SearchModuleDeps deps);
  ~SearchModule();  ///< Stop()
  SearchModule(const SearchModule&) = delete;
  SearchModule& operator=(const SearchModule&) = delete;

  /// Answers kUnavailable until Start() opened the index.
  SearchService& service();

  /// GET /api/v1/search and the storefront page /search.
  void RegisterRoutes(platform::http::Router& router);

  /// catalog.product_changed.v1 and inventory.stock_changed.v1 → re-read the
  /// product and replace or delete its document, once per event (inbox).
  void RegisterSubscriptions(platform::events::Bus& bus);

  /// Opens the index and starts the catch-up poller; a missing, corrupt or
  /// stale index is rebuilt on a background thread (searches answer
  /// kUnavailable meanwhile for a missing or corrupt one; a stale one keeps
  /// serving what it has). Throws platform::search::IndexError when the
  /// directory is unusable. Idempotent.
  void Start();
  /// Stops the poller and any start-up rebuild and closes the index. Idempotent.
  void Stop();

  /// Builds a new index generation from the catalog beside the live one and
  /// swaps it in. Without Start() (the `shopd reindex` command) it works on
  /// the directory, and a server running on it switches within one commit
  /// interval. Throws platform::search::IndexError when another rebuild is running.
  ReindexReport Reindex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::search
