#pragma once
/// How the composition root (src/app) builds and wires the payments module.
/// Other modules use payments.hpp and events.hpp only.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/outbox.hpp"
#include "platform/http/router.hpp"
#include "platform/ids/ids.hpp"
#include "shop/payments/payments.hpp"

#include <cstdint>
#include <memory>

namespace shop::payments {

struct PaymentsModuleDeps {
  const platform::config::Config& config;
  platform::db::Db& db;
  platform::events::Outbox& outbox;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
};

/// The service, the mock gateway standing in for a card provider, and the
/// HTTP API: the shopper's confirm and status routes, the provider webhook,
/// and the staff routes under /api/v1/admin/payments.
class PaymentsModule {
 public:
  explicit PaymentsModule(PaymentsModuleDeps deps);
  ~PaymentsModule();  ///< stops the webhook sender
  PaymentsModule(const PaymentsModule&) = delete;
  PaymentsModule& operator=(const PaymentsModule&) = delete;

  PaymentsService& service();

  /// Needs the identity middleware installed (staff routes use identity::Require).
  void RegisterRoutes(platform::http::Router& router);

  /// The port this server listens on, for the default webhook URL
  /// (payments.mock.webhook_url empty) when http.port is 0. Thread-safe.
  void SetListeningPort(std::uint16_t port);

  /// Starts / stops the mock gateway's webhook sender thread. Stop returns
  /// after the delivery in progress; undelivered webhooks stay queued in
  /// the database and are sent after the next Start. Thread-safe.
  void Start();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::payments
