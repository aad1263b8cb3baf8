#include "webhook_sender.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>

#include "platform/crypto/signature.hpp"
#include "platform/log/log.hpp"
#include "webhook_queue.hpp"

namespace shop::payments {
namespace {

struct PostResult {
  long status = 0;     ///< 0 when no HTTP answer came
  std::string error;   ///< why, when not 2xx
};

std::size_t Discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

PostResult Post(const std::string& url, const std::string& signature, const std::string& body,
                std::chrono::milliseconds timeout) {
  PostResult out;
  CURL* curl = curl_easy_init();
  if (!curl) return {0, "curl_easy_init failed"};
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  const std::string signature_header = "Shop-Signature: " + signature;
  headers = curl_slist_append(headers, signature_header.c_str());
  // A multithreaded process must not let libcurl use signals for its timeouts.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM, safe in threads
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  const CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    out.error = curl_easy_strerror(rc);
  } else {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
    if (out.status < 200 || out.status > 299) out.error = fmt::format("HTTP {}", out.status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return out;
}

}  // namespace

WebhookSender::WebhookSender(platform::db::Db& db, const platform::Clock& clock, WebhookSenderOptions options)
    : db_(db), clock_(clock), options_(std::move(options)) {
  // curl_easy_init would otherwise initialise libcurl lazily, which is not
  // thread-safe; once here, before the sender thread exists.
  static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)curl_ready;
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
  auto due = db_.WithSession(
      [&](soci::session& sql) { return WebhookQueue::Due(sql, clock_.NowMs(), options_.batch); });
  int delivered = 0;
  for (const QueuedWebhook& row : due) {
    const std::int64_t now_s = clock_.NowMs() / 1000;
    const std::string signature = platform::crypto::SignPayload(options_.secret, now_s, row.payload);
    const PostResult result = Post(url, signature, row.payload, options_.request_timeout);
    if (result.error.empty()) {
      db_.WithSession([&](soci::session& sql) { WebhookQueue::MarkDelivered(sql, row.event_id, clock_.NowMs()); });
      ++delivered;
      continue;
    }
    const std::int64_t next = clock_.NowMs() + Backoff(row.attempts + 1).count();
    db_.WithSession([&](soci::session& sql) { WebhookQueue::MarkFailed(sql, row.event_id, result.error, next); });
    platform::log::Get("payments")->warn("webhook {} not delivered (attempt {}): {}", row.event_id,
                                         row.attempts + 1, result.error);
  }
  return delivered;
}

void WebhookSender::Start() { task_->Start(); }
void WebhookSender::Stop() { task_->Stop(); }

}  // namespace shop::payments
