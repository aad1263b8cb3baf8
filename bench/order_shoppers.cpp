// The paid-orders load of bench/orders_bench.py: N shoppers, one keep-alive
// connection and one thread each, looping for a duration over
//   POST /api/v1/carts → POST /api/v1/carts/{id}/items → POST /api/v1/checkout
//   (Idempotency-Key) → POST /api/v1/payments/{id}/confirm (4242…) →
//   GET /api/v1/orders/{id} (X-Order-Token) every --poll-ms until PAID.
// Prints one JSON object on stdout: counters and every sample in ms, for the
// Python driver to turn into percentiles beside its other measurements.
//
//   bench_order_shoppers --port P --skus A,B,C [--connections 32] [--duration-ms 20000] [--poll-ms 5]
//
// Written in C++ because a Python client on the same 2 cores spends the CPU
// the server needs once it drives a few hundred orders per second.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::uint16_t port = 0;
  std::vector<std::string> skus;
  int connections = 32;
  std::chrono::milliseconds duration{20'000};
  std::chrono::microseconds poll{5'000};
};

constexpr std::chrono::seconds kPaidTimeout{30};
constexpr const char* kAddress =
    R"({"name":"Ada Lovelace","line1":"Hauptstr. 1","city":"Berlin","postal_code":"10115","country":"DE"})";

struct Reply {
  unsigned status = 0;
  json::value body;
  std::string raw;
};

/// One keep-alive connection; reconnects once after a failed exchange.
class Connection {
 public:
  explicit Connection(std::uint16_t port) : port_(port) {}

  Reply Send(http::verb method, const std::string& target, const std::string& body,
             const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    for (int attempt = 0;; ++attempt) {
      try {
        if (!stream_) Connect();
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.keep_alive(true);
        for (const auto& [name, value] : headers) req.set(name, value);
        if (!body.empty()) {
          req.set(http::field::content_type, "application/json");
          req.body() = body;
        }
        req.prepare_payload();
        http::write(*stream_, req);
        http::response<http::string_body> res;
        http::read(*stream_, buffer_, res);
        Reply out{res.result_int(), {}, std::move(res.body())};
        if (!res.keep_alive()) stream_.reset();
        boost::system::error_code ec;
        if (!out.raw.empty()) out.body = json::parse(out.raw, ec);
        return out;
      } catch (const boost::system::system_error&) {
        stream_.reset();
        buffer_.clear();
        if (attempt > 0) throw;
      }
    }
  }

 private:
  void Connect() {
    stream_.emplace(io_);
    stream_->connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    stream_->socket().set_option(asio::ip::tcp::no_delay(true));
  }

  std::uint16_t port_;
  asio::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

struct Samples {
  long orders = 0, paid = 0, not_paid = 0, non2xx = 0, requests = 0;
  std::vector<double> latency, checkout, confirm, wait;
  std::vector<std::string> errors;

  void Merge(const Samples& o) {
    orders += o.orders;
    paid += o.paid;
    not_paid += o.not_paid;
    non2xx += o.non2xx;
    requests += o.requests;
    latency.insert(latency.end(), o.latency.begin(), o.latency.end());
    checkout.insert(checkout.end(), o.checkout.begin(), o.checkout.end());
    confirm.insert(confirm.end(), o.confirm.begin(), o.confirm.end());
    wait.insert(wait.end(), o.wait.begin(), o.wait.end());
    for (const auto& e : o.errors) {
      if (errors.size() < 5) errors.push_back(e);
    }
  }
};

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string RandomHex(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(24, '0');
  for (char& c : out) c = kHex[rng() % 16];
  return out;
}

std::string Str(const json::value& v, std::string_view key) {
  if (!v.is_object()) return {};
  const json::value* found = v.as_object().if_contains(key);
  return found && found->is_string() ? std::string(found->as_string()) : std::string();
}

class Shopper {
 public:
  Shopper(const Options& options, int n) : options_(options), n_(n), conn_(options.port), rng_(n * 7919 + 1) {}

  Samples Run(Clock::time_point deadline) {
    int i = n_;
    while (Clock::now() < deadline) {
      i += options_.connections;
      try {
        Once(options_.skus[static_cast<std::size_t>(i) % options_.skus.size()]);
      } catch (const std::exception& e) {
        Note(std::string("exception: ") + e.what());
        ++s_.non2xx;
      }
    }
    return s_;
  }

 private:
  Reply Call(http::verb method, const std::string& target, const std::string& body = {},
             const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    ++s_.requests;
    Reply r = conn_.Send(method, target, body, headers);
    if (r.status < 200 || r.status > 299) {
      ++s_.non2xx;
      Note(std::string(http::to_string(method)) + " " + target.substr(0, 40) + ": " + std::to_string(r.status) +
           " " + r.raw.substr(0, 160));
    }
    return r;
  }

  void Note(std::string error) {
    if (s_.errors.size() < 3) s_.errors.push_back(std::move(error));
  }

  void Once(const std::string& sku) {
    Reply cart = Call(http::verb::post, "/api/v1/carts", "{}");
    if (cart.status != 201) return;
    const std::string cart_id = Str(cart.body, "id");
    Reply added = Call(http::verb::post, "/api/v1/carts/" + cart_id + "/items",
                       R"({"sku":")" + sku + R"(","quantity":1})");
    if (added.status != 200 && added.status != 201) return;

    const auto t0 = Clock::now();
    Reply order = Call(http::verb::post, "/api/v1/checkout",
                       R"({"cart_id":")" + cart_id + R"(","email":"shopper)" + std::to_string(n_) +
                           R"(@example.com","shipping_address":)" + kAddress + "}",
                       {{"Idempotency-Key", RandomHex(rng_)}});
    s_.checkout.push_back(MsSince(t0));
    if (order.status != 201 || !order.body.is_object()) return;
    ++s_.orders;
    const json::value& payment = order.body.as_object().at("payment");
    const auto t1 = Clock::now();
    Call(http::verb::post, "/api/v1/payments/" + Str(payment, "id") + "/confirm",
         R"({"client_secret":")" + Str(payment, "client_secret") +
             R"(","card_number":"4242424242424242","exp_month":12,"exp_year":2031,"cvc":"123"})");
    const auto t2 = Clock::now();
    s_.confirm.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());

    const std::string target = "/api/v1/orders/" + Str(order.body, "id");
    const std::vector<std::pair<std::string, std::string>> token{{"X-Order-Token", Str(order.body, "token")}};
    const auto pause = options_.poll;
    const auto give_up = Clock::now() + kPaidTimeout;
    while (Clock::now() < give_up) {
      Reply now = Call(http::verb::get, target, {}, token);
      const std::string status = now.status == 200 ? Str(now.body, "status") : std::string();
      if (status == "PAID") {
        ++s_.paid;
        s_.latency.push_back(MsSince(t0));
        s_.wait.push_back(MsSince(t2));
        return;
      }
      if (status == "CANCELLED" || status == "EXPIRED" || status == "ON_HOLD") break;
      std::this_thread::sleep_for(pause);
    }
    ++s_.not_paid;
  }

  const Options& options_;
  int n_;
  Connection conn_;
  std::mt19937_64 rng_;
  Samples s_;
};

