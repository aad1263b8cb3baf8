#include "text.hpp"

#include <utf8proc.h>

#include <fmt/format.h>
#include <cstdlib>

namespace shop::identity {

std::string_view TrimAscii(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kSpace);
  return s.substr(first, last - first + 1);
}

std::optional<std::string> NormalizeNfc(std::string_view s) {
  if (s.empty()) return std::string();
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                          static_cast<utf8proc_ssize_t>(s.size()), &out,
                                          static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) return std::nullopt;  // malformed UTF-8 (or out of memory)
  std::string result(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  std::free(out);
  return result;
}

std::size_t CodePointCount(std::string_view s) {
  std::size_t count = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool HasControl(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return true;  // malformed counts as unacceptable too
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;
    p += n;
    left -= n;
  }
  return false;
}

std::optional<std::string> CleanText(std::string_view raw, std::size_t min_chars, std::size_t max_chars,
                                     std::string& why) {
  // A bound on bytes first, so a huge input is refused before normalisation.
  if (raw.size() > max_chars * 4 + 64) {
    why = fmt::format("must be at most {} characters", max_chars);
    return std::nullopt;
  }
  auto nfc = NormalizeNfc(TrimAscii(raw));
  if (!nfc) {
    why = "must be valid UTF-8";
    return std::nullopt;
  }
  if (HasControl(*nfc)) {
    why = "must not contain control characters";
    return std::nullopt;
  }
  const std::size_t chars = CodePointCount(*nfc);
  if (chars < min_chars) {
    why = min_chars == 1 ? "is required" : fmt::format("must be at least {} characters", min_chars);
    return std::nullopt;
  }
  if (chars > max_chars) {
    why = fmt::format("must be at most {} characters", max_chars);
    return std::nullopt;
  }
  return nfc;
}

}  // namespace shop::identity
