#include "platform/db/sqlite_checkpointer.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

namespace shop::platform::db {

SqliteCheckpointer::SqliteCheckpointer(std::string path, std::chrono::milliseconds interval)
    : path_(std::move(path)), interval_(interval) {
  thread_ = std::thread([this] { Loop(); });
}

SqliteCheckpointer::~SqliteCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SqliteCheckpointer::Loop() {
  sqlite_api::sqlite3* conn = nullptr;
  // No SQLITE_OPEN_CREATE: the pool has created the file; a missing one
  // means there is nothing to checkpoint.
  if (sqlite_api::sqlite3_open_v2(path_.c_str(), &conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    sqlite_api::sqlite3_close(conn);
    return;
  }
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (wake_.wait_for(lock, interval_, [&] { return stopping_; })) break;
    lock.unlock();
    // A connection opens the WAL only when it first reads; a checkpoint
    // before that finds no WAL and does nothing. A schema read is the
    // cheapest read there is.
    sqlite_api::sqlite3_exec(conn, "PRAGMA schema_version", nullptr, nullptr, nullptr);
    // PASSIVE copies what no reader still needs and returns; SQLITE_BUSY
    // (another checkpoint running) just means the next pass does it.
    sqlite_api::sqlite3_wal_checkpoint_v2(conn, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
  lock.unlock();
  sqlite_api::sqlite3_close(conn);
}

}  // namespace shop::platform::db
