#include "shop/identity/email.hpp"

#include <algorithm>

#include "text.hpp"

namespace shop::identity {
namespace {

Error Invalid(std::string message) {
  return Error::InvalidInput("invalid e-mail address", {{"email", std::move(message)}});
}

// RFC 5322 atext: the characters of an unquoted local part besides '.'.
bool IsAtext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

bool ValidLocal(std::string_view local) {
  if (local.empty() || local.size() > kMaxEmailLocalBytes) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  return std::all_of(local.begin(), local.end(), [](char c) { return c == '.' || IsAtext(c); });
}

bool ValidLabel(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool ValidDomain(std::string_view domain) {
  if (domain.find('.') == std::string_view::npos) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = domain.find('.', start);
    if (!ValidLabel(domain.substr(start, dot == std::string_view::npos ? dot : dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

Result<std::string> NormalizeEmail(std::string_view raw) {
  // Bounded before normalisation: NFC can only grow a string a few times over.
  if (raw.size() > 4 * kMaxEmailBytes) return Invalid("is too long");
  auto nfc = NormalizeNfc(TrimAscii(raw));
  if (!nfc) return Invalid("must be valid UTF-8");
  std::string email = std::move(*nfc);
  for (char& c : email) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (email.empty()) return Invalid("is required");
  for (unsigned char c : email) {
    if (c >= 0x80) return Invalid("may contain only ASCII letters, digits and punctuation");
  }
  if (email.size() > kMaxEmailBytes) return Invalid("must be at most 254 characters");
  const auto at = email.find('@');
  if (at == std::string::npos || email.find('@', at + 1) != std::string::npos) {
    return Invalid("must contain exactly one '@'");
  }
  const std::string_view local = std::string_view(email).substr(0, at);
  const std::string_view domain = std::string_view(email).substr(at + 1);
  if (!ValidLocal(local)) return Invalid("has an invalid part before '@'");
  if (!ValidDomain(domain)) return Invalid("has an invalid domain");
  return email;
}

}  // namespace shop::identity
