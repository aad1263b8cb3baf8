#include "platform/kv/kv.hpp"
#include "platform/kv/redis_pool.hpp"
#include "platform/kv/ttl.hpp"

#include <csignal>

namespace shop::platform::kv {
namespace {

// Operations that read and then write must run inside Redis to be atomic.
// KEYS[1] is the key in both.

// ARGV: delta, ttl in ms. INCRBY keeps an existing TTL; PEXPIRE only when the
// key did not exist before.
constexpr std::string_view kIncrementScript = R"lua(
local existed = redis.call('EXISTS', KEYS[1])
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value
)lua";

// ARGV: "1" if a current value is expected ("0": the key must be absent),
// the expected value, the desired value, ttl in ms ("" for none).
constexpr std::string_view kCompareAndSetScript = R"lua(
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[4] == '' then
  redis.call('SET', KEYS[1], ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
end
return 1
)lua";

enum Script : std::size_t { kIncrement = 0, kCompareAndSet = 1 };

class RedisKv final : public KvStore {
 public:
  RedisKv(RedisEndpoint endpoint, int pool_size, std::chrono::milliseconds timeout)
      : pool_(std::move(endpoint), pool_size, timeout,
              {std::string(kIncrementScript), std::string(kCompareAndSetScript)}) {}

  std::optional<std::string> Get(std::string_view key) override {
    Reply r = Command("GET", {"GET", key});
    if (r->type == REDIS_REPLY_NIL) return std::nullopt;
    Expect(r, REDIS_REPLY_STRING, "GET");
    return std::string(r->str, r->len);
  }

  void Set(std::string_view key, std::string_view value, std::optional<Millis> ttl) override {
    RequireValidTtl(ttl);
    const std::string ms = ttl ? std::to_string(ttl->count()) : std::string();
    std::vector<std::string_view> args = {"SET", key, value};
    if (ttl) args.insert(args.end(), {"PX", ms});
    Reply r = Command("SET", args);
    Expect(r, REDIS_REPLY_STATUS, "SET");
  }

  bool SetIfAbsent(std::string_view key, std::string_view value, std::optional<Millis> ttl) override {
    RequireValidTtl(ttl);
    const std::string ms = ttl ? std::to_string(ttl->count()) : std::string();
    std::vector<std::string_view> args = {"SET", key, value, "NX"};
    if (ttl) args.insert(args.end(), {"PX", ms});
    Reply r = Command("SET NX", args);
    if (r->type == REDIS_REPLY_NIL) return false;
    Expect(r, REDIS_REPLY_STATUS, "SET NX");
    return true;
  }

  std::int64_t Increment(std::string_view key, std::int64_t delta,
                         std::optional<Millis> ttl_if_created) override {
    RequireValidTtl(ttl_if_created);
    const std::string d = std::to_string(delta);
    Reply r;
    if (ttl_if_created) {
      const std::string ms = std::to_string(ttl_if_created->count());
      r = pool_.Run([&](RedisConnection& c) { return c.Script(kIncrement, key, {d, ms}); });
    } else {
      r = Command("INCRBY", {"INCRBY", key, d});
    }
    Expect(r, REDIS_REPLY_INTEGER, "INCRBY");
    return r->integer;
  }

  bool Delete(std::string_view key) override {
    Reply r = Command("DEL", {"DEL", key});
    Expect(r, REDIS_REPLY_INTEGER, "DEL");
    return r->integer > 0;
  }

  bool CompareAndSet(std::string_view key, const std::optional<std::string>& expected,
                     std::string_view desired, std::optional<Millis> ttl) override {
    RequireValidTtl(ttl);
    const std::string ms = ttl ? std::to_string(ttl->count()) : std::string();
    const std::string_view want = expected ? std::string_view(*expected) : std::string_view();
    Reply r = pool_.Run([&](RedisConnection& c) {
      return c.Script(kCompareAndSet, key, {expected ? "1" : "0", want, desired, ms});
    });
    Expect(r, REDIS_REPLY_INTEGER, "compare-and-set");
    return r->integer == 1;
  }

  std::optional<Millis> TimeToLive(std::string_view key) override {
    Reply r = Command("PTTL", {"PTTL", key});
    Expect(r, REDIS_REPLY_INTEGER, "PTTL");
    if (r->integer < 0) return std::nullopt;  // -2: absent, -1: no expiry
    return Millis(r->integer);
  }

  bool Ping() override {
    try {
      Reply r = Command("PING", {"PING"});
      return r->type == REDIS_REPLY_STATUS;
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  Reply Command(std::string_view name, const std::vector<std::string_view>& args) {
    Reply r = pool_.Run([&](RedisConnection& c) { return c.Command(args); });
    if (r->type == REDIS_REPLY_ERROR) {
      throw KvError("redis " + pool_.endpoint().Describe() + ": " + std::string(name) + ": " +
                    std::string(r->str, r->len));
    }
    return r;
  }

  void Expect(const Reply& r, int type, std::string_view what) const {
    if (r->type == REDIS_REPLY_ERROR) {
      throw KvError("redis " + pool_.endpoint().Describe() + ": " + std::string(what) + ": " +
                    std::string(r->str, r->len));
    }
    if (r->type != type) {
      throw KvError("redis " + pool_.endpoint().Describe() + ": " + std::string(what) +
                    ": unexpected reply type " + std::to_string(r->type));
    }
  }

  RedisPool pool_;
};

void IgnoreSigpipeIfDefault() {
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    std::signal(SIGPIPE, SIG_IGN);
  }
}

}  // namespace

std::unique_ptr<KvStore> MakeRedisKv(const std::string& url, int pool_size,
                                     std::chrono::milliseconds timeout) {
  if (pool_size < 1) throw std::invalid_argument("kv: Redis pool size must be at least 1");
  if (timeout.count() <= 0) throw std::invalid_argument("kv: Redis timeout must be positive");
  RedisEndpoint endpoint = ParseRedisUrl(url);
  IgnoreSigpipeIfDefault();
  return std::make_unique<RedisKv>(std::move(endpoint), pool_size, timeout);
}

}  // namespace shop::platform::kv
