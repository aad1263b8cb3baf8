// The payments module as the composition root sees it (module.hpp): the
// mock gateway, the guarded provider, the service, the webhook sender and
// the routes.
#include "shop/payments/module.hpp"

#include <fmt/format.h>

#include <atomic>

#include "http/env.hpp"
#include "mock_gateway.hpp"
#include "payments_service.hpp"
#include "provider_guard.hpp"
#include "webhook_receiver.hpp"
#include "webhook_sender.hpp"

namespace shop::payments {

namespace {

using std::chrono::milliseconds;

}  // namespace

struct PaymentsModule::Impl {
  explicit Impl(PaymentsModuleDeps d)
      : deps(d),
        gateway(deps.db, deps.clock, deps.ids,
                MockGatewayOptions{.latency = milliseconds(deps.config.payments.mock.latency_ms),
                                   .failure_rate_percent = static_cast<int>(deps.config.payments.mock.failure_rate),
                                   .action_delay = milliseconds(deps.config.payments.mock.action_delay_ms),
                                   // The sender is constructed below; the gateway calls this only once
                                   // requests flow, long after.
                                   .webhook_queued = [this] { sender.Wake(); }}),
        guard(gateway, deps.clock,
              ProviderGuardOptions{
                  .timeout = milliseconds(deps.config.payments.provider_timeout_ms),
                  .breaker = {.failure_threshold = static_cast<int>(deps.config.payments.breaker_failure_threshold),
                              .open_duration = milliseconds(deps.config.payments.breaker_open_ms)}}),
        service(PaymentsServiceDeps{.db = deps.db,
                                    .outbox = deps.outbox,
                                    .clock = deps.clock,
                                    .ids = deps.ids,
                                    .provider = guard,
                                    .config = deps.config.payments}),
        idempotency(deps.db, deps.clock, platform::idempotency::kDefaultRetention,
                    platform::idempotency::kDefaultLockTimeout),
        sender(deps.db, deps.clock,
               WebhookSenderOptions{
                   .secret = FirstSecret(deps.config.payments.webhook_secrets),
                   .url = [this] { return WebhookUrl(); },
                   .poll = milliseconds(deps.config.payments.mock.webhook_poll_ms),
                   .retry_base = milliseconds(deps.config.payments.mock.webhook_retry_base_ms),
                   .retry_max = milliseconds(deps.config.payments.mock.webhook_retry_max_ms),
                   .request_timeout = milliseconds(deps.config.payments.provider_timeout_ms)}),
        env(HttpEnv{.config = deps.config,
                    .clock = deps.clock,
                    .service = service,
                    .idempotency = idempotency,
                    .webhook_secrets = SplitSecrets(deps.config.payments.webhook_secrets)}) {}

  static std::string FirstSecret(const std::string& csv) {
    auto secrets = SplitSecrets(csv);
    return secrets.empty() ? std::string() : secrets.front();
  }

  std::string WebhookUrl() const {
    if (!deps.config.payments.mock.webhook_url.empty()) return deps.config.payments.mock.webhook_url;
    const std::uint16_t port = listening_port.load();
    if (port == 0) return {};
    return fmt::format("http://127.0.0.1:{}/api/v1/payments/webhook", port);
  }

  PaymentsModuleDeps deps;
  std::atomic<std::uint16_t> listening_port{0};
  MockGateway gateway;
  ProviderGuard guard;
  PaymentsServiceImpl service;
  platform::idempotency::IdempotencyStore idempotency;
  WebhookSender sender;
  HttpEnv env;
};

PaymentsModule::PaymentsModule(PaymentsModuleDeps deps) : impl_(std::make_unique<Impl>(deps)) {}
PaymentsModule::~PaymentsModule() { Stop(); }

PaymentsService& PaymentsModule::service() { return impl_->service; }

void PaymentsModule::RegisterRoutes(platform::http::Router& router) {
  RegisterPublicApi(router, impl_->env);
  RegisterAdminApi(router, impl_->env);
}

void PaymentsModule::SetListeningPort(std::uint16_t port) { impl_->listening_port.store(port); }

void PaymentsModule::Start() { impl_->sender.Start(); }
void PaymentsModule::Stop() { impl_->sender.Stop(); }

}  // namespace shop::payments
