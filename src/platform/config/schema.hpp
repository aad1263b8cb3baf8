#pragma once
/// The configuration schema: one entry per key, the single source for the
/// loader (types, environment names, validation, where the value goes in
/// Config) and for the generated reference in config/README.md. Adding a
/// setting means adding a field to Config and one line to the table in
/// schema.cpp. Internal to platform/config: modules read Config.
///
/// Thread-safety: Schema() is built once on first use and is read-only after.

#include "platform/config/config.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace shop::platform::config {

enum class ValueType { kString, kInteger, kBoolean };

/// A setting's value before it is stored in Config; integers are held as
/// int64 so range checks happen before narrowing.
using Value = std::variant<std::string, std::int64_t, bool>;

struct KeySpec {
  std::string key;  ///< dotted: "http.port"
  ValueType type;
  std::string env;      ///< "SHOPD_HTTP_PORT"
  std::string meaning;  ///< one line for the reference
  Value default_value;  ///< read from a default-constructed Config
  /// nullopt if acceptable, else why not ("must be between 0 and 65535").
  std::function<std::optional<std::string>(const Value&)> validate;
  /// Stores a validated value of the right type into Config.
  std::function<void(Config&, const Value&)> apply;
};

/// Every key, in documentation order.
const std::vector<KeySpec>& Schema();

/// The entry for a dotted key, or nullptr.
const KeySpec* FindKey(std::string_view key);

/// "SHOPD_" + upper-case key with '.' → '_'.
std::string EnvName(std::string_view key);

/// "string" / "integer" / "boolean".
std::string_view TypeName(ValueType type);

/// A value as TOML would spell it: "EUR" quoted, 8080, true.
std::string ValueToToml(const Value& value);

}  // namespace shop::platform::config
