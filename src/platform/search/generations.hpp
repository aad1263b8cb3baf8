#pragma once
// The on-disk layout of an index directory (see index.hpp): numbered
// generations, the `current` symlink that names the live one, and the lock
// that serialises rebuilders. Internal to platform/search.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace shop::platform::search::detail {

/// "gen-000042".
std::string GenerationName(std::uint64_t generation);
/// 42 for "gen-000042"; nullopt for anything else.
std::optional<std::uint64_t> ParseGenerationName(const std::string& name);
/// Every generation directory under `dir`, ascending.
std::vector<std::uint64_t> ListGenerations(const std::filesystem::path& dir);
/// The generation `dir/current` points at, if it points at one that exists.
std::optional<std::uint64_t> CurrentGeneration(const std::filesystem::path& dir);
/// Points `dir/current` at `generation` atomically (symlink + rename + fsync).
/// Throws IndexError.
void SetCurrentGeneration(const std::filesystem::path& dir, std::uint64_t generation);
/// Removes generation directories older than `keep_from`, ignoring errors.
void RemoveGenerationsBefore(const std::filesystem::path& dir, std::uint64_t keep_from);
/// Removes generation directories newer than `newest_kept` (left by a crashed rebuild).
void RemoveGenerationsAfter(const std::filesystem::path& dir, std::uint64_t newest_kept);

/// An exclusive flock on dir/rebuild.lock for the object's lifetime. Throws
/// IndexError when another process or thread holds it.
class RebuildLock {
 public:
  explicit RebuildLock(const std::filesystem::path& dir);
  ~RebuildLock();
  RebuildLock(const RebuildLock&) = delete;
  RebuildLock& operator=(const RebuildLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace shop::platform::search::detail
