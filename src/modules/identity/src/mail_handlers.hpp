#pragma once
// The identity mails: turns reset and verification events into messages on a
// Mailer, with links into the shop.

#include <string>

#include "platform/db/db.hpp"
#include "platform/events/bus.hpp"
#include "platform/mail/mail.hpp"

namespace shop::identity {

inline constexpr const char* kResetMailConsumer = "identity.mail.reset";
inline constexpr const char* kVerifyMailConsumer = "identity.mail.verify";

/// Subscribes, transactionally on `db` (so a redelivered event mails nothing
/// twice), to identity.password_reset_requested.v1 → a mail with
/// <base_url>/reset-password?token=…, and to
/// identity.email_verification_requested.v1 → <base_url>/verify-email?token=….
/// A Mailer failure throws, the delivery rolls back and the relay retries it.
/// `mailer` and `db` must outlive `bus`.
void RegisterMailHandlers(platform::events::Bus& bus, platform::db::Db& db, platform::mail::Mailer& mailer,
                          std::string shop_name, std::string base_url);

}  // namespace shop::identity
