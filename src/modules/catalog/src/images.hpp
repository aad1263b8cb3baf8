#pragma once
// Product images with libvips: an upload is decoded completely (the check
// that it is an image is decoding it, not trusting its Content-Type or magic
// bytes), then stored under <data_dir>/media with two thumbnails that fit
// 160×160 and 600×600. The demo seed draws a small palette of images the
// same way. Thread-safe (libvips is).

#include "platform/core/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace shop::catalog {

/// Files of one stored image, relative to the media root, and its size.
struct MediaFiles {
  std::string path, small_path, large_path;
  int width = 0, height = 0;
};

/// Largest accepted image in pixels (width × height): a small file may
/// decode to gigabytes (a "decompression bomb").
inline constexpr std::int64_t kMaxImagePixels = 40'000'000;

/// True for image/jpeg, image/png and image/webp (parameters ignored).
bool IsAcceptedImageType(std::string_view content_type);

/// Decodes `bytes` fully and writes the original and both thumbnails as
/// products/<name>.<ext>, products/<name>-160.jpg, products/<name>-600.jpg
/// under `media_root`. kInvalidInput (nothing written) when the bytes are
/// not a complete JPEG, PNG or WebP image or are too many pixels.
Result<MediaFiles> StoreImage(const std::filesystem::path& media_root, const std::string& name,
                              std::string_view bytes);

/// Removes the files of `files` (after a failed database write).
void RemoveImage(const std::filesystem::path& media_root, const MediaFiles& files);

/// Draws `count` deterministic demo images (colour fields with shapes) as
/// seed/palette-NN.jpg plus thumbnails, unless they already exist.
std::vector<MediaFiles> EnsureSeedPalette(const std::filesystem::path& media_root, int count);

}  // namespace shop::catalog
