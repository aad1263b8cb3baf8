#pragma once
// Reading the admin API's JSON bodies (strictly, through JsonInput) and form
// fields into the store's input types. Every problem is collected as a field
// error, so one 400 lists them all.

#include "catalog_store.hpp"
#include "platform/http/json_input.hpp"

#include <string>
#include <vector>

namespace shop::catalog {

/// Product fields of a create (`creating`: name required; variants allowed)
/// or a partial update. `variants` receives the create's variants.
void ReadProductFields(platform::http::JsonInput& input, ProductInput& out, std::vector<VariantInput>* variants,
                       const platform::money::Currency& currency);
/// Variant fields; on create sku and price are required.
void ReadVariantFields(platform::http::JsonInput& input, VariantInput& out, bool creating,
                       const platform::money::Currency& currency, const std::string& prefix = "");

}  // namespace shop::catalog
