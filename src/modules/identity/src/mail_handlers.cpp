#include "mail_handlers.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>

#include "shop/identity/events.hpp"

namespace shop::identity {
namespace {

namespace ev = shop::identity::events;
using platform::mail::MailMessage;

std::string UtcTime(std::int64_t ms) {
  const std::chrono::sys_seconds t{std::chrono::seconds(ms / 1000)};
  return fmt::format("{:%Y-%m-%d %H:%M} UTC", fmt::gmtime(std::chrono::system_clock::to_time_t(t)));
}

std::string Greeting(const std::string& name) { return name.empty() ? "Hello," : "Hello " + name + ","; }

MailMessage ResetMail(const ev::PasswordResetRequested& e, const std::string& shop,
                      const std::string& base_url) {
  MailMessage m;
  m.to = e.email;
  m.subject = fmt::format("Reset your {} password", shop);
  m.text_body = fmt::format(
      "{}\n\n"
      "someone asked to reset the password of your {} account. To choose a new password, open this link:\n\n"
      "{}/reset-password?token={}\n\n"
      "The link works once and expires at {}.\n\n"
      "If you did not ask for this, ignore this message: your password stays as it is.\n\n"
      "-- {}\n",
      Greeting(e.name), shop, base_url, e.token, UtcTime(e.expires_at_ms), shop);
  return m;
}

MailMessage VerifyMail(const ev::EmailVerificationRequested& e, const std::string& shop,
                       const std::string& base_url) {
  MailMessage m;
  m.to = e.email;
  m.subject = fmt::format("Confirm your e-mail address for {}", shop);
  m.text_body = fmt::format(
      "{}\n\n"
      "please confirm that this is the e-mail address of your {} account by opening this link:\n\n"
      "{}/verify-email?token={}\n\n"
      "The link works once and expires at {}.\n\n"
      "If you did not create an account, ignore this message.\n\n"
      "-- {}\n",
      Greeting(e.name), shop, base_url, e.token, UtcTime(e.expires_at_ms), shop);
  return m;
}

}  // namespace

void RegisterMailHandlers(platform::events::Bus& bus, platform::db::Db& db, platform::mail::Mailer& mailer,
                          std::string shop_name, std::string base_url) {
  bus.OnTransactional<ev::PasswordResetRequested>(
      db, kResetMailConsumer,
      [&mailer, shop_name, base_url](platform::db::Tx&, const ev::PasswordResetRequested& e,
                                     const platform::events::Envelope&) {
        mailer.Send(ResetMail(e, shop_name, base_url));
      });
  bus.OnTransactional<ev::EmailVerificationRequested>(
      db, kVerifyMailConsumer,
      [&mailer, shop_name = std::move(shop_name), base_url = std::move(base_url)](
          platform::db::Tx&, const ev::EmailVerificationRequested& e, const platform::events::Envelope&) {
        mailer.Send(VerifyMail(e, shop_name, base_url));
      });
}

}  // namespace shop::identity
