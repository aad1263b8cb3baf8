#include "images.hpp"

#include <fmt/format.h>
#include <vips/vips8>

#include <cmath>
#include <fstream>
#include <mutex>

namespace shop::catalog {

namespace fs = std::filesystem;
using vips::VImage;

namespace {

void InitVips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("shopd") != 0) throw std::runtime_error("libvips failed to start");
    // Thumbnails are made once per upload; vips' operation cache would only
    // hold on to memory.
    vips_cache_set_max(0);
    vips_concurrency_set(1);
    // A refused upload is an expected outcome answered with 400; libvips'
    // own warnings about it would only break the one-JSON-object-per-line log.
    g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE),
                      [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {}, nullptr);
  });
}

void WriteFile(const fs::path& path, const void* data, std::size_t size) {
  fs::create_directories(path.parent_path());
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

void WriteImage(const fs::path& path, const VImage& image) {
  void* buf = nullptr;
  std::size_t size = 0;
  image.write_to_buffer(".jpg", &buf, &size, VImage::option()->set("Q", 85)->set("strip", true));
  try {
    WriteFile(path, buf, size);
  } catch (...) {
    g_free(buf);
    throw;
  }
  g_free(buf);
}

VImage Flatten(VImage image) {
  if (image.has_alpha()) image = image.flatten(VImage::option()->set("background", std::vector<double>{255, 255, 255}));
  if (image.interpretation() != VIPS_INTERPRETATION_sRGB && image.bands() < 3) image = image.colourspace(VIPS_INTERPRETATION_sRGB);
  return image;
}

void WriteThumbnails(const fs::path& root, const MediaFiles& files, const VImage& image) {
  VImage flat = Flatten(image);
  WriteImage(root / files.small_path, flat.thumbnail_image(160, VImage::option()->set("height", 160)));
  WriteImage(root / files.large_path, flat.thumbnail_image(600, VImage::option()->set("height", 600)));
}

Error NotAnImage(std::string detail) { return Error::InvalidInput(std::move(detail), {{"body", "must be a JPEG, PNG or WebP image"}}); }

}  // namespace

bool IsAcceptedImageType(std::string_view content_type) {
  auto semi = content_type.find(';');
  std::string type(content_type.substr(0, semi));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "image/jpeg" || type == "image/png" || type == "image/webp";
}

Result<MediaFiles> StoreImage(const fs::path& media_root, const std::string& name, std::string_view bytes) {
  InitVips();
  if (bytes.empty()) return NotAnImage("the body is empty");
  VImage image;
  std::string ext;
  try {
    // fail_on=truncated: a cut-off file is an error, not a half-grey picture.
    image = VImage::new_from_buffer(bytes.data(), bytes.size(), "",
                                    VImage::option()->set("access", VIPS_ACCESS_RANDOM)->set("fail_on", VIPS_FAIL_ON_TRUNCATED));
    const char* loader = nullptr;
    if (vips_image_get_string(image.get_image(), "vips-loader", &loader) != 0 || loader == nullptr) {
      return NotAnImage("the body is not an image");
    }
    std::string_view l(loader);
    if (l.starts_with("jpegload")) ext = "jpg";
    else if (l.starts_with("pngload")) ext = "png";
    else if (l.starts_with("webpload")) ext = "webp";
    else return NotAnImage("only JPEG, PNG and WebP images are accepted");
    if (static_cast<std::int64_t>(image.width()) * image.height() > kMaxImagePixels) {
      return NotAnImage(fmt::format("the image has more than {} pixels", kMaxImagePixels));
    }
    // Decode every pixel now: a truncated or corrupt file fails here.
    (void)image.avg();
  } catch (const vips::VError& e) {
    vips_error_clear();
    return NotAnImage("the body is not a complete image");
  }
  MediaFiles files{.path = fmt::format("products/{}.{}", name, ext),
                   .small_path = fmt::format("products/{}-160.jpg", name),
                   .large_path = fmt::format("products/{}-600.jpg", name),
                   .width = image.width(),
                   .height = image.height()};
  try {
    WriteThumbnails(media_root, files, image);
    WriteFile(media_root / files.path, bytes.data(), bytes.size());
  } catch (const vips::VError& e) {
    vips_error_clear();
    RemoveImage(media_root, files);
    return NotAnImage("the image could not be converted");
  } catch (...) {
    RemoveImage(media_root, files);
    throw;
  }
  return files;
}

void RemoveImage(const fs::path& media_root, const MediaFiles& files) {
  std::error_code ec;
  for (const auto& p : {files.path, files.small_path, files.large_path}) {
    if (!p.empty()) fs::remove(media_root / p, ec);
  }
}

std::vector<MediaFiles> EnsureSeedPalette(const fs::path& media_root, int count) {
  InitVips();
  std::vector<MediaFiles> out;
  for (int i = 0; i < count; ++i) {
    MediaFiles files{.path = fmt::format("seed/palette-{:02}.jpg", i),
                     .small_path = fmt::format("seed/palette-{:02}-160.jpg", i),
                     .large_path = fmt::format("seed/palette-{:02}-600.jpg", i),
                     .width = 800,
                     .height = 800};
    if (!fs::exists(media_root / files.large_path) || !fs::exists(media_root / files.path) ||
        !fs::exists(media_root / files.small_path)) {
      // A hue per image (golden-angle steps), a lighter disc and a darker
      // band: distinct, deterministic, and cheap to draw.
      double hue = std::fmod(i * 137.508, 360.0);
      auto rgb = [&](double h, double s, double v) {
        double c = v * s, x = c * (1 - std::fabs(std::fmod(h / 60.0, 2) - 1)), m = v - c;
        double r = 0, g = 0, b = 0;
        if (h < 60) { r = c; g = x; } else if (h < 120) { r = x; g = c; } else if (h < 180) { g = c; b = x; }
        else if (h < 240) { g = x; b = c; } else if (h < 300) { r = x; b = c; } else { r = c; b = x; }
        return std::vector<double>{(r + m) * 255, (g + m) * 255, (b + m) * 255};
      };
      VImage canvas = VImage::black(files.width, files.height, VImage::option()->set("bands", 3))
                          .new_from_image(rgb(hue, 0.35, 0.95))
                          .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
      canvas = canvas.cast(VIPS_FORMAT_UCHAR).copy_memory();
      canvas.draw_rect(rgb(hue, 0.6, 0.55), 0, files.height * 3 / 4, files.width, files.height / 8,
                       VImage::option()->set("fill", true));
      canvas.draw_circle(rgb(std::fmod(hue + 180, 360), 0.5, 0.9), files.width / 2, files.height * 2 / 5,
                         files.width / 4 + (i % 5) * 12, VImage::option()->set("fill", true));
      WriteImage(media_root / files.path, canvas);
      WriteThumbnails(media_root, files, canvas);
    }
    out.push_back(files);
  }
  return out;
}

}  // namespace shop::catalog
