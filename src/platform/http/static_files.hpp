#pragma once
/// Serves the files of one directory (web/static) under a URL prefix, with
/// strong content-hash ETags, If-None-Match → 304, Cache-Control and a
/// Content-Type from the extension. Paths that try to leave the directory
/// (.., encoded ../, absolute paths, NUL, backslashes) and dot-files answer
/// 404, as does anything that is not a regular file.
///
/// Files are cached in memory by relative path and re-read when their mtime
/// or size changes, so edits show up without a restart. Thread-safe.

#include "platform/http/router.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace shop::platform::http {

struct StaticFilesOptions {
  std::chrono::seconds max_age{3600};  ///< Cache-Control: public, max-age=<this>
  /// Run on the blocking pool; file reads on a cold cache touch the disk.
  bool blocking = true;
};

class StaticFiles {
 public:
  /// `root` need not exist yet; every lookup then answers 404.
  explicit StaticFiles(std::filesystem::path root, StaticFilesOptions options = {});
  ~StaticFiles();
  StaticFiles(const StaticFiles&) = delete;
  StaticFiles& operator=(const StaticFiles&) = delete;

  /// Registers GET (HEAD answered through GET) "<prefix>{path...}", e.g.
  /// prefix "/static/" serves "/static/css/site.css". The StaticFiles must
  /// outlive the router. Throws std::invalid_argument on a bad prefix.
  void Register(Router& router, std::string_view prefix = "/static/");

  /// Answers a request for `relative_path` (already percent-decoded):
  /// 200 with the file, 304 when If-None-Match matches, 404 otherwise.
  Response Serve(const Request& request, std::string_view relative_path) const;

  /// "text/css; charset=utf-8" for "a/site.css"; application/octet-stream when unknown.
  static std::string_view ContentTypeFor(std::string_view path);
  /// True if `relative_path` stays inside the root: non-empty, relative, no
  /// "." / ".." / dot-file segments, no empty segments, no NUL or backslash.
  static bool IsSafeRelativePath(std::string_view relative_path);

 private:
  struct Entry;
  std::shared_ptr<const Entry> Load(std::string_view relative_path) const;

  std::filesystem::path root_;
  std::string cache_control_;
  StaticFilesOptions options_;
  mutable std::shared_mutex mutex_;
  mutable std::unordered_map<std::string, std::shared_ptr<const Entry>> cache_;
};

}  // namespace shop::platform::http
