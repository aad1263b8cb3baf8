#include "platform/mail/mail.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace shop::platform::mail {
namespace {

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// RFC 2047 encoded-word, so a UTF-8 subject or display name survives 7-bit transport.
std::string EncodeWord(std::string_view text) {
  if (IsAscii(text)) return std::string(text);
  std::string b64(sodium_base64_encoded_len(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  b64.resize(b64.find('\0'));
  return "=?UTF-8?B?" + b64 + "?=";
}

// "Name <addr>" with a non-ASCII name encoded; a bare address as is.
std::string EncodeAddressHeader(std::string_view value) {
  const auto lt = value.rfind('<');
  if (lt == std::string_view::npos || lt == 0) return std::string(value);
  std::string_view name = value.substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  return EncodeWord(name) + " " + std::string(value.substr(lt));
}

std::string Rfc5322Date(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string RandomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  return hex;
}

// Bare LF → CRLF, as RFC 5322 requires of line endings.
std::string CrLf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

}  // namespace

std::string DefaultFrom(const std::string& mail_from, const std::string& shop_name) {
  if (!mail_from.empty()) return mail_from;
  return shop_name + " <no-reply@localhost>";
}

FileMailer::FileMailer(std::filesystem::path dir, std::string from, const Clock& clock)
    : dir_(std::move(dir)), from_(std::move(from)), clock_(clock) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  if (HasLineBreak(from_)) throw std::invalid_argument("mail from must not contain a line break");
}

void FileMailer::Send(const MailMessage& message) {
  if (message.to.empty() || HasLineBreak(message.to) || HasLineBreak(message.subject)) {
    throw std::invalid_argument("mail recipient or subject is empty or contains a line break");
  }
  const std::int64_t now_ms = clock_.NowMs();
  std::uint64_t seq = 0;
  {
    std::lock_guard lock(mutex_);
    seq = ++sequence_;
  }
  const std::string unique = fmt::format("{:013}-{:06}-{}", now_ms, seq, RandomHex(6));

  std::string text;
  text += "Date: " + Rfc5322Date(now_ms) + "\r\n";
  text += "From: " + EncodeAddressHeader(from_) + "\r\n";
  text += "To: " + message.to + "\r\n";
  text += "Subject: " + EncodeWord(message.subject) + "\r\n";
  text += "Message-ID: <" + unique + "@localhost>\r\n";
  text += "MIME-Version: 1.0\r\n";
  text += "Content-Type: text/plain; charset=utf-8\r\n";
  text += "Content-Transfer-Encoding: 8bit\r\n";
  text += "\r\n";
  text += CrLf(message.text_body);
  if (!text.ends_with("\r\n")) text += "\r\n";

  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec)
    throw std::runtime_error(fmt::format("cannot create mail directory {}: {}", dir_.string(), ec.message()));
  const std::filesystem::path final_path = dir_ / (unique + ".eml");
  const std::filesystem::path temp_path = dir_ / ("." + unique + ".tmp");
  {
    std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::filesystem::remove(temp_path, ec);
      throw std::runtime_error(fmt::format("cannot write mail file {}", temp_path.string()));
    }
  }
  std::filesystem::rename(temp_path, final_path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temp_path, ignored);
    throw std::runtime_error(
        fmt::format("cannot move mail file into place {}: {}", final_path.string(), ec.message()));
  }
}

}  // namespace shop::platform::mail
