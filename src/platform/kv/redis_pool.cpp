#include "platform/kv/redis_pool.hpp"

#include "platform/kv/kv.hpp"

namespace shop::platform::kv {

RedisPool::RedisPool(RedisEndpoint endpoint, int size, std::chrono::milliseconds timeout,
                     std::vector<std::string> scripts)
    : endpoint_(std::move(endpoint)), size_(size), timeout_(timeout), scripts_(std::move(scripts)) {}

std::unique_ptr<RedisConnection> RedisPool::Acquire() {
  {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_for(lock, timeout_, [&] { return !idle_.empty() || open_ < size_; })) {
      throw KvError("redis " + endpoint_.Describe() + ": no free connection within " +
                    std::to_string(timeout_.count()) + " ms (pool of " + std::to_string(size_) + ")");
    }
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;  // reserve the slot, then connect without holding the lock
  }
  try {
    return std::make_unique<RedisConnection>(endpoint_, timeout_, scripts_);
  } catch (...) {
    Forget(false);
    throw;
  }
}

void RedisPool::Release(std::unique_ptr<RedisConnection> connection) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  freed_.notify_one();
}

void RedisPool::Forget(bool drop_idle) {
  std::vector<std::unique_ptr<RedisConnection>> doomed;
  {
    std::lock_guard lock(mutex_);
    --open_;
    if (drop_idle) {
      open_ -= static_cast<int>(idle_.size());
      doomed.swap(idle_);
    }
  }
  freed_.notify_all();
  // `doomed` closes its sockets here, outside the lock.
}

Reply RedisPool::Run(const std::function<Reply(RedisConnection&)>& call) {
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<RedisConnection> connection = Acquire();
    Reply reply;
    try {
      reply = call(*connection);
    } catch (...) {
      connection.reset();
      Forget(false);
      throw;
    }
    if (reply) {
      Release(std::move(connection));
      return reply;
    }
    const bool retry = attempt == 0 && connection->FailureRetryable();
    const std::string why = connection->Failure();
    connection.reset();
    Forget(retry);
    if (!retry) throw KvError("redis " + endpoint_.Describe() + ": " + why);
  }
}

}  // namespace shop::platform::kv
