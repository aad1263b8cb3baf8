#include "platform/config/config.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cfg = shop::platform::config;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kBegin = "<!-- BEGIN GENERATED KEYS -->\n";
constexpr std::string_view kEnd = "<!-- END GENERATED KEYS -->";

}  // namespace

TEST_CASE("config/README.md carries exactly the generated key reference") {
  const std::string generated = cfg::ReferenceMarkdown();
  const fs::path readme = fs::path(SHOPD_SOURCE_DIR) / "config" / "README.md";
  std::ifstream in(readme, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();

  std::string committed;
  const auto begin = doc.find(kBegin);
  const auto end = begin == std::string::npos ? begin : doc.find(kEnd, begin);
  if (end != std::string::npos) committed = doc.substr(begin + kBegin.size(), end - begin - kBegin.size());
  if (committed != generated) {
    // Leave the expected text next to the test so it can be pasted in.
    std::ofstream("config-reference.generated.md", std::ios::binary) << generated;
  }
  REQUIRE_MESSAGE(in.good(), "cannot read " << readme.string());
  REQUIRE_MESSAGE(begin != std::string::npos, "README.md lacks the line " << kBegin);
  REQUIRE_MESSAGE(end != std::string::npos, "README.md lacks the line " << kEnd);
  CHECK_MESSAGE(committed == generated,
                "config/README.md is out of date with the schema: replace the text between the "
                "markers with the output of `shopd config-reference` (also written to "
                "config-reference.generated.md in the test's working directory)");
}

TEST_CASE("the reference lists every key with its type, default and variable") {
  const std::string md = cfg::ReferenceMarkdown();
  CHECK(md.find("| `http.port` | integer | `8080` | `SHOPD_HTTP_PORT` |") != std::string::npos);
  CHECK(md.find("| `data_dir` | string | `\"./data\"` | `SHOPD_DATA_DIR` |") != std::string::npos);
  CHECK(md.find("| `database.url` | string | `\"\"` | `SHOPD_DATABASE_URL` |") != std::string::npos);
  CHECK(md.find("| `redis.url` | string | `\"\"` | `SHOPD_REDIS_URL` |") != std::string::npos);
  CHECK(md.find("| `log.access` | boolean | `true` | `SHOPD_LOG_ACCESS` |") != std::string::npos);
}
