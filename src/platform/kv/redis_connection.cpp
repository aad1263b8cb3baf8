#include "platform/kv/redis_connection.hpp"

#include "platform/kv/kv.hpp"

#include <sys/time.h>
#include <cerrno>

namespace shop::platform::kv {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

bool IsError(const redisReply* r) { return r != nullptr && r->type == REDIS_REPLY_ERROR; }

}  // namespace

RedisConnection::RedisConnection(const RedisEndpoint& endpoint, std::chrono::milliseconds timeout,
                                 const std::vector<std::string>& scripts)
    : where_(endpoint.Describe()), scripts_(scripts) {
  const timeval tv = ToTimeval(timeout);
  context_ = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, tv);
  if (context_ == nullptr) throw KvError("redis " + where_ + ": out of memory");
  if (context_->err != 0) {
    std::string why = context_->errstr;
    redisFree(context_);
    context_ = nullptr;
    throw KvError("redis " + where_ + ": connect failed: " + why);
  }
  // The connect timeout covers only connecting; this bounds every command.
  if (redisSetTimeout(context_, tv) != REDIS_OK) {
    redisFree(context_);
    context_ = nullptr;
    throw KvError("redis " + where_ + ": cannot set socket timeout");
  }
  redisEnableKeepAlive(context_);

  try {
    if (!endpoint.password.empty()) {
      std::vector<std::string_view> auth = {"AUTH"};
      if (!endpoint.username.empty()) auth.push_back(endpoint.username);
      auth.push_back(endpoint.password);
      Reply r = Command(auth);
      if (!r || IsError(r.get())) ThrowSetupError("AUTH", r.get());
    }
    if (endpoint.db != 0) {
      const std::string db = std::to_string(endpoint.db);
      Reply r = Command({"SELECT", db});
      if (!r || IsError(r.get())) ThrowSetupError("SELECT", r.get());
    }
    for (const auto& script : scripts_) {
      Reply r = Command({"SCRIPT", "LOAD", script});
      if (!r || r->type != REDIS_REPLY_STRING) ThrowSetupError("SCRIPT LOAD", r.get());
      shas_.emplace_back(r->str, r->len);
    }
  } catch (...) {
    redisFree(context_);
    context_ = nullptr;
    throw;
  }
}

RedisConnection::~RedisConnection() {
  if (context_ != nullptr) redisFree(context_);
}

void RedisConnection::ThrowSetupError(std::string_view step, const redisReply* reply) const {
  std::string why = reply == nullptr                   ? failure_
                    : reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len)
                                                       : "unexpected reply";
  throw KvError("redis " + where_ + ": " + std::string(step) + " failed: " + why);
}

Reply RedisConnection::Command(const std::vector<std::string_view>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> argvlen;
  argv.reserve(args.size());
  argvlen.reserve(args.size());
  for (auto a : args) {
    argv.push_back(a.data());
    argvlen.push_back(a.size());
  }
  errno = 0;
  void* raw = redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), argvlen.data());
  if (raw != nullptr) return Reply(static_cast<redisReply*>(raw));

  // hiredis reports a receive timeout (SO_RCVTIMEO) as an I/O error with
  // errno EAGAIN; anything else on this blocking socket means it is closed.
  const int err = errno;
  const bool timed_out =
      context_->err == REDIS_ERR_IO && (err == EAGAIN || err == EWOULDBLOCK || err == EINPROGRESS);
  retryable_ = !timed_out && (context_->err == REDIS_ERR_EOF || context_->err == REDIS_ERR_IO);
  failure_ = timed_out ? std::string("timed out") : std::string(context_->errstr);
  return nullptr;
}

Reply RedisConnection::Script(std::size_t script, std::string_view key,
                              const std::vector<std::string_view>& args) {
  std::vector<std::string_view> argv = {"EVALSHA", shas_.at(script), "1", key};
  argv.insert(argv.end(), args.begin(), args.end());
  Reply r = Command(argv);
  // SCRIPT FLUSH or a restart empties Redis's script cache; EVAL reloads it.
  if (IsError(r.get()) && std::string_view(r->str, r->len).starts_with("NOSCRIPT")) {
    argv[0] = "EVAL";
    argv[1] = scripts_.at(script);
    r = Command(argv);
  }
  return r;
}

}  // namespace shop::platform::kv
