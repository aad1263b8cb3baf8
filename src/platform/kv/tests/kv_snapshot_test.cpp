// Snapshots of the embedded store: what was live comes back with its
// expiry, what expired meanwhile does not, and a damaged file restores
// nothing instead of half a store.
#include "platform/kv/kv_snapshot.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

using shop::platform::ManualClock;
using shop::platform::kv::EmbeddedKv;
using shop::platform::kv::KvError;
using shop::platform::kv::LoadSnapshot;
using shop::platform::kv::SaveSnapshot;
using namespace std::chrono_literals;

namespace {

std::filesystem::path TempPath() {
  std::random_device rd;
  return std::filesystem::temp_directory_path() / ("shopd-kv-snapshot-" + std::to_string(rd())) / "kv.snapshot";
}

}  // namespace

TEST_CASE("a snapshot brings back live entries with their expiry, binary values intact, the expired ones not") {
  const auto path = TempPath();
  ManualClock clock;
  EmbeddedKv before(clock);
  const std::string binary("a\0b\xff", 4);
  before.Set("cart:1", R"({"lines":[["MUG",2]]})", std::nullopt);
  before.Set("session:x", binary, 60'000ms);
  before.Set("soon", "gone", 1'000ms);
  before.Set("gone-already", "v", 10ms);
  clock.Advance(20ms);
  CHECK(SaveSnapshot(before, path) == 3);
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::group_read) ==
        std::filesystem::perms::none);

  clock.Advance(5'000ms);  // "soon" expires while the shop is down
  EmbeddedKv after(clock);
  CHECK(LoadSnapshot(after, path) == 2);
  CHECK(after.Get("cart:1") == R"({"lines":[["MUG",2]]})");
  CHECK(after.Get("session:x") == binary);
  CHECK_FALSE(after.Get("soon").has_value());
  CHECK_FALSE(after.Get("gone-already").has_value());
  // The remaining lifetime carried over.
  auto ttl = after.TimeToLive("session:x");
  REQUIRE(ttl.has_value());
  CHECK(ttl->count() == 60'000 - 5'000 - 20);

  // Saving again replaces the file; an empty store writes an empty snapshot.
  EmbeddedKv empty(clock);
  CHECK(SaveSnapshot(empty, path) == 0);
  EmbeddedKv again(clock);
  CHECK(LoadSnapshot(again, path) == 0);
  std::filesystem::remove_all(path.parent_path());
}

TEST_CASE("a missing snapshot restores nothing, a truncated or foreign one is refused and restores nothing") {
  const auto path = TempPath();
  ManualClock clock;
  EmbeddedKv kv(clock);
  CHECK(LoadSnapshot(kv, path) == 0);

  EmbeddedKv source(clock);
  source.Set("a", "1", std::nullopt);
  source.Set("b", "2", std::nullopt);
  REQUIRE(SaveSnapshot(source, path) == 2);
  const auto size = std::filesystem::file_size(path);
  for (auto cut : {size - 1, size - 9, std::uintmax_t{12}, std::uintmax_t{3}}) {
    std::filesystem::copy_file(path, path.string() + ".cut", std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(path.string() + ".cut", cut);
    EmbeddedKv target(clock);
    CHECK_THROWS_AS(LoadSnapshot(target, path.string() + ".cut"), KvError);
    CHECK(target.EntryCount() == 0);
  }
  {
    std::ofstream foreign(path.string() + ".foreign", std::ios::binary);
    foreign << "{\"not\": \"a snapshot\"}";
  }
  CHECK_THROWS_AS(LoadSnapshot(kv, path.string() + ".foreign"), KvError);
  CHECK(kv.EntryCount() == 0);
  std::filesystem::remove_all(path.parent_path());
}
