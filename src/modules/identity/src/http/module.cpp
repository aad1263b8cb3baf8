// The identity module as the composition root sees it (module.hpp).
#include "shop/identity/module.hpp"

#include "http/csrf.hpp"
#include "http/env.hpp"
#include "identity_service.hpp"
#include "mail_handlers.hpp"
#include "platform/mail/mail.hpp"

#include <filesystem>

namespace shop::identity {

struct IdentityModule::Impl {
  explicit Impl(IdentityModuleDeps d)
      : deps(d),
        service(MakeIdentityService(IdentityServiceDeps{.db = deps.db,
                                                        .outbox = deps.outbox,
                                                        .clock = deps.clock,
                                                        .ids = deps.ids,
                                                        .config = deps.config.identity})),
        mailer(std::filesystem::path(deps.config.data_dir) / "mail",
               platform::mail::DefaultFrom(deps.config.mail.from, deps.config.shop.name), deps.clock),
        sessions(deps.kv, deps.clock, deps.ids, deps.config),
        throttle(deps.kv, std::chrono::seconds(deps.config.identity.throttle_window_seconds)),
        env(HttpEnv{.config = deps.config,
                    .clock = deps.clock,
                    .ids = deps.ids,
                    .templates = deps.templates,
                    .service = *service,
                    .sessions = sessions,
                    .throttle = throttle,
                    .base_origin = OriginOf(deps.config.shop.base_url)}) {}

  IdentityModuleDeps deps;
  std::unique_ptr<IdentityService> service;
  platform::mail::FileMailer mailer;
  SessionStore sessions;
  Throttle throttle;
  HttpEnv env;
};

IdentityModule::IdentityModule(IdentityModuleDeps deps) : impl_(std::make_unique<Impl>(deps)) {}
IdentityModule::~IdentityModule() = default;

IdentityService& IdentityModule::service() { return *impl_->service; }

platform::http::Middleware IdentityModule::AuthMiddleware() { return MakeAuthMiddleware(impl_->env); }

void IdentityModule::RegisterRoutes(platform::http::Router& router) {
  RegisterAuthApi(router, impl_->env);
  RegisterMeApi(router, impl_->env);
  RegisterAdminApi(router, impl_->env);
  RegisterAuthPages(router, impl_->env);
  RegisterAccountPages(router, impl_->env);
  RegisterAdminPages(router, impl_->env);
}

void IdentityModule::RegisterSubscriptions(platform::events::Bus& bus) {
  RegisterMailHandlers(bus, impl_->deps.db, impl_->mailer, impl_->deps.config.shop.name,
                       impl_->deps.config.shop.base_url);
}

std::optional<DemoAdmin> IdentityModule::EnsureDemoAdmin() {
  IdentityService& service = *impl_->service;
  if (!service.Empty()) return std::nullopt;
  // 15 random bytes → exactly 20 base64url characters.
  DemoAdmin admin{impl_->deps.config.identity.demo_admin_email, impl_->deps.ids.NewToken(15)};
  auto user = service.EnsureUser(admin.email, admin.password, "Demo Admin", Role::kAdmin);
  if (!user) throw std::runtime_error("could not create the demo admin: " + user.error().detail);
  admin.email = user->email;
  return admin;
}

}  // namespace shop::identity
