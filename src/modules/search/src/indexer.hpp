#pragma once
// Keeps the product index in step with the catalog and the inventory: one
// product at a time (events, catch-up) or all of them (rebuild). Every write
// starts from the catalog's current state, so applying a change twice, late
// or out of order converges on the same document: the events only say
// *which* product to look at.
//
// Thread-safe: syncs are serialised (a slow sync and a fast one for the
// same product must not land in the wrong order); a rebuild's fill runs
// beside them.

#include "platform/clock/clock.hpp"
#include "platform/search/index.hpp"
#include "shop/catalog/catalog.hpp"
#include "shop/inventory/inventory.hpp"
#include "taxonomy.hpp"

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace shop::search {

/// Adds every searchable product to a generation being built; availability
/// is read in batches. Returns how many were added and the version of every
/// product seen (drafts included).
struct FillResult {
  std::size_t added = 0;
  std::unordered_map<std::string, std::int64_t> versions;
};
FillResult FillIndex(platform::search::Builder& builder, catalog::CatalogService& catalog,
                     inventory::InventoryService& inventory, TaxonomyCache& taxonomy);

class Indexer {
 public:
  Indexer(platform::search::Index& index, catalog::CatalogService& catalog, inventory::InventoryService& inventory,
          TaxonomyCache& taxonomy, const platform::Clock& clock);

  enum class Outcome { kIndexed, kUnchanged, kRemoved, kAbsent };

  /// Reads the product and its availability and replaces its document, or
  /// deletes it when the product is gone, a draft or has nothing to sell.
  /// Throws on a catalog or index failure (the caller retries).
  Outcome SyncProduct(const std::string& product_id);
  /// Syncs every indexed product that sells `sku` (stock changed).
  std::size_t SyncSku(const std::string& sku);

  /// The catalog version last written for `product_id`, or -1.
  std::int64_t AppliedVersion(const std::string& product_id) const;

  /// FillIndex, remembering the versions it saw for the swap.
  std::size_t Fill(platform::search::Builder& builder);

  /// After the live generation was replaced by one whose build started at
  /// `built_from_ms`: what this process wrote to the old generation since
  /// then is written again, and the versions it knows are reset to what the
  /// fill saw (or forgotten, for a build by another process).
  void OnSwap(std::int64_t built_from_ms);

 private:
  Outcome Apply(const catalog::Product& product);
  void Remember(const std::string& id, std::int64_t version);

  platform::search::Index& index_;
  catalog::CatalogService& catalog_;
  inventory::InventoryService& inventory_;
  TaxonomyCache& taxonomy_;
  const platform::Clock& clock_;

  std::mutex sync_mutex_;  // one sync at a time

  mutable std::mutex state_mutex_;
  std::unordered_map<std::string, std::int64_t> versions_;
  // Products synced recently, oldest first, to write again after a swap.
  std::deque<std::pair<std::int64_t, std::string>> touched_;
  // Versions seen by the last in-process fill; adopted at its swap.
  std::unordered_map<std::string, std::int64_t> fill_versions_;
  bool fill_done_ = false;
};

}  // namespace shop::search
