#include "platform/db/migration_plan.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <tuple>

namespace shop::platform::db {
namespace {

constexpr std::string_view kPlatformModule = "platform";
constexpr std::string_view kSqlSuffix = ".sql";

enum class FileDialect { kShared, kSqlite, kPostgres };

struct ParsedName {
  std::string module;
  std::int64_t version = 0;
  std::string name;
  FileDialect dialect = FileDialect::kShared;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsIdentifier(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

[[noreturn]] void Malformed(std::string_view path, std::string_view why) {
  throw std::invalid_argument("migration file " + std::string(path) + ": " + std::string(why) +
                              " (expected <module>/<NNNN>_<name>[.sqlite|.postgresql].sql)");
}

ParsedName ParsePath(std::string_view path) {
  ParsedName out;
  std::size_t slash = path.find('/');
  if (slash == std::string_view::npos || path.find('/', slash + 1) != std::string_view::npos) {
    Malformed(path, "must sit directly in a module folder");
  }
  out.module = std::string(path.substr(0, slash));
  if (!IsIdentifier(out.module)) Malformed(path, "module folder must be lower-case snake_case");

  std::string_view file = path.substr(slash + 1);
  if (!EndsWith(file, kSqlSuffix)) Malformed(path, "must end in .sql");
  std::string_view stem = file.substr(0, file.size() - kSqlSuffix.size());
  for (auto [suffix, dialect] : {std::pair{std::string_view(".sqlite"), FileDialect::kSqlite},
                                 std::pair{std::string_view(".postgresql"), FileDialect::kPostgres}}) {
    if (EndsWith(stem, suffix)) {
      stem.remove_suffix(suffix.size());
      out.dialect = dialect;
      break;
    }
  }
  std::size_t underscore = stem.find('_');
  if (underscore == std::string_view::npos || underscore == 0) Malformed(path, "no version prefix");
  std::string_view digits = stem.substr(0, underscore);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    Malformed(path, "version must be digits");
  }
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.version);
  if (ec != std::errc() || out.version <= 0) Malformed(path, "version must be a positive number");
  out.name = std::string(stem.substr(underscore + 1));
  if (!IsIdentifier(out.name)) Malformed(path, "name must be lower-case snake_case");
  return out;
}

bool ModuleOrder(const Migration& a, const Migration& b) {
  bool a_platform = a.module == kPlatformModule;
  bool b_platform = b.module == kPlatformModule;
  return std::tie(b_platform, a.module, a.version) < std::tie(a_platform, b.module, b.version);
}

}  // namespace

std::vector<Migration> PlanMigrations(const std::vector<EmbeddedFile>& files, Dialect dialect) {
  const FileDialect own = dialect == Dialect::kSqlite ? FileDialect::kSqlite : FileDialect::kPostgres;
  struct Slot {
    std::optional<Migration> shared;
    std::optional<Migration> specific;
  };
  std::map<std::pair<std::string, std::int64_t>, Slot> slots;
  for (const EmbeddedFile& file : files) {
    ParsedName parsed = ParsePath(file.path);
    Slot& slot = slots[{parsed.module, parsed.version}];
    // Files of the other dialect are still parsed, so a malformed name fails
    // on every dialect, but they are never applied here.
    if (parsed.dialect != FileDialect::kShared && parsed.dialect != own) continue;
    std::optional<Migration>& target = parsed.dialect == FileDialect::kShared ? slot.shared : slot.specific;
    if (target) {
      throw std::invalid_argument("migration files " + target->path + " and " + std::string(file.path) +
                                  " have the same version");
    }
    target = Migration{parsed.module,          parsed.version, parsed.name,
                       std::string(file.path), file.content,   Sha256Hex(file.content)};
  }
  std::vector<Migration> plan;
  for (auto& [key, slot] : slots) {
    if (slot.shared && slot.specific && slot.shared->name != slot.specific->name) {
      throw std::invalid_argument("migration file " + slot.specific->path + " replaces " + slot.shared->path +
                                  " but has another name");
    }
    if (slot.specific) {
      plan.push_back(std::move(*slot.specific));
    } else if (slot.shared) {
      plan.push_back(std::move(*slot.shared));
    }
  }
  std::sort(plan.begin(), plan.end(), ModuleOrder);
  return plan;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

}  // namespace shop::platform::db
