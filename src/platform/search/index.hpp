#pragma once
/// A full-text search index on Xapian (DESIGN §1 platform/search): documents
/// with weighted text, facet fields, numbers and exact codes (types.hpp);
/// English stemming, phrases, prefixes, spelling correction, exact facet
/// counts and bands, sorting and offset paging. Knows nothing of what it
/// indexes.
///
/// On disk, `dir` holds generations and a pointer to the live one:
///
///     dir/current -> gen-000003      (a symlink, replaced with rename(2))
///     dir/gen-000003/                (a Xapian glass database)
///     dir/rebuild.lock               (serialises rebuilders across processes)
///     dir/open.marker                (present while a process writes; left behind by a crash)
///
/// A rebuild fills a new generation beside the live one and then swaps the
/// pointer, so searches never see a half-built index and never stop. The
/// process that holds the Index notices a swap made by another process
/// (`shopd reindex`) within one commit interval, moves its writer to the new
/// generation and lets readers reopen there.
///
/// Thread-safety: every member may be called from any thread. Writes go
/// through one mutex-guarded WritableDatabase and become visible to searches
/// at the next commit (at most `commit_interval` later, or at Commit()).
/// Searches run on a per-thread Xapian::Database that reopens itself when the
/// generation or the committed revision changed, so readers never lock.

#include "platform/search/types.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace shop::platform::search {

/// The index directory cannot be created, locked or written, or a search hit
/// an error that reopening did not cure. An infrastructure failure.
class IndexError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct IndexOptions {
  std::filesystem::path dir;
  Schema schema;
  /// Longest time a write waits before it is committed and searchable.
  std::chrono::milliseconds commit_interval{500};
  /// Stemming language (Xapian::Stem name); "none" disables stemming.
  std::string language = "english";
};

/// What Index found when it opened `dir`.
enum class OpenState {
  kOk,       ///< a live generation, opened
  kMissing,  ///< no index yet: an empty one was created; rebuild it
  kCorrupt,  ///< the live generation could not be opened: an empty one replaced it; rebuild it
  kStale,    ///< opened, but the last writer did not close cleanly and may have lost its last writes
};
std::string_view OpenStateName(OpenState state);

/// Adds documents to a generation being rebuilt (see Index::Rebuild).
class Builder {
 public:
  virtual ~Builder() = default;
  virtual void Add(const Document& document) = 0;
};

using FillFunction = std::function<void(Builder&)>;

struct RebuildStats {
  std::size_t documents = 0;
  std::uint64_t generation = 0;  ///< the generation number now live
  std::chrono::milliseconds took{0};
};

class Index {
 public:
  /// Opens (or creates) the index under options.dir and starts the committer
  /// thread. A missing or corrupt index does not throw: an empty generation
  /// takes its place and open_state() tells the caller to rebuild. Throws
  /// IndexError when the directory is unusable (permissions, disk).
  explicit Index(IndexOptions options);
  /// Commits pending writes, stops the committer and removes the open marker.
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  OpenState open_state() const { return open_state_; }
  /// Why the index was kMissing / kCorrupt / kStale (for the log).
  const std::string& open_problem() const { return open_problem_; }

  /// Adds or replaces the document with document.id. Returns false when the
  /// stored document is identical (nothing written). Throws
  /// std::invalid_argument for an unknown field or a bad id.
  bool Replace(const Document& document);
  /// Removes the document; false when there was none.
  bool Delete(std::string_view id);
  /// Ids of documents carrying `code` in exact field `field`, including
  /// writes not yet committed.
  std::vector<std::string> IdsWith(std::string_view field, std::string_view code) const;
  /// The stored data of one document, including uncommitted writes.
  std::optional<std::string> Data(std::string_view id) const;
  /// Makes every write so far searchable now.
  void Commit();

  /// A caller's bookkeeping value (a sync watermark) stored in the live
  /// generation, written with the next commit. A rebuilt generation starts
  /// without it, except kBuiltFromKey, which every generation carries: the
  /// time (ms since the epoch) its build started. Keys are 1..200 bytes.
  void SetMetadata(std::string_view key, std::string_view value);
  /// The value of `key` in the live generation (uncommitted included), or "".
  std::string Metadata(std::string_view key) const;
  static constexpr std::string_view kBuiltFromKey = "shopd.built_from_ms";

  /// Documents in the live generation (committed).
  std::size_t size() const;
  /// Bumped by every commit and every generation switch.
  std::uint64_t revision() const { return revision_.load(std::memory_order_acquire); }
  /// The live generation number (dir/gen-NNNNNN).
  std::uint64_t generation() const;

  /// Runs a query. Throws std::invalid_argument for an unknown field, and
  /// IndexError when the index cannot be read even after reopening.
  Results Search(const Query& query) const;

  /// Rebuilds beside the live generation: `fill` adds every document to a
  /// new one, which then replaces the live one atomically. Writes made to
  /// this Index while `fill` runs go to the old generation and are not
  /// carried over; the swap listener is told when the rebuild started so the
  /// caller can re-apply them. Throws IndexError if another rebuild holds the
  /// lock, and whatever `fill` throws (the live index is then untouched).
  RebuildStats Rebuild(const FillFunction& fill);

  /// The same, for a process that does not hold the Index (a CLI command):
  /// a running server on `options.dir` switches over within one commit
  /// interval.
  static RebuildStats RebuildAt(const IndexOptions& options, const FillFunction& fill);

  /// Called after this Index switched to a generation built by Rebuild or by
  /// another process, with that build's start time (ms since the epoch), on
  /// the thread that switched. Set it before writes begin. Replacing it
  /// (nullptr to remove it) waits for a call in flight to return, so its
  /// owner may destroy what the old listener used right after.
  void SetSwapListener(std::function<void(std::int64_t built_from_ms)> listener);

 private:
  struct State;
  std::shared_ptr<State> state_;
  OpenState open_state_ = OpenState::kOk;
  std::string open_problem_;
  std::atomic<std::uint64_t>& revision_;
};

/// Paging cursors for a snapshot search: the offset of the next page bound
/// to a fingerprint of the query it continues (text, filters, ranges, sort),
/// base64url-encoded. A cursor is rejected when it is malformed, was made
/// for a different query, or points past `max_offset`. Offsets are not
/// stable under concurrent index changes (a product may shift between
/// pages), which is acceptable for shop search and keeps cursors stateless.
std::uint64_t QueryFingerprint(const Query& query);
std::string EncodeCursor(std::size_t offset, std::uint64_t fingerprint);
std::optional<std::size_t> DecodeCursor(std::string_view cursor, std::uint64_t fingerprint,
                                        std::size_t max_offset = 10'000);

}  // namespace shop::platform::search
