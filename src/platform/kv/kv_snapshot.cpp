#include "platform/kv/kv_snapshot.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace shop::platform::kv {
namespace {

constexpr std::string_view kHead = "SHOPKV1\n";
constexpr std::string_view kTail = "SHOPKVE\n";

template <class T>
void AppendLittleEndian(std::string& out, T value) {
  using U = std::make_unsigned_t<T>;
  auto v = static_cast<U>(value);
  for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

/// Reads through a snapshot's bytes; every read checks the bounds.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  template <class T>
  T Number() {
    Need(sizeof(T));
    std::make_unsigned_t<T> v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      v |= static_cast<std::make_unsigned_t<T>>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
    }
    pos_ += sizeof(T);
    return static_cast<T>(v);
  }
  std::string_view Bytes(std::size_t n) {
    Need(n);
    auto out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  bool AtTail() const { return data_.substr(pos_) == kTail; }

 private:
  void Need(std::size_t n) const {
    if (data_.size() - pos_ < n) throw KvError("kv snapshot is truncated");
  }
  std::string_view data_;
  std::size_t pos_ = 0;
};

[[noreturn]] void Fail(const std::string& what, const std::filesystem::path& path) {
  throw KvError(what + " " + path.string() + ": " + std::strerror(errno));
}

void WriteFileSynced(const std::filesystem::path& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) Fail("cannot create", path);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      Fail("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
  // Synced before the rename, so the name never points at a file whose
  // data a power cut lost.
  if (::fsync(fd) != 0) {
    ::close(fd);
    Fail("cannot sync", path);
  }
  if (::close(fd) != 0) Fail("cannot close", path);
}

}  // namespace

std::size_t SaveSnapshot(EmbeddedKv& kv, const std::filesystem::path& path) {
  std::string bytes(kHead);
  std::size_t entries = 0;
  kv.ForEachLive([&](std::string_view key, std::string_view value, std::int64_t expires_at_ms) {
    AppendLittleEndian(bytes, static_cast<std::uint32_t>(key.size()));
    bytes.append(key);
    AppendLittleEndian(bytes, static_cast<std::uint32_t>(value.size()));
    bytes.append(value);
    AppendLittleEndian(bytes, expires_at_ms);
    ++entries;
  });
  bytes.append(kTail);
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const std::filesystem::path temporary = path.string() + ".tmp";
  WriteFileSynced(temporary, bytes);
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw KvError("cannot replace " + path.string() + ": " + ec.message());
  return entries;
}

std::size_t LoadSnapshot(EmbeddedKv& kv, const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return 0;
    throw KvError("cannot read " + path.string());
  }
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Reader reader(data);
  if (data.size() < kHead.size() || reader.Bytes(kHead.size()) != kHead) {
    throw KvError(path.string() + " is not a kv snapshot");
  }
  struct Item {
    std::string_view key, value;
    std::int64_t expires_at_ms;
  };
  // Parsed whole before anything is stored: a damaged file restores nothing.
  std::vector<Item> items;
  while (!reader.AtTail()) {
    Item item;
    item.key = reader.Bytes(reader.Number<std::uint32_t>());
    item.value = reader.Bytes(reader.Number<std::uint32_t>());
    item.expires_at_ms = reader.Number<std::int64_t>();
    items.push_back(item);
  }
  std::size_t restored = 0;
  for (const Item& item : items) {
    if (kv.Restore(item.key, item.value, item.expires_at_ms)) ++restored;
  }
  return restored;
}

}  // namespace shop::platform::kv
