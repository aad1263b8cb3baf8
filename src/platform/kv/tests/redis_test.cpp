// Behaviour specific to the Redis store: failure modes, AUTH/SELECT, and
// recovery from connections and script caches the server threw away.

#include "backends.hpp"
#include "platform/kv/redis_url.hpp"

#include <hiredis/hiredis.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

using namespace shop::platform::kv;
using namespace shop::platform::kv::testing;
using Clock = std::chrono::steady_clock;

namespace {

// A plain hiredis connection for the test's own administrative commands.
class RawRedis {
 public:
  explicit RawRedis(const std::string& url) {
    const RedisEndpoint ep = ParseRedisUrl(url);
    context_ = redisConnect(ep.host.c_str(), ep.port);
    REQUIRE(context_ != nullptr);
    REQUIRE(context_->err == 0);
    if (!ep.password.empty()) Run({"AUTH", ep.password});
  }
  ~RawRedis() { redisFree(context_); }
  /// The reply as text: a string/status as is, an integer in decimal, an
  /// error as "ERR...".
  std::string Run(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* r = static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lens.data()));
    REQUIRE(r != nullptr);
    std::string out = r->type == REDIS_REPLY_INTEGER ? std::to_string(r->integer)
                      : r->str != nullptr            ? std::string(r->str, r->len)
                                                     : std::string();
    freeReplyObject(r);
    return out;
  }

 private:
  redisContext* context_ = nullptr;
};

// A loopback TCP socket bound to a free port. Listening, it accepts
// connections into the backlog but never answers; not listening, the port
// refuses connections.
class LoopbackPort {
 public:
  explicit LoopbackPort(bool listen) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    if (listen) REQUIRE(::listen(fd_, 16) == 0);
  }
  ~LoopbackPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// The test server's URL with the database number replaced.
std::string WithDb(const std::string& url, int db) {
  const auto slash = url.find('/', std::string("redis://").size());
  return url.substr(0, slash) + "/" + std::to_string(db);
}

std::string HostPort(const std::string& url) { return ParseRedisUrl(url).Describe(); }

}  // namespace

TEST_CASE("redis: a closed port fails fast with KvError") {
  const LoopbackPort closed(false);  // bound but not listening: connections are refused
  auto kv = MakeRedisKv("redis://127.0.0.1:" + std::to_string(closed.port()), 2, 300ms);
  const auto start = Clock::now();
  CHECK_THROWS_AS(kv->Get("k"), KvError);
  CHECK_THROWS_AS(kv->Set("k", "v", std::nullopt), KvError);
  CHECK_FALSE(kv->Ping());
  CHECK(Clock::now() - start < 2s);
  try {
    kv->Get("k");
  } catch (const KvError& e) {
    CHECK(std::string(e.what()).find("connect failed") != std::string::npos);
  }
}

TEST_CASE("redis: a server that never answers times out instead of hanging") {
  const LoopbackPort silent(true);
  auto kv = MakeRedisKv("redis://127.0.0.1:" + std::to_string(silent.port()), 2, 300ms);
  const auto start = Clock::now();
  CHECK_THROWS_AS(kv->Get("k"), KvError);
  const auto took = Clock::now() - start;
  CHECK(took >= 250ms);
  CHECK(took < 2s);
  CHECK_FALSE(kv->Ping());
}

TEST_CASE("redis: a malformed URL or pool size is refused at construction") {
  CHECK_THROWS_AS(MakeRedisKv("redis://", 1, 100ms), KvError);
  CHECK_THROWS_AS(MakeRedisKv("redis://h:6379", 0, 100ms), std::invalid_argument);
}

TEST_CASE("redis: SELECT keeps databases apart") {
  const auto url = RedisUrlOrSkip();
  if (!url) return;
  auto db1 = MakeRedisKv(WithDb(*url, 1), 1, 2000ms);
  auto db2 = MakeRedisKv(WithDb(*url, 2), 1, 2000ms);
  const std::string k = RunPrefix() + "select";
  db1->Set(k, "in db 1", std::nullopt);
  CHECK(db1->Get(k) == "in db 1");
  CHECK_FALSE(db2->Get(k).has_value());
  CHECK(db1->Delete(k));
}

TEST_CASE("redis: a wrong password is a KvError from AUTH") {
  const auto url = RedisUrlOrSkip();
  if (!url) return;
  auto kv = MakeRedisKv("redis://:wrong-password@" + HostPort(*url), 1, 2000ms);
  try {
    kv->Get("k");
    FAIL("expected KvError");
  } catch (const KvError& e) {
    const std::string what = e.what();
    CHECK(what.find("AUTH failed") != std::string::npos);
    CHECK(what.find("wrong-password") == std::string::npos);
  }
}

TEST_CASE("redis: an ACL user, and a connection the server dropped is replaced") {
  const auto url = RedisUrlOrSkip();
  if (!url) return;
  RawRedis admin(*url);
  const std::string user = "shopd-test-" + std::to_string(::getpid());
  REQUIRE(admin.Run({"ACL", "SETUSER", user, "on", ">pw-" + user, "~*", "&*", "+@all"}) == "OK");
  {
    auto kv = MakeRedisKv("redis://" + user + ":pw-" + user + "@" + HostPort(*url), 1, 2000ms);
    const std::string k = RunPrefix() + "acl";
    kv->Set(k, "v", std::nullopt);
    // Kill exactly this store's connection, as a Redis restart or an idle
    // timeout would; the next call must reconnect and succeed.
    CHECK(admin.Run({"CLIENT", "KILL", "USER", user}) == "1");
    CHECK(kv->Get(k) == "v");
    CHECK(admin.Run({"CLIENT", "KILL", "USER", user}) == "1");
    CHECK(kv->Increment(RunPrefix() + "acl-counter", 1, 1000ms) == 1);
    CHECK(kv->Delete(k));
    kv->Delete(RunPrefix() + "acl-counter");
  }
  admin.Run({"ACL", "DELUSER", user});
}

TEST_CASE("redis: the Lua operations survive a flushed script cache") {
  const auto url = RedisUrlOrSkip();
  if (!url) return;
  RawRedis admin(*url);
  auto kv = MakeRedisKv(*url, 1, 2000ms);
  const std::string k = RunPrefix() + "flushed";
  CHECK(kv->CompareAndSet(k, std::nullopt, "1", std::nullopt));
  REQUIRE(admin.Run({"SCRIPT", "FLUSH"}) == "OK");
  CHECK(kv->CompareAndSet(k, std::string("1"), "2", std::nullopt));
  REQUIRE(admin.Run({"SCRIPT", "FLUSH"}) == "OK");
  CHECK(kv->Increment(RunPrefix() + "flushed-counter", 3, 60'000ms) == 3);
  kv->Delete(k);
  kv->Delete(RunPrefix() + "flushed-counter");
}
