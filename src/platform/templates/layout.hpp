#pragma once
/// The data every page's shared layout (web/templates/layout.mustache) reads,
/// so each module's pages start from the same fields.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"

#include <boost/json/object.hpp>

#include <string_view>

namespace shop::platform::templates {

/// {shop_name, year (UTC, for the footer), title (omitted when empty)}.
/// The caller adds the header's sign-in state (identity::AddNavigation) and
/// its own fields. Thread-safe.
boost::json::object LayoutData(const config::Config& config, const Clock& clock, std::string_view title);

}  // namespace shop::platform::templates
