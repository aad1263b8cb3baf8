#pragma once
/// The search module's contract: full-text product search with facets over
/// the published catalog. The index is a read model of the catalog and the
/// inventory, updated from their events within about a second. Plain
/// synchronous C++, thread-safe.
///
/// Errors: kInvalidInput for a cursor that is malformed or belongs to another
/// search, and for fields outside their ranges (search request validation
/// lives in the HTTP layer, but the service checks again); kUnavailable while
/// a missing or damaged index is being built for the first time.

#include "platform/core/error.hpp"
#include "shop/search/types.hpp"

namespace shop::search {

class SearchService {
 public:
  virtual ~SearchService() = default;
  virtual Result<SearchPage> Search(const SearchRequest& request) = 0;
};

}  // namespace shop::search
