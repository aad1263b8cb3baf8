// The search module as the composition root sees it (module.hpp).
#include "shop/search/module.hpp"

#include "catch_up.hpp"
#include "event_handlers.hpp"
#include "http/env.hpp"
#include "indexer.hpp"
#include "platform/log/log.hpp"
#include "product_index.hpp"
#include "search_engine.hpp"
#include "taxonomy.hpp"

#include <atomic>
#include <mutex>
#include <thread>

namespace shop::search {

namespace ps = platform::search;

std::filesystem::path IndexDirectory(const platform::config::Config& config) {
  if (!config.search.dir.empty()) return config.search.dir;
  return std::filesystem::path(config.data_dir) / "search";
}

struct SearchModule::Impl {
  explicit Impl(SearchModuleDeps d)
      : deps(d),
        options(ProductIndexOptions(IndexDirectory(d.config),
                                    std::chrono::milliseconds(d.config.search.commit_interval_ms))),
        taxonomy(d.catalog),
        engine(taxonomy, static_cast<std::size_t>(d.config.search.result_cache_entries)),
        env(HttpEnv{.config = d.config, .clock = d.clock, .templates = d.templates, .service = engine}) {}

  void StartUpRebuild() {
    auto log = platform::log::Get("search");
    try {
      auto stats = index->Rebuild([this](ps::Builder& b) { indexer->Fill(b); });
      log->info("search index built: {} product(s) in {} ms (generation {})", stats.documents, stats.took.count(),
                stats.generation);
    } catch (const std::exception& e) {
      log->error("search index rebuild at start failed: {} (run `shopd reindex`)", e.what());
    }
    engine.SetBuilding(false);
  }

  SearchModuleDeps deps;
  ps::IndexOptions options;
  TaxonomyCache taxonomy;
  SearchEngine engine;
  HttpEnv env;

  std::mutex life_mutex;
  std::unique_ptr<ps::Index> index;
  std::unique_ptr<Indexer> indexer;
  std::unique_ptr<CatchUp> catch_up;
  std::atomic<Indexer*> live_indexer{nullptr};
  std::thread rebuild_thread;
};

SearchModule::SearchModule(SearchModuleDeps deps) : impl_(std::make_unique<Impl>(deps)) {}

SearchModule::~SearchModule() { Stop(); }

SearchService& SearchModule::service() { return impl_->engine; }

void SearchModule::RegisterRoutes(platform::http::Router& router) {
  RegisterSearchApi(router, impl_->env);
  RegisterSearchPage(router, impl_->env);
}

void SearchModule::RegisterSubscriptions(platform::events::Bus& bus) {
  RegisterIndexHandlers(bus, impl_->deps.db, [impl = impl_.get()] { return impl->live_indexer.load(); });
}

void SearchModule::Start() {
  Impl& m = *impl_;
  std::lock_guard lock(m.life_mutex);
  if (m.index) return;
  auto log = platform::log::Get("search");
  m.index = std::make_unique<ps::Index>(m.options);
  m.indexer = std::make_unique<Indexer>(*m.index, m.deps.catalog, m.deps.inventory, m.taxonomy, m.deps.clock);
  m.catch_up = std::make_unique<CatchUp>(*m.index, *m.indexer, m.deps.catalog, m.taxonomy,
                                         std::chrono::milliseconds(m.deps.config.search.catchup_interval_ms),
                                         std::chrono::milliseconds(m.deps.config.search.catchup_overlap_ms));
  m.index->SetSwapListener([&m](std::int64_t built_from_ms) {
    m.indexer->OnSwap(built_from_ms);
    m.catch_up->Rewind(built_from_ms - m.deps.config.search.catchup_overlap_ms);
  });
  const ps::OpenState state = m.index->open_state();
  // A missing or corrupt index is empty: answering "no results" would be a
  // lie, so searches get 503 until it is built. A stale one (a crash) still
  // has nearly everything and keeps serving while it is rebuilt.
  m.engine.SetBuilding(state == ps::OpenState::kMissing || state == ps::OpenState::kCorrupt);
  m.engine.Attach(m.index.get());
  m.live_indexer.store(m.indexer.get());
  if (state != ps::OpenState::kOk) {
    log->warn("search index {} ({}): rebuilding in the background", ps::OpenStateName(state),
              m.index->open_problem());
    m.rebuild_thread = std::thread([&m] { m.StartUpRebuild(); });
  } else {
    log->info("search index open: {} product(s), generation {}", m.index->size(), m.index->generation());
  }
  m.catch_up->Start();
}

void SearchModule::Stop() {
  Impl& m = *impl_;
  std::lock_guard lock(m.life_mutex);
  if (!m.index) return;
  if (m.rebuild_thread.joinable()) m.rebuild_thread.join();
  m.catch_up->Stop();
  m.live_indexer.store(nullptr);
  m.engine.Attach(nullptr);
  m.index->SetSwapListener(nullptr);
  m.catch_up.reset();
  m.indexer.reset();
  m.index.reset();
}

ReindexReport SearchModule::Reindex() {
  Impl& m = *impl_;
  ps::RebuildStats stats;
  {
    std::unique_lock lock(m.life_mutex);
    if (m.index) {
      lock.unlock();
      stats = m.index->Rebuild([&m](ps::Builder& b) { m.indexer->Fill(b); });
    } else {
      // No index open in this process (the CLI): build on the directory; a
      // server running on it follows the new generation.
      lock.unlock();
      stats = ps::Index::RebuildAt(
          m.options, [&m](ps::Builder& b) { FillIndex(b, m.deps.catalog, m.deps.inventory, m.taxonomy); });
    }
  }
  return ReindexReport{.documents = stats.documents, .generation = stats.generation, .took_ms = stats.took.count()};
}

}  // namespace shop::search
