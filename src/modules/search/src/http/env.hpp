#pragma once
// What the search routes share: references valid for the module's lifetime.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/http/router.hpp"
#include "platform/templates/templates.hpp"
#include "shop/search/search.hpp"

namespace shop::search {

struct HttpEnv {
  const platform::config::Config& config;
  const platform::Clock& clock;
  const platform::templates::Templates& templates;
  SearchService& service;
};

/// GET /api/v1/search.
void RegisterSearchApi(platform::http::Router& router, const HttpEnv& env);
/// GET /search, the storefront results page.
void RegisterSearchPage(platform::http::Router& router, const HttpEnv& env);

}  // namespace shop::search
