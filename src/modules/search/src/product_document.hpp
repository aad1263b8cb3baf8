#pragma once
// A catalog product as a search document: weighted text, facet values,
// numbers and SKUs, plus the stored hit (what a result shows) as JSON.

#include "platform/search/types.hpp"
#include "shop/catalog/types.hpp"
#include "shop/inventory/inventory.hpp"
#include "shop/search/types.hpp"
#include "taxonomy.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace shop::search {

/// True for a product search may show: published and with a variant to sell.
bool Searchable(const catalog::Product& product);

/// The SKUs of the product's variants.
std::vector<inventory::Sku> SkusOf(const catalog::Product& product);

/// The document for a Searchable product; `in_stock` is whether any variant
/// is available now.
platform::search::Document MakeDocument(const catalog::Product& product, bool in_stock, const Taxonomy& taxonomy);

/// The hit stored by MakeDocument. Throws std::runtime_error on data that is
/// not such a hit (an index written by another version: reindex).
SearchItem ReadStoredItem(std::string_view data);

}  // namespace shop::search
