#include "platform/config/config.hpp"

#include "platform/config/schema.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <unistd.h>  // environ

namespace shop::platform::config {
namespace {

constexpr std::string_view kEnvPrefix = "SHOPD_";
constexpr std::string_view kFileSuffix = "_FILE";

/// A value and where it came from, so a validation error can point at it.
struct Setting {
  Value value;
  std::string origin;  // "default", "shop.toml:3:8", "SHOPD_HTTP_PORT", ...
};

using Settings = std::map<std::string, Setting, std::less<>>;

std::string Where(const toml::source_region& region) {
  std::string file = region.path ? std::string(*region.path) : std::string("<config>");
  return fmt::format("{}:{}:{}", file, region.begin.line, region.begin.column);
}

std::string_view Described(toml::node_type type) {
  switch (type) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "nothing";
  }
}

std::string_view Expected(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "a string";
    case ValueType::kInteger:
      return "an integer";
    case ValueType::kBoolean:
      return "a boolean";
  }
  return "a string";
}

// Levenshtein distance, for "did you mean" on a misspelt key.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Tables are the dotted prefixes of the keys ("http" for "http.port").
bool IsTable(std::string_view dotted) {
  for (const auto& spec : Schema()) {
    if (spec.key.size() > dotted.size() && spec.key.starts_with(dotted) && spec.key[dotted.size()] == '.') {
      return true;
    }
  }
  return false;
}

// The closest known key (or, for `want_table`, table) within two edits.
std::string Suggestion(std::string_view name, bool want_table) {
  std::string best;
  std::size_t best_distance = 3;  // further away than 2 edits is not a typo
  for (const auto& spec : Schema()) {
    std::string_view candidate = spec.key;
    if (want_table) {
      const auto dot = candidate.rfind('.');
      if (dot == std::string_view::npos) continue;
      candidate = candidate.substr(0, dot);
    }
    const std::size_t d = EditDistance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best.empty() ? std::string() : fmt::format("; did you mean '{}'?", best);
}

std::string ReadFileOrThrow(const std::string& path, const std::string& key, const std::string& what) {
  // An ifstream opens a directory without complaint and reads nothing, which
  // would pass for an empty file.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw ConfigError(key, fmt::format("cannot read {} '{}': it is a directory", what, path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(key, fmt::format("cannot read {} '{}': {}", what, path, std::strerror(errno)));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw ConfigError(key, fmt::format("cannot read {} '{}'", what, path));
  return content.str();
}

void ApplyToml(const toml::table& table, const std::string& prefix, Settings& settings) {
  for (const auto& [name, node] : table) {
    const std::string dotted = prefix + std::string(name.str());
    // Unknown names point at the key, type errors at the value.
    const std::string key_where = Where(name.source());
    const std::string where = Where(node.source());
    // A quoted key such as "http.port" = 1 is one key containing a dot in
    // TOML, not the nested http.port; accepting it would hide a mistake.
    const bool dotted_name = name.str().find('.') != std::string_view::npos;
    if (const auto* sub = node.as_table()) {
      if (dotted_name || !IsTable(dotted)) {
        throw ConfigError(dotted, fmt::format("unknown table ({}){}", key_where, Suggestion(dotted, true)));
      }
      ApplyToml(*sub, dotted + ".", settings);
      continue;
    }
    const KeySpec* spec = dotted_name ? nullptr : FindKey(dotted);
    if (spec == nullptr) {
      if (!dotted_name && IsTable(dotted)) {
        throw ConfigError(dotted,
                          fmt::format("expected a table, got {} ({})", Described(node.type()), where));
      }
      throw ConfigError(dotted, fmt::format("unknown key ({}){}", key_where, Suggestion(dotted, false)));
    }
    Value value;
    bool matches = false;
    switch (spec->type) {
      case ValueType::kString:
        if (const auto* s = node.as_string()) value = s->get(), matches = true;
        break;
      case ValueType::kInteger:
        if (const auto* n = node.as_integer()) value = n->get(), matches = true;
        break;
      case ValueType::kBoolean:
        if (const auto* b = node.as_boolean()) value = b->get(), matches = true;
        break;
    }
    if (!matches) {
      throw ConfigError(dotted, fmt::format("expected {}, got {} ({})", Expected(spec->type),
                                            Described(node.type()), where));
    }
    settings[spec->key] = Setting{std::move(value), where};
  }
}

void LoadFile(const std::string& path, Settings& settings) {
  const std::string text = ReadFileOrThrow(path, "", "config file");
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw ConfigError("", fmt::format("{}: {}", Where(e.source()), e.description()));
  }
  ApplyToml(root, "", settings);
}

