#pragma once
// Helpers shared by the catalog's pages: the layout's data (shop name, the
// visitor's navigation state, top categories) and rendering.

#include "http/env.hpp"

#include <boost/json/object.hpp>

#include <string_view>

namespace shop::catalog {

/// shop_name, year, title, navigation (identity::AddNavigation) and
/// nav_categories for the header.
boost::json::object PageData(const HttpEnv& env, const platform::http::Request& request, std::string_view title);

/// Renders `name` through the layout. Pages with a CSRF token or account
/// state (`private_page`) are never stored by caches.
platform::http::Response RenderPage(const HttpEnv& env, int status, std::string_view name,
                                    const boost::json::object& data, bool private_page);

/// A page for an error, with its status.
platform::http::Response ErrorPage(const HttpEnv& env, const platform::http::Request& request, const Error& error);

/// Top-level categories as [{slug, name, href}].
boost::json::array TopCategories(const HttpEnv& env);

/// Percent-encodes a query value.
std::string EncodeQuery(std::string_view value);

/// "€19.99" in the shop's currency.
std::string Price(const platform::money::Money& money);

}  // namespace shop::catalog