std::optional<Options> Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--port") {
      o.port = static_cast<std::uint16_t>(std::stoi(value));
    } else if (key == "--skus") {
      std::stringstream in(value);
      for (std::string sku; std::getline(in, sku, ',');) {
        if (!sku.empty()) o.skus.push_back(sku);
      }
    } else if (key == "--connections") {
      o.connections = std::stoi(value);
    } else if (key == "--duration-ms") {
      o.duration = std::chrono::milliseconds(std::stoll(value));
    } else if (key == "--poll-ms") {
      o.poll = std::chrono::microseconds(static_cast<long long>(std::stod(value) * 1000));
    } else {
      return std::nullopt;
    }
  }
  if (o.port == 0 || o.skus.empty() || o.connections < 1) return std::nullopt;
  return o;
}

json::array Values(const std::vector<double>& v) { return json::array(v.begin(), v.end()); }

}  // namespace

int main(int argc, char** argv) {
  auto options = Parse(argc, argv);
  if (!options) {
    std::cerr << "usage: bench_order_shoppers --port P --skus A,B [--connections N] [--duration-ms MS] [--poll-ms MS]\n";
    return 2;
  }
  std::vector<std::unique_ptr<Shopper>> shoppers;
  for (int n = 0; n < options->connections; ++n) shoppers.push_back(std::make_unique<Shopper>(*options, n));

  Samples total;
  std::mutex total_mutex;
  std::barrier go(options->connections + 1);
  std::vector<std::thread> threads;
  Clock::time_point deadline;
  for (auto& shopper : shoppers) {
    threads.emplace_back([&, s = shopper.get()] {
      go.arrive_and_wait();
      Samples mine = s->Run(deadline);
      std::lock_guard lock(total_mutex);
      total.Merge(mine);
    });
  }
  const auto started = Clock::now();
  deadline = started + options->duration;
  go.arrive_and_wait();  // publishes `deadline` to the threads
  for (std::thread& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();

  json::object out{{"orders", total.orders},     {"paid", total.paid},         {"not_paid", total.not_paid},
                   {"non2xx", total.non2xx},     {"requests", total.requests}, {"elapsed", elapsed},
                   {"latency", Values(total.latency)}, {"checkout_ms", Values(total.checkout)},
                   {"confirm_ms", Values(total.confirm)}, {"wait_ms", Values(total.wait)}};
  json::array errors;
  for (const auto& e : total.errors) errors.emplace_back(e);
  out["errors"] = std::move(errors);
  std::cout << json::serialize(out) << "\n";
  return 0;
}
