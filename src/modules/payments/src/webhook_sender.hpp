#pragma once
// The mock gateway's webhook delivery, run in the background like a real
// provider's: due rows of payments_webhook_deliveries are signed at send
// time (`Shop-Signature`, so a retry carries a fresh timestamp) and POSTed
// with libcurl, several at once over kept-alive connections; a 2xx marks a
// row delivered, anything else (or no answer) schedules a retry with
// exponential backoff. Rows survive restarts. Several instances may send
// the same row; the endpoint's dedupe on the event id makes that harmless,
// and so is the order in which concurrent deliveries land (the endpoint
// converges on out-of-order events, as it must for a real provider).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "platform/clock/clock.hpp"
#include "platform/core/periodic_task.hpp"
#include "platform/db/db.hpp"

namespace shop::payments {

struct WebhookSenderOptions {
  std::string secret;                      ///< signs every delivery; "" → nothing is sent
  std::function<std::string()> url;        ///< where to POST; "" → not known yet, try later
  std::chrono::milliseconds poll{200};     ///< idle wait when nobody called Wake
  std::chrono::milliseconds retry_base{500};
  std::chrono::milliseconds retry_max{60'000};
  std::chrono::milliseconds request_timeout{5000};
  int batch = 50;                          ///< rows taken per pass
  int concurrency = 8;                     ///< requests in flight at once
};

class WebhookSender {
 public:
  WebhookSender(platform::db::Db& db, const platform::Clock& clock, WebhookSenderOptions options);
  ~WebhookSender();

  /// One pass: sends every due row once (up to `batch`, `concurrency` at a
  /// time) and records all outcomes in one transaction; returns how many
  /// were delivered. Thread-safe: concurrent callers take turns.
  int SendDue();

  /// Delay before attempt `attempts + 1` after `attempts` failures:
  /// retry_base × 2^(attempts-1), at most retry_max.
  std::chrono::milliseconds Backoff(int attempts) const;

  /// Sends due rows now instead of after `poll` (a webhook was queued).
  /// Cheap, callable from any thread.
  void Wake();

  void Start();
  void Stop();

 private:
  struct Transfers;  // libcurl handles kept between passes (connection reuse)

  platform::db::Db& db_;
  const platform::Clock& clock_;
  WebhookSenderOptions options_;
  std::mutex sending_;  // one pass at a time: the handles are not shared across threads
  std::unique_ptr<Transfers> transfers_;
  std::unique_ptr<platform::PeriodicTask> task_;
};

}  // namespace shop::payments
