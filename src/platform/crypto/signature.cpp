#include "platform/crypto/signature.hpp"

#include "platform/crypto/hmac.hpp"

#include <charconv>

namespace shop::platform::crypto {
namespace {

// A real header is under 200 bytes; the caps stop a crafted header from
// turning one request into thousands of HMAC computations.
constexpr std::size_t kMaxHeaderBytes = 4096;
constexpr std::size_t kMaxSignatures = 16;

std::string SignedContent(std::int64_t unix_seconds, std::string_view body) {
  std::string content = std::to_string(unix_seconds);
  content += '.';
  content.append(body);
  return content;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct ParsedHeader {
  std::int64_t timestamp = 0;
  std::vector<std::string> signatures;  // raw bytes, decoded from hex
};

shop::Result<ParsedHeader> Parse(std::string_view header) {
  if (Trim(header).empty()) return Error::InvalidInput("missing signature header");
  if (header.size() > kMaxHeaderBytes) return Error::InvalidInput("malformed signature header");

  ParsedHeader parsed;
  bool have_timestamp = false;
  bool have_v1 = false;
  std::string_view rest = header;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view item = Trim(rest.substr(0, comma));
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Error::InvalidInput("malformed signature header");
    }
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (key == "t") {
      if (have_timestamp) {
        return Error::InvalidInput("signature header has more than one timestamp");
      }
      have_timestamp = true;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed.timestamp);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() || parsed.timestamp < 0) {
        return Error::InvalidInput("malformed signature timestamp");
      }
    } else if (key == "v1") {
      have_v1 = true;
      // A v1 that is not hex cannot match; it is skipped rather than fatal so
      // one odd entry does not mask a good one.
      if (auto bytes = HexDecode(value)) {
        if (parsed.signatures.size() == kMaxSignatures) {
          return Error::InvalidInput("malformed signature header");
        }
        parsed.signatures.push_back(std::move(*bytes));
      }
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (!have_timestamp) return Error::InvalidInput("signature header has no timestamp");
  if (!have_v1) return Error::InvalidInput("signature header has no v1 signature");
  return parsed;
}

}  // namespace

std::string SignPayload(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  return "t=" + std::to_string(unix_seconds) +
         ",v1=" + HexEncode(HmacSha256(secret, SignedContent(unix_seconds, body)));
}

shop::Result<void> VerifySignedPayload(std::string_view header, std::string_view body,
                                       const std::vector<std::string>& secrets, std::int64_t now_unix,
                                       std::int64_t tolerance_s) {
  auto parsed = Parse(header);
  if (!parsed) return parsed.error();
  if (secrets.empty()) return Error::InvalidInput("no signing secret configured");

  const std::string content = SignedContent(parsed->timestamp, body);
  bool matched = false;
  // Every pair is compared even after a match, so timing does not reveal
  // which secret or which position matched.
  for (const auto& secret : secrets) {
    const std::string expected = HmacSha256(secret, content);
    for (const auto& candidate : parsed->signatures) {
      matched |= ConstantTimeEquals(expected, candidate);
    }
  }
  if (!matched) return Error::InvalidInput("no signature matches");

  // The signature is checked first, so a timestamp complaint always concerns
  // a genuine (delayed or replayed) delivery.
  std::int64_t age = 0;
  // t is never negative, so an overflowing difference can only mean "far future".
  if (__builtin_sub_overflow(now_unix, parsed->timestamp, &age) || age < -tolerance_s) {
    return Error::InvalidInput("signature timestamp in the future");
  }
  if (age > tolerance_s) return Error::InvalidInput("signature timestamp too old");
  return {};
}

}  // namespace shop::platform::crypto
