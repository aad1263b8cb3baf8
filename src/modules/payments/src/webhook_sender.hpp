#pragma once
// The mock gateway's webhook delivery, run in the background like a real
// provider's: due rows of payments_webhook_deliveries are signed at send
// time (`Shop-Signature`, so a retry carries a fresh timestamp) and POSTed
// with libcurl; a 2xx marks a row delivered, anything else (or no answer)
// schedules a retry with exponential backoff. Rows survive restarts.
// Several instances may send the same row; the endpoint's dedupe on the
// event id makes that harmless.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "platform/clock/clock.hpp"
#include "platform/core/periodic_task.hpp"
#include "platform/db/db.hpp"

namespace shop::payments {

struct WebhookSenderOptions {
  std::string secret;                      ///< signs every delivery; "" → nothing is sent
  std::function<std::string()> url;        ///< where to POST; "" → not known yet, try later
  std::chrono::milliseconds poll{200};
  std::chrono::milliseconds retry_base{500};
  std::chrono::milliseconds retry_max{60'000};
  std::chrono::milliseconds request_timeout{5000};
  int batch = 50;
};

class WebhookSender {
 public:
  WebhookSender(platform::db::Db& db, const platform::Clock& clock, WebhookSenderOptions options);
  ~WebhookSender();

  /// One pass: sends every due row once; returns how many were delivered.
  /// Thread-safe, but meant for one caller at a time (the thread, or a test).
  int SendDue();

  /// Delay before attempt `attempts + 1` after `attempts` failures:
  /// retry_base × 2^(attempts-1), at most retry_max.
  std::chrono::milliseconds Backoff(int attempts) const;

  void Start();
  void Stop();

 private:
  platform::db::Db& db_;
  const platform::Clock& clock_;
  WebhookSenderOptions options_;
  std::unique_ptr<platform::PeriodicTask> task_;
};

}  // namespace shop::payments
