#pragma once
/// Outgoing mail (DESIGN §2, §4): modules hand plain-text messages to a
/// Mailer. The dev channel, FileMailer, writes each message as an RFC 5322
/// file under <data_dir>/mail so a developer (or a test) can open it.

#include <filesystem>
#include <mutex>
#include <string>

#include "platform/clock/clock.hpp"

namespace shop::platform::mail {

struct MailMessage {
  std::string to;  ///< one address, e.g. "ana@example.com"
  std::string subject;
  std::string text_body;  ///< UTF-8 plain text
};

/// Sends a message or throws (std::runtime_error and subclasses) on failure,
/// so a transactional event handler that sends rolls back and is retried.
/// Implementations are thread-safe.
class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual void Send(const MailMessage& message) = 0;
};

/// Writes each message as `<dir>/<ms>-<seq>-<random>.eml`: names sort by the
/// time written and never collide. A file appears complete or not at all
/// (written to a temporary name in the same directory, then renamed).
/// Creates `dir` when missing. Thread-safe.
class FileMailer final : public Mailer {
 public:
  /// `from` is the whole From header value, e.g. "Shop <no-reply@localhost>".
  FileMailer(std::filesystem::path dir, std::string from, const Clock& clock);

  /// Throws std::invalid_argument when `to` or `subject` contains a line
  /// break or `to` is empty (header injection), std::runtime_error when the
  /// file cannot be written.
  void Send(const MailMessage& message) override;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::string from_;
  const Clock& clock_;
  std::mutex mutex_;
  std::uint64_t sequence_ = 0;
};

/// The From header for a shop: `mail_from` when set, else
/// "<shop_name> <no-reply@localhost>".
std::string DefaultFrom(const std::string& mail_from, const std::string& shop_name);

}  // namespace shop::platform::mail
