#pragma once
/// Snapshots of the embedded key-value store in a file, so carts and
/// sessions survive a restart of a shop without Redis: written at shutdown
/// and every few seconds while serving, read at start. A crash loses what
/// changed since the last snapshot, never more.
///
/// The file is replaced atomically (written beside it, synced, renamed) and
/// readable by its owner only (it holds session tokens). Format, all
/// integers little-endian: the 8 bytes "SHOPKV1\n", then per entry
/// u32 key length, key, u32 value length, value, i64 expiry (ms since the
/// epoch, 0 = never), then the 8 bytes "SHOPKVE\n". Written by hand: the
/// values are arbitrary bytes and none of the project's libraries
/// serialises a byte map to a file.

#include "platform/kv/embedded_kv.hpp"

#include <cstddef>
#include <filesystem>

namespace shop::platform::kv {

/// Writes every live entry of `kv` to `path`; returns how many. Throws
/// KvError when the file cannot be written (the previous snapshot stays).
std::size_t SaveSnapshot(EmbeddedKv& kv, const std::filesystem::path& path);

/// Restores the entries of the snapshot at `path` into `kv`, skipping
/// expired ones; returns how many were restored. A missing file restores
/// nothing. Throws KvError for a file that is not a complete snapshot
/// (nothing of it is restored then).
std::size_t LoadSnapshot(EmbeddedKv& kv, const std::filesystem::path& path);

}  // namespace shop::platform::kv
