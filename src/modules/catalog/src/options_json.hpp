#pragma once
// Option values and attributes are stored as JSON text: an ordered array of
// [name, value] pairs, so "size" stays before "colour" as entered.

#include "shop/catalog/types.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace shop::catalog {

/// [["size","M"],["colour","blue"]].
std::string OptionsJson(const OptionValues& values);
/// The inverse of OptionsJson; malformed text (never written by it) → empty.
OptionValues ParseOptions(std::string_view text);

/// {"size": "M", "colour": "blue"} for API output; order kept.
boost::json::value OptionsObject(const OptionValues& values);
/// Reads an API object of string values into pairs; nullopt (with `error`
/// set) when it is not an object of strings.
std::optional<OptionValues> OptionsFromJson(const boost::json::value& value, std::string& error);

/// The key of the name sort: ASCII lower-cased, so the order does not depend
/// on the database's collation.
std::string SortName(std::string_view name);

}  // namespace shop::catalog
