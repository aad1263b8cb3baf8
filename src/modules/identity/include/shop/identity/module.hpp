#pragma once
/// How the composition root (src/app) builds and wires the identity module.
/// Other modules use identity.hpp and access.hpp only.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/bus.hpp"
#include "platform/events/outbox.hpp"
#include "platform/http/router.hpp"
#include "platform/ids/ids.hpp"
#include "platform/kv/kv.hpp"
#include "platform/templates/templates.hpp"
#include "shop/identity/identity.hpp"

#include <memory>
#include <optional>
#include <string>

namespace shop::identity {

struct IdentityModuleDeps {
  const platform::config::Config& config;
  platform::db::Db& db;
  platform::kv::KvStore& kv;
  platform::events::Outbox& outbox;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  const platform::templates::Templates& templates;
};

/// Credentials of a freshly created demo admin, to print once.
struct DemoAdmin {
  std::string email;
  std::string password;
};

class IdentityModule {
 public:
  explicit IdentityModule(IdentityModuleDeps deps);
  ~IdentityModule();
  IdentityModule(const IdentityModule&) = delete;
  IdentityModule& operator=(const IdentityModule&) = delete;

  IdentityService& service();

  /// Authenticates every request (session cookie, or Authorization: Bearer)
  /// and attaches the Principal; refuses cookie-authenticated state-changing
  /// requests without a valid CSRF token or a same-origin Origin /
  /// Sec-Fetch-Site (403). Install after the platform middlewares.
  platform::http::Middleware AuthMiddleware();

  /// API routes (/api/v1/auth/*, /api/v1/me*, /api/v1/admin/customers*) and
  /// pages (/signin, /signup, /account*, /forgot-password, /reset-password,
  /// /verify-email, /admin, /admin/customers*).
  void RegisterRoutes(platform::http::Router& router);

  /// Event handlers: the dev mail channel that writes each message as a file
  /// under <data_dir>/mail.
  void RegisterSubscriptions(platform::events::Bus& bus);

  /// Dev profile: on an empty user table, creates an admin with a random
  /// password and returns the credentials (once); otherwise nullopt.
  std::optional<DemoAdmin> EnsureDemoAdmin();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::identity
