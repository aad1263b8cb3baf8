// The shopper's side of a payment and the provider's webhook (DESIGN §5):
//   GET  /api/v1/payments/{id}?client_secret=…   the intent's state
//   POST /api/v1/payments/{id}/confirm            card details → authorisation
//   POST /api/v1/payments/webhook                 signed provider events
#include <ctime>

#include "http/env.hpp"
#include "platform/crypto/hmac.hpp"
#include "platform/http/json_input.hpp"
#include "webhook_receiver.hpp"

namespace shop::payments {

namespace http = platform::http;
namespace json = boost::json;

namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Year and month now, UTC, for the card expiry check.
std::pair<int, int> YearMonth(const platform::Clock& clock) {
  const std::time_t seconds = static_cast<std::time_t>(clock.NowMs() / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1};
}

struct ConfirmInput {
  std::string client_secret;
  CardDetails card;
};

Result<ConfirmInput> ReadConfirm(const http::Request& request, const platform::Clock& clock) {
  auto input = http::JsonInput::Parse(request);
  if (!input) return input.error();
  auto secret = input->String("client_secret", true);
  if (secret && (secret->empty() || secret->size() > 200)) input->Fail("client_secret", "must be the intent's client secret");
  auto number = input->String("card_number", true);
  if (number) {
    std::string digits;
    for (char c : *number) {
      if (c != ' ') digits += c;
    }
    if (!AllDigits(digits) || digits.size() < 12 || digits.size() > 19) {
      input->Fail("card_number", "must be 12 to 19 digits");
    }
    *number = digits;
  }
  auto month = input->Int("exp_month", true, 1, 12);
  auto year = input->Int("exp_year", true, 2000, 2100);
  if (month && year) {
    const auto [now_year, now_month] = YearMonth(clock);
    if (*year < now_year || (*year == now_year && *month < now_month)) input->Fail("exp_year", "the card has expired");
  }
  auto cvc = input->String("cvc", true);
  if (cvc && (!AllDigits(*cvc) || cvc->size() < 3 || cvc->size() > 4)) input->Fail("cvc", "must be 3 or 4 digits");
  if (auto done = input->Finish(); !done) return done.error();
  return ConfirmInput{*secret, CardDetails{*number, static_cast<int>(*month), static_cast<int>(*year), *cvc}};
}

}  // namespace

void RegisterPublicApi(http::Router& router, HttpEnv& env) {
  // Whoever holds the client secret (the shopper's browser) may read the
  // intent; without it the answer is the same 404 as for a missing id.
  router.Get("/api/v1/payments/{id}", [&env](http::Request& request) {
    auto id = PaymentIdParam(request);
    if (!id) return ProblemResponse(id.error(), request);
    const std::string secret = request.Query("client_secret").value_or("");
    auto intent = env.service.Get(*id);
    if (!intent || secret.empty() || !platform::crypto::ConstantTimeEquals(intent->client_secret, secret)) {
      return ProblemResponse(Error::NotFound("payment not found"), request);
    }
    return http::Response::Json(200, IntentJson(*intent));
  });

  router.Post("/api/v1/payments/{id}/confirm", [&env](http::Request& request) {
    auto id = PaymentIdParam(request);
    if (!id) return ProblemResponse(id.error(), request);
    return platform::idempotency::WithIdempotencyKey(
        env.idempotency, request, "payments.confirm:" + *id, false, [&]() -> http::Response {
          auto input = ReadConfirm(request, env.clock);
          if (!input) return ProblemResponse(input.error(), request);
          auto intent = env.service.Confirm(*id, input->client_secret, input->card);
          if (!intent) return ProblemResponse(intent.error(), request);
          return http::Response::Json(200, IntentJson(*intent));
        });
  });

  router.Post("/api/v1/payments/webhook", [&env](http::Request& request) {
    const std::string header(request.Header("Shop-Signature").value_or(""));
    auto receipt = ReceiveWebhook(env.service, header, request.body, env.webhook_secrets, env.clock.NowMs() / 1000,
                                  env.config.payments.webhook_tolerance_s);
    if (!receipt) return ProblemResponse(receipt.error(), request);
    return http::Response::Json(200, json::object{{"received", true},
                                                  {"id", receipt->event_id},
                                                  {"applied", receipt->applied}});
  });
}

}  // namespace shop::payments
