// /api/v1/admin/payments/*: staff read, capture, cancel and refund payments
// (DESIGN §5). Every state change needs an Idempotency-Key, scoped to the
// staff member, so a retried click never captures or refunds twice.
#include "http/env.hpp"
#include "platform/http/json_input.hpp"
#include "platform/money/money.hpp"
#include "shop/identity/access.hpp"

namespace shop::payments {

namespace http = platform::http;
namespace json = boost::json;
using identity::Access;
using identity::Require;

namespace {

std::string Actor(const http::Request& request) {
  const identity::Principal* principal = identity::CurrentPrincipal(request);
  return principal ? principal->user_id.value : std::string("system");
}

std::string Scope(const http::Request& request) { return "payments.admin:" + Actor(request); }

json::object IntentWithRefunds(PaymentsServiceImpl& service, const PaymentIntent& intent) {
  json::object body = IntentJson(intent);
  json::array refunds;
  for (const Refund& r : service.Refunds(intent.id)) refunds.push_back(RefundJson(r));
  body["refunds"] = std::move(refunds);
  return body;
}

// Runs a staff state change: path id, Idempotency-Key (required), then `act`.
template <class Act>
http::Handler Mutation(HttpEnv& env, Act act) {
  return Require(Access::kStaff, [&env, act](http::Request& request) {
    auto id = PaymentIdParam(request);
    if (!id) return ProblemResponse(id.error(), request);
    return platform::idempotency::WithIdempotencyKey(env.idempotency, request, Scope(request), true,
                                                     [&]() -> http::Response { return act(request, *id); });
  });
}

}  // namespace

void RegisterAdminApi(http::Router& router, HttpEnv& env) {
  router.Get("/api/v1/admin/payments/{id}", Require(Access::kStaff, [&env](http::Request& request) {
    auto id = PaymentIdParam(request);
    if (!id) return ProblemResponse(id.error(), request);
    auto intent = env.service.Get(*id);
    if (!intent) return ProblemResponse(intent.error(), request);
    return http::Response::Json(200, IntentWithRefunds(env.service, *intent));
  }));

  router.Get("/api/v1/admin/payments/{id}/refunds", Require(Access::kStaff, [&env](http::Request& request) {
    auto id = PaymentIdParam(request);
    if (!id) return ProblemResponse(id.error(), request);
    auto intent = env.service.Get(*id);
    if (!intent) return ProblemResponse(intent.error(), request);
    json::array items;
    for (const Refund& r : env.service.Refunds(*id)) items.push_back(RefundJson(r));
    return http::Response::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  }));

  router.Post("/api/v1/admin/payments/{id}/capture",
              Mutation(env, [&env](http::Request& request, const std::string& id) {
                // No body expected; an empty one or {} is fine.
                if (!request.body.empty()) {
                  auto input = http::JsonInput::Parse(request);
                  if (!input) return ProblemResponse(input.error(), request);
                  if (auto done = input->Finish(); !done) return ProblemResponse(done.error(), request);
                }
                auto intent = env.service.Capture(id);
                if (!intent) return ProblemResponse(intent.error(), request);
                return http::Response::Json(200, IntentWithRefunds(env.service, *intent));
              }));

  router.Post("/api/v1/admin/payments/{id}/cancel",
              Mutation(env, [&env](http::Request& request, const std::string& id) {
                auto input = http::JsonInput::Parse(request);
                if (!input) return ProblemResponse(input.error(), request);
                auto reason = input->String("reason", true);
                if (auto done = input->Finish(); !done) return ProblemResponse(done.error(), request);
                auto intent = env.service.Cancel(id, *reason);
                if (!intent) return ProblemResponse(intent.error(), request);
                return http::Response::Json(200, IntentWithRefunds(env.service, *intent));
              }));

  router.Post("/api/v1/admin/payments/{id}/refunds",
              Mutation(env, [&env](http::Request& request, const std::string& id) {
                auto input = http::JsonInput::Parse(request);
                if (!input) return ProblemResponse(input.error(), request);
                const json::value* amount_json = input->Value("amount", true);
                std::optional<platform::money::Money> amount;
                if (amount_json) {
                  auto parsed = platform::money::FromJson(*amount_json);
                  if (!parsed) {
                    input->Fail("amount", parsed.error().fields.empty() ? parsed.error().detail
                                                                         : parsed.error().fields.front().message);
                  } else if (parsed->amount <= 0) {
                    input->Fail("amount.amount", "must be positive");
                  } else {
                    amount = *parsed;
                  }
                }
                auto reason = input->String("reason", false);
                if (auto done = input->Finish(); !done) return ProblemResponse(done.error(), request);
                auto refund = env.service.CreateRefund(id, *amount, reason.value_or(""), Actor(request));
                if (!refund) return ProblemResponse(refund.error(), request);
                http::Response response = http::Response::Json(201, RefundJson(*refund));
                response.headers.Set("Location", "/api/v1/admin/payments/" + id + "/refunds");
                return response;
              }));
}

}  // namespace shop::payments
