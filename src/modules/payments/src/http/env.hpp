#pragma once
// What the payments routes share, valid for the module's lifetime, and the
// JSON views both the shopper's and the staff API use.

#include <boost/json/object.hpp>

#include <string>
#include <vector>

#include "payments_service.hpp"
#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/http/router.hpp"
#include "platform/idempotency/idempotency.hpp"

namespace shop::payments {

struct HttpEnv {
  const platform::config::Config& config;
  const platform::Clock& clock;
  PaymentsServiceImpl& service;
  platform::idempotency::IdempotencyStore& idempotency;
  std::vector<std::string> webhook_secrets;
};

/// DESIGN §5 payment {id, status, amount} plus order_id, captured, refunded,
/// last_error, failed_attempts, card_last4 and the times. Never the client secret.
boost::json::object IntentJson(const PaymentIntent& intent);
/// {id, payment_id, order_id, amount, status, reason, actor, created_at_ms}.
boost::json::object RefundJson(const Refund& refund);

/// The problem+json answer for an error; 503s carry Retry-After.
platform::http::Response ProblemResponse(const Error& error, const platform::http::Request& request);

/// The {id} path parameter, or the 400 for one that cannot be a payment id.
Result<std::string> PaymentIdParam(const platform::http::Request& request);

void RegisterPublicApi(platform::http::Router& router, HttpEnv& env);
void RegisterAdminApi(platform::http::Router& router, HttpEnv& env);

}  // namespace shop::payments
