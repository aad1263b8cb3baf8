#pragma once
/// Reading SOCI rows the same way on both backends: SQLite and PostgreSQL
/// report integer columns with different SOCI types, and NULL needs a check.
/// Every repository that reads dynamic rows (soci::row) uses these.

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shop::platform::db::rows {

inline bool IsNull(const soci::row& row, std::size_t i) { return row.get_indicator(i) == soci::i_null; }

inline std::int64_t Int(const soci::row& row, std::size_t i) {
  if (IsNull(row, i)) return 0;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return row.get<int>(i);
    case soci::dt_long_long:
      return row.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<std::int64_t>(row.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<std::int64_t>(row.get<double>(i));
    case soci::dt_string:
      return std::stoll(row.get<std::string>(i));
    default:
      return 0;
  }
}

inline std::string Str(const soci::row& row, std::size_t i) {
  if (IsNull(row, i)) return {};
  return row.get<std::string>(i);
}

inline std::optional<std::string> OptStr(const soci::row& row, std::size_t i) {
  if (IsNull(row, i)) return std::nullopt;
  return row.get<std::string>(i);
}

/// A SQL string literal for values that are inlined into IN (...) lists.
inline std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace shop::platform::db::rows
