#pragma once
/// Checkpoints a SQLite database's write-ahead log from a background thread.
///
/// SQLite's default is that the writer whose COMMIT takes the WAL past 1,000
/// pages copies it back into the database file there and then, syncing both
/// files, while it still holds the one write lock every other writer waits
/// for. With this running, writers only append to the WAL: the copy happens
/// here, in PASSIVE mode (it never waits for or blocks readers and writers).
/// Writers keep a much higher automatic threshold as a backstop in case this
/// thread falls behind (connection_pool.cpp).

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace shop::platform::db {

class SqliteCheckpointer {
 public:
  /// Starts checkpointing the database file at `path` every `interval` on
  /// its own connection. Does nothing if that connection cannot be opened
  /// (the writers' backstop still checkpoints).
  SqliteCheckpointer(std::string path, std::chrono::milliseconds interval);
  /// Stops and joins the thread; a checkpoint in progress finishes first.
  ~SqliteCheckpointer();
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

 private:
  void Loop();

  const std::string path_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace shop::platform::db
