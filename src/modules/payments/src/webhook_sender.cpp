#include "webhook_sender.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "platform/crypto/signature.hpp"
#include "platform/log/log.hpp"
#include "webhook_queue.hpp"

namespace shop::payments {
namespace {

std::size_t Discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

/// One POST of one queued row, alive while libcurl works on it.
struct Transfer {
  const QueuedWebhook* row = nullptr;
  std::string signature_header;
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;
  long status = 0;     ///< 0 when no HTTP answer came
  std::string error;   ///< why, when not 2xx

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
  }
};

/// On failure leaves `t.easy` null with the error set; RunAll skips it.
void Prepare(Transfer& t, const std::string& url, std::chrono::milliseconds timeout) {
  t.easy = curl_easy_init();
  if (!t.easy) {
    t.error = "curl_easy_init failed";
    return;
  }
  t.headers = curl_slist_append(t.headers, "Content-Type: application/json");
  t.headers = curl_slist_append(t.headers, t.signature_header.c_str());
  CURL* c = t.easy;
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM, safe in threads
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, t.headers);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, t.row->payload.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.row->payload.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_PRIVATE, &t);
}

void Finish(Transfer& t, CURLcode rc) {
  if (rc != CURLE_OK) {
    t.error = curl_easy_strerror(rc);
    return;
  }
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &t.status);
  if (t.status < 200 || t.status > 299) t.error = fmt::format("HTTP {}", t.status);
}

}  // namespace

/// The multi handle owns libcurl's connection cache: kept from pass to pass,
/// deliveries reuse their connections instead of connecting per webhook.
struct WebhookSender::Transfers {
  CURLM* multi = curl_multi_init();
  Transfers() = default;
  Transfers(const Transfers&) = delete;
  Transfers& operator=(const Transfers&) = delete;
  ~Transfers() {
    if (multi) curl_multi_cleanup(multi);
  }

  /// Runs every transfer to its end, at most `concurrency` at a time.
  void RunAll(std::vector<std::unique_ptr<Transfer>>& all, int concurrency) {
    std::size_t next = 0;
    int active = 0;
    const auto add_more = [&] {
      while (active < concurrency && next < all.size()) {
        Transfer& t = *all[next++];
        if (!t.easy) continue;  // failed to prepare; its error is set
        curl_multi_add_handle(multi, t.easy);
        ++active;
      }
    };
    add_more();
    while (active > 0) {
      int running = 0;
      curl_multi_perform(multi, &running);
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
        Finish(*t, msg->data.result);
        curl_multi_remove_handle(multi, msg->easy_handle);
        --active;
      }
      add_more();
      if (active > 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
  }
};

WebhookSender::WebhookSender(platform::db::Db& db, const platform::Clock& clock, WebhookSenderOptions options)
    : db_(db), clock_(clock), options_(std::move(options)) {
  // curl_easy_init would otherwise initialise libcurl lazily, which is not
  // thread-safe; once here, before the sender thread exists.
  static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)curl_ready;
  options_.concurrency = std::max(1, options_.concurrency);
  transfers_ = std::make_unique<Transfers>();
  task_ = std::make_unique<platform::PeriodicTask>("payments", "webhook delivery", options_.poll,
                                                   [this] { SendDue(); });
}

WebhookSender::~WebhookSender() { Stop(); }

std::chrono::milliseconds WebhookSender::Backoff(int attempts) const {
  const int shift = std::clamp(attempts - 1, 0, 30);
  const std::int64_t delay = options_.retry_base.count() << shift;
  return std::chrono::milliseconds(std::min<std::int64_t>(delay, options_.retry_max.count()));
}

int WebhookSender::SendDue() {
  if (options_.secret.empty()) return 0;
  const std::string url = options_.url ? options_.url() : std::string();
  if (url.empty()) return 0;
  std::lock_guard turn(sending_);
  const auto due = db_.WithSession(
      [&](soci::session& sql) { return WebhookQueue::Due(sql, clock_.NowMs(), options_.batch); });
  if (due.empty()) return 0;

  std::vector<std::unique_ptr<Transfer>> transfers;
  transfers.reserve(due.size());
  const std::int64_t now_s = clock_.NowMs() / 1000;
  for (const QueuedWebhook& row : due) {
    auto t = std::make_unique<Transfer>();
    t->row = &row;
    t->signature_header = "Shop-Signature: " + platform::crypto::SignPayload(options_.secret, now_s, row.payload);
    Prepare(*t, url, options_.request_timeout);
    transfers.push_back(std::move(t));
  }
  transfers_->RunAll(transfers, options_.concurrency);

  // All outcomes of the pass in one write: on SQLite every transaction
  // takes the single writer's turn, and a pass may carry dozens of rows.
  int delivered = 0;
  const std::int64_t done_ms = clock_.NowMs();
  db_.InTransaction([&](platform::db::Tx& tx) {
    delivered = 0;
    for (const auto& t : transfers) {
      if (t->error.empty()) {
        WebhookQueue::MarkDelivered(tx.sql(), t->row->event_id, done_ms);
        ++delivered;
      } else {
        WebhookQueue::MarkFailed(tx.sql(), t->row->event_id, t->error,
                                 done_ms + Backoff(t->row->attempts + 1).count());
      }
    }
  });
  for (const auto& t : transfers) {
    if (t->error.empty()) continue;
    platform::log::Get("payments")->warn("webhook {} not delivered (attempt {}): {}", t->row->event_id,
                                         t->row->attempts + 1, t->error);
  }
  return delivered;
}

void WebhookSender::Wake() { task_->Wake(); }
void WebhookSender::Start() { task_->Start(); }
void WebhookSender::Stop() { task_->Stop(); }

}  // namespace shop::payments
