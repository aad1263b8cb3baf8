// Image uploads are decoded for real; thumbnails fit their boxes; anything
// that does not decode completely leaves nothing behind.
#include "images.hpp"

#include <doctest/doctest.h>
#include <vips/vips8>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace shop::catalog {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("images: a real image is stored with two thumbnails, broken ones are refused") {
  char tmpl[] = "/tmp/catalog-media-XXXXXX";
  fs::path root = mkdtemp(tmpl);
  // Draw a palette image (which also starts libvips), then use it as an upload.
  auto palette = EnsureSeedPalette(root, 1);
  REQUIRE(palette.size() == 1);
  const std::string jpeg = ReadAll(root / palette[0].path);
  REQUIRE(jpeg.size() > 1000);

  auto stored = StoreImage(root, "one", jpeg);
  REQUIRE(stored.has_value());
  CHECK(stored->width == 800);
  CHECK(stored->height == 800);
  CHECK(stored->path == "products/one.jpg");
  for (const auto& [path, box] : {std::pair{stored->small_path, 160}, std::pair{stored->large_path, 600}}) {
    auto thumb = vips::VImage::new_from_file((root / path).c_str());
    CHECK(thumb.width() <= box);
    CHECK(thumb.height() <= box);
    CHECK(std::max(thumb.width(), thumb.height()) == box);
  }

  auto png_image = vips::VImage::black(300, 120, vips::VImage::option()->set("bands", 3)) + 90;
  void* buf = nullptr;
  std::size_t size = 0;
  png_image.cast(VIPS_FORMAT_UCHAR).write_to_buffer(".png", &buf, &size);
  std::string png(static_cast<char*>(buf), size);
  g_free(buf);
  auto wide = StoreImage(root, "wide", png);
  REQUIRE(wide.has_value());
  CHECK(wide->path == "products/wide.png");
  CHECK(vips::VImage::new_from_file((root / wide->small_path).c_str()).width() == 160);

  const auto files_before = std::distance(fs::directory_iterator(root / "products"), fs::directory_iterator());
  CHECK(StoreImage(root, "text", "hello, I am not an image").error().code == ErrorCode::kInvalidInput);
  CHECK(StoreImage(root, "empty", "").error().code == ErrorCode::kInvalidInput);
  CHECK(StoreImage(root, "cut", jpeg.substr(0, jpeg.size() / 2)).error().code == ErrorCode::kInvalidInput);
  CHECK(StoreImage(root, "cutpng", png.substr(0, png.size() - 20)).error().code == ErrorCode::kInvalidInput);
  CHECK(std::distance(fs::directory_iterator(root / "products"), fs::directory_iterator()) == files_before);

  CHECK(IsAcceptedImageType("image/jpeg"));
  CHECK(IsAcceptedImageType("Image/PNG; charset=binary"));
  CHECK(IsAcceptedImageType("image/webp"));
  CHECK_FALSE(IsAcceptedImageType("image/gif"));
  CHECK_FALSE(IsAcceptedImageType("text/plain"));
  fs::remove_all(root);
}

}  // namespace
}  // namespace shop::catalog
