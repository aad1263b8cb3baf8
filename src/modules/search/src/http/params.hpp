#pragma once
// The search request from a query string (?q=&category=&brand=&min_price=
// &max_price=&in_stock=&sort=&cursor=&limit=), shared by the API and the
// page, and the way back: a query string for links that change one part.

#include "platform/core/error.hpp"
#include "platform/http/request.hpp"
#include "shop/search/types.hpp"

#include <string>

namespace shop::search {

/// Parses and validates every parameter, collecting each problem as a field
/// error (InvalidInput). A parameter given twice is an error; an unknown one
/// is an error when `strict` (the API) and ignored otherwise (the page,
/// which may carry tracking parameters).
Result<SearchRequest> ParseSearchParams(const platform::http::Request& request, bool strict);

/// "q=...&category=..." for `request`, without cursor and limit (links to
/// the first page), the defaults left out.
std::string SearchQueryString(const SearchRequest& request);

}  // namespace shop::search
