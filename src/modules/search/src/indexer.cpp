#include "indexer.hpp"

#include "product_document.hpp"
#include "product_index.hpp"

#include "platform/log/log.hpp"

#include <stdexcept>
#include <unordered_set>

namespace shop::search {

namespace {

// How long a sync is remembered for re-applying after a swap: longer than
// any rebuild of a shop-sized catalog takes.
constexpr std::int64_t kTouchedWindowMs = 30 * 60 * 1000;
constexpr std::size_t kFillBatch = 200;

bool AnyAvailable(const std::vector<inventory::StockLevel>& levels) {
  for (const auto& level : levels) {
    if (level.available > 0) return true;
  }
  return false;
}

}  // namespace

Indexer::Indexer(platform::search::Index& index, catalog::CatalogService& catalog,
                 inventory::InventoryService& inventory, TaxonomyCache& taxonomy, const platform::Clock& clock)
    : index_(index), catalog_(catalog), inventory_(inventory), taxonomy_(taxonomy), clock_(clock) {}

Indexer::Outcome Indexer::SyncProduct(const std::string& product_id) {
  std::lock_guard lock(sync_mutex_);
  auto product = catalog_.GetProduct(catalog::ProductId{product_id});
  if (!product) {
    if (product.error().code != ErrorCode::kNotFound) {
      throw std::runtime_error("search: catalog: " + product.error().detail);
    }
    Remember(product_id, -1);
    return index_.Delete(product_id) ? Outcome::kRemoved : Outcome::kAbsent;
  }
  return Apply(*product);
}

Indexer::Outcome Indexer::Apply(const catalog::Product& product) {
  const std::string& id = product.id.value;
  Remember(id, product.version);
  if (!Searchable(product)) return index_.Delete(id) ? Outcome::kRemoved : Outcome::kAbsent;
  auto taxonomy = taxonomy_.Get();
  if (product.category && !taxonomy->Knows(*product.category)) taxonomy = taxonomy_.Refresh();
  const bool in_stock = AnyAvailable(inventory_.GetMany(SkusOf(product)));
  return index_.Replace(MakeDocument(product, in_stock, *taxonomy)) ? Outcome::kIndexed : Outcome::kUnchanged;
}

std::size_t Indexer::SyncSku(const std::string& sku) {
  std::size_t synced = 0;
  for (const auto& id : index_.IdsWith(kSkuField, sku)) {
    SyncProduct(id);
    ++synced;
  }
  return synced;
}

void Indexer::Remember(const std::string& id, std::int64_t version) {
  const std::int64_t now = clock_.NowMs();
  std::lock_guard lock(state_mutex_);
  versions_[id] = version;
  touched_.emplace_back(now, id);
  while (!touched_.empty() && touched_.front().first < now - kTouchedWindowMs) touched_.pop_front();
}

std::int64_t Indexer::AppliedVersion(const std::string& product_id) const {
  std::lock_guard lock(state_mutex_);
  auto it = versions_.find(product_id);
  return it == versions_.end() ? -1 : it->second;
}

FillResult FillIndex(platform::search::Builder& builder, catalog::CatalogService& catalog,
                     inventory::InventoryService& inventory, TaxonomyCache& taxonomy_cache) {
  auto taxonomy = taxonomy_cache.Refresh();
  FillResult result;
  std::vector<catalog::Product> batch;
  auto flush = [&] {
    std::vector<inventory::Sku> skus;
    for (const auto& p : batch) {
      for (auto& sku : SkusOf(p)) skus.push_back(std::move(sku));
    }
    std::unordered_set<std::string> available;
    for (const auto& level : inventory.GetMany(skus)) {
      if (level.available > 0) available.insert(level.sku.value);
    }
    for (const auto& p : batch) {
      bool in_stock = false;
      for (const auto& v : p.variants) in_stock = in_stock || available.contains(v.sku);
      builder.Add(MakeDocument(p, in_stock, *taxonomy));
      ++result.added;
    }
    batch.clear();
  };
  catalog.ForEachProduct([&](const catalog::Product& product) {
    result.versions[product.id.value] = product.version;
    if (!Searchable(product)) return;
    batch.push_back(product);
    if (batch.size() >= kFillBatch) flush();
  });
  flush();
  return result;
}

std::size_t Indexer::Fill(platform::search::Builder& builder) {
  FillResult result = FillIndex(builder, catalog_, inventory_, taxonomy_);
  std::lock_guard lock(state_mutex_);
  fill_versions_ = std::move(result.versions);
  fill_done_ = true;
  return result.added;
}

void Indexer::OnSwap(std::int64_t built_from_ms) {
  std::vector<std::string> again;
  {
    std::lock_guard lock(state_mutex_);
    if (fill_done_) {
      versions_ = std::move(fill_versions_);
    } else {
      versions_.clear();
    }
    fill_versions_.clear();
    fill_done_ = false;
    std::unordered_set<std::string> seen;
    // A second of slack: the fill may have read a product just before a
    // sync stamped it.
    for (const auto& [at, id] : touched_) {
      if (at >= built_from_ms - 1000 && seen.insert(id).second) again.push_back(id);
    }
  }
  for (const auto& id : again) {
    try {
      SyncProduct(id);
    } catch (const std::exception& e) {
      // The next event or catch-up poll for it repairs the document.
      platform::log::Get("search")->warn("re-applying {} after an index swap failed: {}", id, e.what());
    }
  }
}

}  // namespace shop::search
