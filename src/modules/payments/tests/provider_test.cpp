// The provider behind its guard: a failing or slow gateway is kUnavailable,
// the breaker opens after the threshold and then answers without calling the
// gateway; a declined card does not count as a failure. And the webhook
// sender: delivered rows are marked, refused ones retried with backoff.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "payments_fixture.hpp"
#include "webhook_sender.hpp"

using shop::ErrorCode;
using namespace shop::payments;
using namespace shop::payments::testing;

TEST_CASE("payments: a failing gateway: 503s, the breaker opens after the threshold, then recovers") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    auto config = DefaultConfig();
    config.breaker_failure_threshold = 3;
    config.breaker_open_ms = 10'000;
    PaymentsFixture f(database, 4, config, MockGatewayOptions{.failure_rate_percent = 100});
    PaymentIntent intent = f.NewIntent();
    for (int i = 0; i < 3; ++i) {
      auto r = f.service().Confirm(intent.id, intent.client_secret, Card(kCardSucceeds));
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().code == ErrorCode::kUnavailable);
    }
    CHECK(f.gateway().calls() == 3);
    CHECK(f.guard().state() == shop::platform::CircuitState::kOpen);
    auto refused = f.service().Confirm(intent.id, intent.client_secret, Card(kCardSucceeds));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == ErrorCode::kUnavailable);
    CHECK(refused.error().detail.find("circuit open") != std::string::npos);
    CHECK(f.gateway().calls() == 3);  // not called while open
    CHECK(f.service().Get(intent.id)->status == PaymentStatus::kRequiresPaymentMethod);

    f.gateway().SetFailureRate(0);
    f.clock.Advance(std::chrono::milliseconds(10'000));
    auto trial = f.service().Confirm(intent.id, intent.client_secret, Card(kCardSucceeds));
    REQUIRE(trial.has_value());
    CHECK(trial->status == PaymentStatus::kAuthorized);
    CHECK(f.guard().state() == shop::platform::CircuitState::kClosed);
  });
}

TEST_CASE("payments: declines do not open the breaker") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    auto config = DefaultConfig();
    config.breaker_failure_threshold = 1;
    config.max_failed_attempts = 10;
    PaymentsFixture f(database, 4, config);
    PaymentIntent intent = f.NewIntent();
    for (int i = 0; i < 3; ++i) REQUIRE(f.service().Confirm(intent.id, intent.client_secret, Card(kCardDeclined)).has_value());
    CHECK(f.guard().state() == shop::platform::CircuitState::kClosed);
  });
}

TEST_CASE("payments: a gateway slower than the timeout is unavailable and performs nothing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    auto config = DefaultConfig();
    config.provider_timeout_ms = 20;
    PaymentsFixture f(database, 4, config, MockGatewayOptions{.latency = std::chrono::milliseconds(200)});
    PaymentIntent intent = f.NewIntent();
    auto r = f.service().Confirm(intent.id, intent.client_secret, Card(kCardSucceeds));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::kUnavailable);
    CHECK(r.error().detail == "payment provider timed out");
    CHECK(f.Count("SELECT COUNT(*) FROM payments_gateway_operations") == 0);
  });
}

TEST_CASE("payments: a refund the provider cannot take is recorded FAILED and releases its hold") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent paid = f.Captured(1000);
    f.gateway().SetFailureRate(100);
    auto r = f.service().CreateRefund(paid.id, Eur(400), "", "s");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::kUnavailable);
    auto refunds = f.service().Refunds(paid.id);
    REQUIRE(refunds.size() == 1);
    CHECK(refunds[0].status == RefundStatus::kFailed);
    CHECK(f.Count("SELECT refund_pending FROM payments_intents") == 0);
    CHECK(f.Events(kRefundFailedEvent, paid.id).size() == 1);
    f.gateway().SetFailureRate(0);
    REQUIRE(f.service().CreateRefund(paid.id, Eur(1000), "", "s").has_value());
  });
}

namespace {

/// A one-thread HTTP endpoint on loopback answering every request with
/// `status`, remembering the last request's head and body.
class TinyEndpoint {
 public:
  explicit TinyEndpoint(int status) : status_(status) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind");
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TinyEndpoint() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int requests() const { return requests_.load(); }
  std::string last() {
    std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  void Serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string data;
      char buf[4096];
      std::size_t need = std::string::npos;
      while (true) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        data.append(buf, static_cast<std::size_t>(n));
        const std::size_t head_end = data.find("\r\n\r\n");
        if (head_end != std::string::npos && need == std::string::npos) {
          const std::size_t cl = data.find("Content-Length: ");
          const std::size_t length = cl == std::string::npos ? 0 : std::stoul(data.substr(cl + 16));
          need = head_end + 4 + length;
        }
        if (need != std::string::npos && data.size() >= need) break;
      }
      {
        std::lock_guard lock(mutex_);
        last_ = data;
      }
      ++requests_;
      const std::string reply =
          "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  int status_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  std::string last_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("payments: the webhook sender signs and delivers queued webhooks, a refusing endpoint is retried with backoff") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.Authorized();  // queues one webhook
    {
      TinyEndpoint refusing(500);
      WebhookSender sender(f.db(), f.clock,
                           WebhookSenderOptions{.secret = kSecret,
                                                .url = [&] { return refusing.url(); },
                                                .retry_base = std::chrono::milliseconds(1000),
                                                .retry_max = std::chrono::milliseconds(4000)});
      CHECK(sender.SendDue() == 0);
      CHECK(refusing.requests() == 1);
      // Not due again until the backoff has passed.
      CHECK(sender.SendDue() == 0);
      CHECK(refusing.requests() == 1);
      f.clock.Advance(std::chrono::milliseconds(1000));
      CHECK(sender.SendDue() == 0);
      CHECK(refusing.requests() == 2);
      CHECK(sender.Backoff(1).count() == 1000);
      CHECK(sender.Backoff(2).count() == 2000);
      CHECK(sender.Backoff(10).count() == 4000);
      CHECK(f.Count("SELECT attempts FROM payments_webhook_deliveries") == 2);
    }
    f.clock.Advance(std::chrono::milliseconds(2000));
    TinyEndpoint accepting(200);
    WebhookSender sender(f.db(), f.clock,
                         WebhookSenderOptions{.secret = kSecret, .url = [&] { return accepting.url(); }});
    CHECK(sender.SendDue() == 1);
    CHECK(accepting.requests() == 1);
    const std::string request = accepting.last();
    CHECK(request.rfind("POST /hook HTTP/1.1", 0) == 0);
    const std::size_t sig = request.find("Shop-Signature: t=");
    REQUIRE(sig != std::string::npos);
    const std::string header = request.substr(sig + 16, request.find("\r\n", sig) - sig - 16);
    const std::string body = request.substr(request.find("\r\n\r\n") + 4);
    CHECK(body.find(intent.id) != std::string::npos);
    CHECK(shop::platform::crypto::VerifySignedPayload(header, body, {kSecret}, f.clock.NowMs() / 1000).has_value());
    CHECK(sender.SendDue() == 0);
    CHECK(accepting.requests() == 1);
    CHECK(f.Count("SELECT COUNT(*) FROM payments_webhook_deliveries WHERE delivered_at_ms IS NULL") == 0);
  });
}
