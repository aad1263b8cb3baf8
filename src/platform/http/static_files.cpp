#include "platform/http/static_files.hpp"

#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace shop::platform::http {

struct StaticFiles::Entry {
  std::int64_t mtime_ns = 0;
  std::int64_t size = 0;
  std::string content;
  std::string etag;
  std::string_view content_type;
};

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kContentTypes{{
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"txt", "text/plain; charset=utf-8"},
    {"json", "application/json"},
    {"html", "text/html; charset=utf-8"},
    {"map", "application/json"},
}};

struct FileStat {
  std::int64_t mtime_ns;
  std::int64_t size;
};

std::optional<FileStat> StatRegularFile(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileStat{static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                  static_cast<std::int64_t>(st.st_size)};
}

// FNV-1a 64: a stable content hash (std::hash is not stable across builds,
// and ETags must survive restarts to be useful to caches).
std::uint64_t Fnv1a64(std::string_view data) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string MakeETag(std::string_view content) {
  char buffer[48];
  const int n = std::snprintf(buffer, sizeof buffer, "\"%016llx-%llx\"",
                              static_cast<unsigned long long>(Fnv1a64(content)),
                              static_cast<unsigned long long>(content.size()));
  return std::string(buffer, static_cast<std::size_t>(n));
}

std::string_view OpaqueTag(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

// RFC 9110 §13.1.2: If-None-Match uses the weak comparison.
bool NoneMatchHits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*" || OpaqueTag(tag) == OpaqueTag(etag)) return true;
  }
  return false;
}

bool IsWithin(const std::filesystem::path& root, const std::filesystem::path& path) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (r->empty()) continue;  // a trailing separator on root
    if (p == path.end() || *r != *p) return false;
  }
  return true;
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root, StaticFilesOptions options)
    : root_(std::move(root)),
      cache_control_("public, max-age=" + std::to_string(options.max_age.count())),
      options_(options) {}

StaticFiles::~StaticFiles() = default;

void StaticFiles::Register(Router& router, std::string_view prefix) {
  if (prefix.empty() || prefix.front() != '/') {
    throw std::invalid_argument("static prefix must start with '/': " + std::string(prefix));
  }
  std::string pattern(prefix);
  if (pattern.back() != '/') pattern.push_back('/');
  pattern.append("{path...}");
  router.Get(
      pattern, [this](Request& request) { return Serve(request, request.PathParam("path")); },
      RouteOptions{.blocking = options_.blocking, .body_limit = 0});
}

std::string_view StaticFiles::ContentTypeFor(std::string_view path) {
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  const std::string_view ext = path.substr(dot + 1);
  for (const auto& [known, type] : kContentTypes) {
    if (EqualsIgnoreCase(ext, known)) return type;
  }
  return "application/octet-stream";
}

bool StaticFiles::IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return false;
  }
  while (true) {
    const auto slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    // Rejecting every dot-first segment covers ".", "..", and hidden files
    // (.git, .env) that should never be public.
    if (segment.empty() || segment.front() == '.') return false;
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

std::shared_ptr<const StaticFiles::Entry> StaticFiles::Load(std::string_view relative_path) const {
  const std::filesystem::path full = root_ / std::filesystem::path(relative_path);
  const auto stat = StatRegularFile(full);
  if (!stat) return nullptr;

  std::string key(relative_path);
  {
    std::shared_lock lock(mutex_);
    if (auto it = cache_.find(key); it != cache_.end()) {
      if (it->second->mtime_ns == stat->mtime_ns && it->second->size == stat->size) return it->second;
    }
  }

  // A symlink may point outside the root; resolve before the first read.
  std::error_code ec;
  const auto canonical_root = std::filesystem::canonical(root_, ec);
  if (ec) return nullptr;
  const auto canonical_file = std::filesystem::canonical(full, ec);
  if (ec || !IsWithin(canonical_root, canonical_file)) return nullptr;

  std::ifstream in(canonical_file, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream content;
  content << in.rdbuf();
  if (!in && !in.eof()) return nullptr;

  auto entry = std::make_shared<Entry>();
  entry->mtime_ns = stat->mtime_ns;
  entry->content = std::move(content).str();
  entry->size = static_cast<std::int64_t>(entry->content.size());
  entry->etag = MakeETag(entry->content);
  entry->content_type = ContentTypeFor(relative_path);

  std::unique_lock lock(mutex_);
  cache_[std::move(key)] = entry;
  return entry;
}

Response StaticFiles::Serve(const Request& request, std::string_view relative_path) const {
  const std::shared_ptr<const Entry> entry =
      IsSafeRelativePath(relative_path) ? Load(relative_path) : nullptr;
  if (!entry) return Response::Problem(Error::NotFound("no such file"), request.path);

  Response response;
  response.headers.Add("ETag", entry->etag);
  response.headers.Add("Cache-Control", cache_control_);
  if (const auto inm = request.headers.Get("If-None-Match"); inm && NoneMatchHits(*inm, entry->etag)) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  response.headers.Add("Content-Type", std::string(entry->content_type));
  response.body = entry->content;
  return response;
}

}  // namespace shop::platform::http
