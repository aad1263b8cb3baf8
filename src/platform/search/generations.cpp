#include "platform/search/generations.hpp"

#include "platform/search/index.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace shop::platform::search::detail {

namespace fs = std::filesystem;

std::string GenerationName(std::uint64_t generation) { return fmt::format("gen-{:06}", generation); }

std::optional<std::uint64_t> ParseGenerationName(const std::string& name) {
  if (name.size() < 5 || name.compare(0, 4, "gen-") != 0) return std::nullopt;
  std::uint64_t n = 0;
  for (std::size_t i = 4; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || n > (UINT64_MAX - 9) / 10) return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  return n;
}

std::vector<std::uint64_t> ListGenerations(const fs::path& dir) {
  std::vector<std::uint64_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_directory(ec) || entry.is_symlink(ec)) continue;
    if (auto n = ParseGenerationName(entry.path().filename().string())) out.push_back(*n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::uint64_t> CurrentGeneration(const fs::path& dir) {
  std::error_code ec;
  const fs::path target = fs::read_symlink(dir / "current", ec);
  if (ec) return std::nullopt;
  auto n = ParseGenerationName(target.filename().string());
  if (!n || !fs::is_directory(dir / GenerationName(*n), ec)) return std::nullopt;
  return n;
}

void SetCurrentGeneration(const fs::path& dir, std::uint64_t generation) {
  // A relative target keeps the directory movable (a volume mounted elsewhere).
  const fs::path tmp = dir / fmt::format("current.tmp-{}", ::getpid());
  ::unlink(tmp.c_str());
  if (::symlink(GenerationName(generation).c_str(), tmp.c_str()) != 0) {
    throw IndexError(fmt::format("search index: symlink {}: {}", tmp.string(), std::strerror(errno)));
  }
  if (::rename(tmp.c_str(), (dir / "current").c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw IndexError(fmt::format("search index: rename to {}: {}", (dir / "current").string(), std::strerror(err)));
  }
  // The rename is only durable once the directory itself is synced.
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

namespace {

// A reader opening a generation while remove_all is half way through it
// would see a database with some tables already gone, which Xapian treats
// as empty ones: a search answering "no results". Renaming first makes the
// generation vanish at once (an opener then fails cleanly and reopens the
// live one), and only then are the files deleted. Readers that already had
// it open keep reading through their open descriptors.
void RemoveGeneration(const fs::path& dir, std::uint64_t generation) {
  const fs::path doomed = dir / GenerationName(generation);
  const fs::path trash = dir / fmt::format("trash-{}-{}", GenerationName(generation), ::getpid());
  std::error_code ec;
  if (::rename(doomed.c_str(), trash.c_str()) == 0) {
    fs::remove_all(trash, ec);
  } else {
    fs::remove_all(doomed, ec);
  }
}

}  // namespace

void RemoveGenerationsBefore(const fs::path& dir, std::uint64_t keep_from) {
  for (std::uint64_t n : ListGenerations(dir)) {
    if (n >= keep_from) break;
    RemoveGeneration(dir, n);
  }
}

void RemoveGenerationsAfter(const fs::path& dir, std::uint64_t newest_kept) {
  for (std::uint64_t n : ListGenerations(dir)) {
    if (n <= newest_kept) continue;
    RemoveGeneration(dir, n);
  }
}

RebuildLock::RebuildLock(const fs::path& dir) {
  const fs::path path = dir / "rebuild.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IndexError(fmt::format("search index: open {}: {}", path.string(), std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw IndexError("search index: another rebuild of " + dir.string() + " is running");
  }
}

RebuildLock::~RebuildLock() {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

}  // namespace shop::platform::search::detail