// Converts an environment string to the key's type.
Value FromText(const KeySpec& spec, const std::string& text, const std::string& origin) {
  switch (spec.type) {
    case ValueType::kString:
      return text;
    case ValueType::kInteger: {
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        throw ConfigError(spec.key, fmt::format("{}=\"{}\" is not an integer", origin, text));
      }
      return n;
    }
    case ValueType::kBoolean: {
      std::string lower = text;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower == "true" || lower == "1") return true;
      if (lower == "false" || lower == "0") return false;
      throw ConfigError(spec.key,
                        fmt::format("{}=\"{}\" is not a boolean (true, false, 1 or 0)", origin, text));
    }
  }
  return text;
}

void ApplyEnvironment(const Environment& env, Settings& settings) {
  std::set<std::string, std::less<>> known_vars;
  for (const auto& spec : Schema()) {
    const std::string file_var = spec.env + std::string(kFileSuffix);
    known_vars.insert(spec.env);
    known_vars.insert(file_var);
    const auto direct = env.find(spec.env);
    const auto file = env.find(file_var);
    if (direct != env.end() && file != env.end()) {
      throw ConfigError(spec.key, fmt::format("both {} and {} are set; use one", spec.env, file_var));
    }
    if (direct != env.end()) {
      settings[spec.key] = Setting{FromText(spec, direct->second, spec.env), spec.env};
    } else if (file != env.end()) {
      std::string content = ReadFileOrThrow(file->second, spec.key, file_var);
      // Secrets written with `echo` or an editor end in a newline that is not
      // part of the secret.
      while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
        content.pop_back();
      }
      const std::string origin = fmt::format("{} ({})", file_var, file->second);
      settings[spec.key] = Setting{FromText(spec, content, file_var), origin};
    }
  }
  // Other SHOPD_* variables may belong to scripts or the CLI, but a *_FILE
  // that matches no key is almost certainly a misspelt secret.
  for (const auto& [name, value] : env) {
    if (name.starts_with(kEnvPrefix) && name.ends_with(kFileSuffix) && !known_vars.contains(name)) {
      throw ConfigError(name, "does not match any configuration key");
    }
  }
}

void Validate(const Settings& settings) {
  for (const auto& spec : Schema()) {
    const Setting& setting = settings.at(spec.key);
    if (auto problem = spec.validate(setting.value)) {
      throw ConfigError(spec.key, fmt::format("{} (from {})", *problem, setting.origin));
    }
  }
}

// Rules that involve more than one key.
void ValidateTogether(const Config& config, const Settings& settings) {
  if (config.events.backoff_base_ms > config.events.backoff_max_ms) {
    throw ConfigError("events.backoff_base_ms",
                      fmt::format("must not exceed events.backoff_max_ms ({} > {})",
                                  config.events.backoff_base_ms, config.events.backoff_max_ms));
  }
  if (config.profile == "prod" && config.debug.routes) {
    throw ConfigError("debug.routes", fmt::format("must be false when profile is prod (from {})",
                                                  settings.at("debug.routes").origin));
  }
  if (config.profile == "prod" && !config.debug.crash_points.empty()) {
    throw ConfigError("debug.crash_points", fmt::format("must be empty when profile is prod (from {})",
                                                        settings.at("debug.crash_points").origin));
  }
}

}  // namespace

Environment ProcessEnvironment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = text.substr(0, eq);
    if (name.starts_with(kEnvPrefix)) env.emplace(name, text.substr(eq + 1));
  }
  return env;
}

Config Load(const std::optional<std::string>& path, const Environment& env) {
  Settings settings;
  for (const auto& spec : Schema()) settings[spec.key] = Setting{spec.default_value, "default"};
  if (path) LoadFile(*path, settings);
  ApplyEnvironment(env, settings);
  Validate(settings);
  Config config;
  for (const auto& spec : Schema()) spec.apply(config, settings.at(spec.key).value);
  ValidateTogether(config, settings);
  return config;
}

}  // namespace shop::platform::config
