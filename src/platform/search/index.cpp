#include "platform/search/index.hpp"

#include "platform/search/document_maker.hpp"

#include "platform/crypto/base64url.hpp"
#include "platform/search/generations.hpp"

#include <xapian.h>

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace shop::platform::search {

namespace fs = std::filesystem;
using namespace detail;

std::string_view OpenStateName(OpenState state) {
  switch (state) {
    case OpenState::kOk:
      return "ok";
    case OpenState::kMissing:
      return "missing";
    case OpenState::kCorrupt:
      return "corrupt";
    case OpenState::kStale:
      return "stale";
  }
  return "ok";
}

namespace {

const std::string kBuiltFromMetadata(Index::kBuiltFromKey);

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Xapian::Stem MakeStem(const std::string& language) {
  if (language.empty() || language == "none") return Xapian::Stem();
  return Xapian::Stem(language);
}

std::atomic<std::uint64_t> g_next_instance{1};

// A fresh match-everything query: copying the shared Query::MatchAll from
// several threads would race on its reference count.
Xapian::Query MatchAll() { return Xapian::Query(std::string()); }

// Spelling frequencies count documents, so a word that leaves the last
// document that had it is never suggested again.
void AddSpelling(Xapian::WritableDatabase& db, const Xapian::Document& doc) {
  for (const auto& word : SpellingWords(doc)) db.add_spelling(word, 1);
}
void RemoveSpelling(Xapian::WritableDatabase& db, const Xapian::Document& doc) {
  for (const auto& word : SpellingWords(doc)) db.remove_spelling(word, 1);
}

class GenerationBuilder final : public Builder {
 public:
  GenerationBuilder(const fs::path& path, const FieldMap& fields, const Xapian::Stem& stem)
      : db_(path.string(), Xapian::DB_CREATE_OR_OVERWRITE), maker_(fields, stem) {}
  void Add(const Document& document) override {
    Xapian::Document doc = maker_.Make(document);
    const std::string id_term = IdTerm(document.id);
    if (db_.term_exists(id_term)) {
      // The same id twice replaces, like the live writer.
      RemoveSpelling(db_, db_.get_document(*db_.postlist_begin(id_term)));
    } else {
      ++count_;
    }
    AddSpelling(db_, doc);
    db_.replace_document(id_term, doc);
  }
  void Finish(std::int64_t built_from_ms) {
    db_.set_metadata(kBuiltFromMetadata, std::to_string(built_from_ms));
    db_.commit();
    db_.close();
  }
  std::size_t count() const { return count_; }

 private:
  Xapian::WritableDatabase db_;
  DocumentMaker maker_;
  std::size_t count_ = 0;
};

// Builds a new generation under the rebuild lock and makes it current.
// Returns the stats; the previous generation is kept for whoever still has
// it open, older ones are removed.
RebuildStats BuildGeneration(const IndexOptions& options, const FieldMap& fields, const FillFunction& fill) {
  // Xapian handles are reference-counted without atomics: every thread
  // builds its own rather than sharing one.
  const Xapian::Stem stem = MakeStem(options.language);
  const auto started = std::chrono::steady_clock::now();
  const std::int64_t built_from_ms = NowMs();
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) throw IndexError(fmt::format("search index: create {}: {}", options.dir.string(), ec.message()));
  RebuildLock lock(options.dir);
  const auto current = CurrentGeneration(options.dir);
  RemoveGenerationsAfter(options.dir, current.value_or(0));
  const auto existing = ListGenerations(options.dir);
  const std::uint64_t next = (existing.empty() ? 0 : existing.back()) + 1;
  const fs::path path = options.dir / GenerationName(next);
  std::size_t count = 0;
  try {
    GenerationBuilder builder(path, fields, stem);
    fill(builder);
    builder.Finish(built_from_ms);
    count = builder.count();
  } catch (const Xapian::Error& e) {
    fs::remove_all(path, ec);
    throw IndexError("search index: rebuild failed: " + e.get_description());
  } catch (...) {
    fs::remove_all(path, ec);
    throw;
  }
  SetCurrentGeneration(options.dir, next);
  if (current) RemoveGenerationsBefore(options.dir, *current);
  return RebuildStats{.documents = count,
                      .generation = next,
                      .took = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)};
}

// Counts facet values and number bands of every matching document in one
// pass: one virtual call per document instead of one per facet.
class FacetSpy final : public Xapian::MatchSpy {
 public:
  FacetSpy(std::vector<Xapian::valueno> facet_slots, std::optional<Xapian::valueno> band_slot,
           const std::vector<std::int64_t>* bounds)
      : facet_slots_(std::move(facet_slots)),
        counts_(facet_slots_.size()),
        band_slot_(band_slot),
        bounds_(bounds),
        band_counts_(bounds ? bounds->size() : 0, 0) {}

  void operator()(const Xapian::Document& doc, double) override {
    for (std::size_t i = 0; i < facet_slots_.size(); ++i) {
      const std::string value = doc.get_value(facet_slots_[i]);
      if (value.empty()) continue;
      std::string_view rest = value;
      while (true) {
        const auto cut = rest.find(kValueSeparator);
        ++counts_[i][std::string(rest.substr(0, cut))];
        if (cut == std::string_view::npos) break;
        rest.remove_prefix(cut + 1);
      }
    }
    if (band_slot_) {
      const std::string raw = doc.get_value(*band_slot_);
      if (raw.empty()) return;
      const auto v = static_cast<std::int64_t>(Xapian::sortable_unserialise(raw));
      auto it = std::upper_bound(bounds_->begin(), bounds_->end(), v);
      if (it == bounds_->begin()) return;  // below the first band
      ++band_counts_[static_cast<std::size_t>(it - bounds_->begin() - 1)];
    }
  }

  std::vector<std::unordered_map<std::string, std::size_t>>& counts() { return counts_; }
  const std::vector<std::size_t>& band_counts() const { return band_counts_; }

 private:
  std::vector<Xapian::valueno> facet_slots_;
  std::vector<std::unordered_map<std::string, std::size_t>> counts_;
  std::optional<Xapian::valueno> band_slot_;
  const std::vector<std::int64_t>* bounds_;
  std::vector<std::size_t> band_counts_;
};

}  // namespace

struct Index::State {
  IndexOptions options;
  FieldMap fields;
  Xapian::Stem stem;  // the writer's; guarded by write_mutex like the writer
  const std::uint64_t instance = g_next_instance.fetch_add(1);
  std::atomic<std::uint64_t> revision{1};

  // The writer and everything it owns.
  mutable std::mutex write_mutex;
  std::optional<Xapian::WritableDatabase> writer;
  std::optional<DocumentMaker> maker;
  std::uint64_t generation = 0;
  bool dirty = false;

  // What readers open; changes only with the generation.
  mutable std::mutex path_mutex;
  std::string live_path;

  std::mutex listener_mutex;
  std::function<void(std::int64_t)> swap_listener;
  // Held for the whole of a listener call, so replacing the listener waits
  // for a call in flight (its owner may be about to destroy what it uses).
  std::mutex listener_call_mutex;

  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread committer;

  State(IndexOptions o) : options(std::move(o)), fields(options.schema), stem(MakeStem(options.language)) {}

  fs::path GenPath(std::uint64_t gen) const { return options.dir / GenerationName(gen); }

  // Requires write_mutex.
  void OpenWriter(std::uint64_t gen) {
    writer.reset();
    writer.emplace(GenPath(gen).string(), Xapian::DB_OPEN);
    maker.emplace(fields, stem);
    generation = gen;
    {
      std::lock_guard path_lock(path_mutex);
      live_path = GenPath(gen).string();
    }
    revision.fetch_add(1, std::memory_order_acq_rel);
  }

  // Requires write_mutex.
  void CommitLocked() {
    if (!dirty || !writer) return;
    writer->commit();
    dirty = false;
    revision.fetch_add(1, std::memory_order_acq_rel);
  }

  // Moves to the generation `current` names if it is not ours; returns its
  // build start time when it switched.
  std::optional<std::int64_t> FollowCurrent() {
    std::lock_guard lock(write_mutex);
    const auto current = CurrentGeneration(options.dir);
    if (!current || *current == generation) return std::nullopt;
    // Writes not yet committed belong to the generation being left; the
    // swap listener re-applies whatever changed since the rebuild began.
    try {
      CommitLocked();
    } catch (const Xapian::Error&) {
    }
    OpenWriter(*current);
    std::int64_t built_from = 0;
    try {
      built_from = std::stoll(writer->get_metadata(kBuiltFromMetadata));
    } catch (...) {
    }
    return built_from;
  }

  void NotifySwap(std::int64_t built_from) {
    std::function<void(std::int64_t)> listener;
    std::lock_guard calling(listener_call_mutex);
    {
      std::lock_guard lock(listener_mutex);
      listener = swap_listener;
    }
    if (listener) listener(built_from);
  }

  void RunCommitter() {
    std::unique_lock lock(stop_mutex);
    while (!stopping) {
      stop_cv.wait_for(lock, options.commit_interval);
      if (stopping) break;
      lock.unlock();
      try {
        {
          std::lock_guard write_lock(write_mutex);
          CommitLocked();
        }
        if (auto built_from = FollowCurrent()) NotifySwap(*built_from);
      } catch (const std::exception&) {
        // A failed commit keeps the writes pending; the next round retries.
      }
      lock.lock();
    }
  }
};

Index::Index(IndexOptions options)
    : state_(std::make_shared<State>(std::move(options))), revision_(state_->revision) {
  State& s = *state_;
  const fs::path& dir = s.options.dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IndexError(fmt::format("search index: create {}: {}", dir.string(), ec.message()));

  const fs::path marker = dir / "open.marker";
  const bool unclean = fs::exists(marker, ec);
  {
    std::ofstream out(marker, std::ios::trunc);
    out << ::getpid() << "\n";
    if (!out) throw IndexError("search index: cannot write " + marker.string());
  }

  auto empty_generation = [&]() {
    BuildGeneration(s.options, s.fields, [](Builder&) {});
    return CurrentGeneration(dir).value();
  };

  std::lock_guard lock(s.write_mutex);
  auto current = CurrentGeneration(dir);
  if (!current) {
    open_state_ = OpenState::kMissing;
    open_problem_ = "no index at " + dir.string();
    s.OpenWriter(empty_generation());
  } else {
    try {
      s.OpenWriter(*current);
      // Opening reads only the version file; touching the tables finds
      // damage there too.
      Xapian::Database check(s.GenPath(*current).string());
      if (check.get_doccount() > 0) {
        auto term = check.allterms_begin();
        if (term != check.allterms_end()) (void)check.get_termfreq(*term);
      }
      if (unclean) {
        open_state_ = OpenState::kStale;
        open_problem_ = "the previous process did not close the index cleanly";
      }
    } catch (const Xapian::DatabaseLockError& e) {
      throw IndexError("search index: another process writes " + s.GenPath(*current).string() + ": " +
                       e.get_msg());
    } catch (const Xapian::DatabaseError& e) {
      open_state_ = OpenState::kCorrupt;
      open_problem_ = e.get_description();
      s.writer.reset();
      s.OpenWriter(empty_generation());
    }
  }
  s.committer = std::thread([state = state_] { state->RunCommitter(); });
}

Index::~Index() {
  State& s = *state_;
  {
    std::lock_guard lock(s.stop_mutex);
    s.stopping = true;
  }
  s.stop_cv.notify_all();
  if (s.committer.joinable()) s.committer.join();
  try {
    std::lock_guard lock(s.write_mutex);
    s.CommitLocked();
    if (s.writer) s.writer->close();
    s.writer.reset();
    std::error_code ec;
    fs::remove(s.options.dir / "open.marker", ec);
  } catch (...) {
    // The marker stays: the next start treats the index as stale.
  }
}

bool Index::Replace(const Document& document) {
  State& s = *state_;
  std::lock_guard lock(s.write_mutex);
  const std::string id_term = IdTerm(document.id);
  const std::string fingerprint = Fingerprint(document);
  auto postings = s.writer->postlist_begin(id_term);
  if (postings != s.writer->postlist_end(id_term)) {
    Xapian::Document old = s.writer->get_document(*postings);
    if (old.get_value(kFingerprintSlot) == fingerprint) return false;
    RemoveSpelling(*s.writer, old);
  }
  Xapian::Document doc = s.maker->Make(document);
  AddSpelling(*s.writer, doc);
  s.writer->replace_document(id_term, doc);
  s.dirty = true;
  return true;
}

bool Index::Delete(std::string_view id) {
  State& s = *state_;
  std::lock_guard lock(s.write_mutex);
  const std::string id_term = IdTerm(id);
  auto postings = s.writer->postlist_begin(id_term);
  if (postings == s.writer->postlist_end(id_term)) return false;
  RemoveSpelling(*s.writer, s.writer->get_document(*postings));
  s.writer->delete_document(id_term);
  s.dirty = true;
  return true;
}

std::vector<std::string> Index::IdsWith(std::string_view field, std::string_view code) const {
  State& s = *state_;
  const std::string term = s.fields.ExactTerm(field, code);
  std::lock_guard lock(s.write_mutex);
  std::vector<std::string> ids;
  for (auto it = s.writer->postlist_begin(term); it != s.writer->postlist_end(term); ++it) {
    ids.push_back(s.writer->get_document(*it).get_value(kIdSlot));
  }
  return ids;
}

std::optional<std::string> Index::Data(std::string_view id) const {
  State& s = *state_;
  const std::string id_term = IdTerm(id);
  std::lock_guard lock(s.write_mutex);
  auto postings = s.writer->postlist_begin(id_term);
  if (postings == s.writer->postlist_end(id_term)) return std::nullopt;
  return s.writer->get_document(*postings).get_data();
}

void Index::SetMetadata(std::string_view key, std::string_view value) {
  if (key.empty() || key.size() > 200) throw std::invalid_argument("search: metadata key must be 1..200 bytes");
  State& s = *state_;
  std::lock_guard lock(s.write_mutex);
  s.writer->set_metadata(std::string(key), std::string(value));
  s.dirty = true;
}

std::string Index::Metadata(std::string_view key) const {
  if (key.empty() || key.size() > 200) throw std::invalid_argument("search: metadata key must be 1..200 bytes");
  State& s = *state_;
  std::lock_guard lock(s.write_mutex);
  return s.writer->get_metadata(std::string(key));
}

void Index::Commit() {
  std::lock_guard lock(state_->write_mutex);
  state_->CommitLocked();
}

std::uint64_t Index::generation() const {
  std::lock_guard lock(state_->write_mutex);
  return state_->generation;
}

void Index::SetSwapListener(std::function<void(std::int64_t)> listener) {
  std::lock_guard calling(state_->listener_call_mutex);
  std::lock_guard lock(state_->listener_mutex);
  state_->swap_listener = std::move(listener);
}

RebuildStats Index::RebuildAt(const IndexOptions& options, const FillFunction& fill) {
  FieldMap fields(options.schema);
  return BuildGeneration(options, fields, fill);
}

RebuildStats Index::Rebuild(const FillFunction& fill) {
  State& s = *state_;
  RebuildStats stats = BuildGeneration(s.options, s.fields, fill);
  if (auto built_from = s.FollowCurrent()) s.NotifySwap(*built_from);
  return stats;
}

// ---------------------------------------------------------------- reading

namespace {

// One thread's view of one Index: a Database reopened when the index's
// revision moves, and a QueryParser bound to it.
struct Reader {
  std::uint64_t instance = 0;
  std::uint64_t revision = 0;
  std::string path;
  Xapian::Database db;
  Xapian::QueryParser parser;
};

// Readers of Index objects that no longer exist linger until evicted; a
// process has one or two indexes, tests a handful.
constexpr std::size_t kMaxReadersPerThread = 8;
thread_local std::vector<std::unique_ptr<Reader>> t_readers;

}  // namespace

namespace {

Reader& ReaderFor(const Index& index, std::uint64_t instance, const std::string& language,
                  const std::function<std::string()>& live_path, std::uint64_t revision, bool force) {
  Reader* reader = nullptr;
  for (auto& r : t_readers) {
    if (r->instance == instance) reader = r.get();
  }
  if (!reader) {
    if (t_readers.size() >= kMaxReadersPerThread) t_readers.erase(t_readers.begin());
    auto fresh = std::make_unique<Reader>();
    fresh->instance = instance;
    fresh->parser.set_stemmer(MakeStem(language));
    fresh->parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    fresh->parser.set_default_op(Xapian::Query::OP_AND);
    fresh->parser.set_max_expansion(50, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                                    Xapian::QueryParser::FLAG_PARTIAL | Xapian::QueryParser::FLAG_WILDCARD);
    reader = fresh.get();
    t_readers.push_back(std::move(fresh));
  }
  if (force || reader->revision != revision) {
    std::string path = live_path();
    if (path != reader->path) {
      reader->db = Xapian::Database(path);
      reader->path = std::move(path);
      reader->parser.set_database(reader->db);
    } else {
      reader->db.reopen();
    }
    reader->revision = revision;
  }
  (void)index;
  return *reader;
}

Xapian::Query TextQuery(Reader& reader, const FieldMap& fields, const std::string& text, bool partial,
                        bool spelling, std::string* corrected) {
  std::string_view trimmed = text;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
  if (trimmed.empty()) return MatchAll();
  unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                   Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD;
  if (partial) flags |= Xapian::QueryParser::FLAG_PARTIAL;
  if (spelling) flags |= Xapian::QueryParser::FLAG_SPELLING_CORRECTION;
  Xapian::Query parsed;
  try {
    parsed = reader.parser.parse_query(text, flags);
  } catch (const Xapian::QueryParserError&) {
    // Unbalanced syntax ("AND", a lone quote): take the words literally.
    parsed = reader.parser.parse_query(text, spelling ? Xapian::QueryParser::FLAG_SPELLING_CORRECTION : 0);
  }
  if (spelling) *corrected = reader.parser.get_corrected_query_string();
  // Exact codes: a word that is a whole code of an exact field matches it
  // even when the parser split it into pieces.
  std::vector<Xapian::Query> exact;
  std::size_t start = 0;
  while (start < text.size()) {
    while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
    std::size_t end = start;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    if (end > start) {
      const std::string_view word(text.data() + start, end - start);
      for (const auto& field : fields.schema().exact) {
        std::string term = fields.ExactTerm(field, word);
        if (reader.db.term_exists(term)) exact.emplace_back(term);
      }
    }
    start = end;
  }
  if (parsed.empty()) parsed = exact.empty() ? MatchAll() : Xapian::Query();
  if (!exact.empty()) {
    exact.push_back(parsed);
    return Xapian::Query(Xapian::Query::OP_OR, exact.begin(), exact.end());
  }
  return parsed;
}

Xapian::Query FilterQuery(const FieldMap& fields, const Query& query) {
  std::map<std::string, std::vector<Xapian::Query>> by_field;
  for (const auto& [field, value] : query.filters) by_field[field].emplace_back(fields.FacetTerm(field, value));
  std::vector<Xapian::Query> parts;
  for (auto& [field, terms] : by_field) parts.emplace_back(Xapian::Query::OP_OR, terms.begin(), terms.end());
  for (const Range& range : query.ranges) {
    const auto slot = fields.NumberSlot(range.field);
    const auto lo = range.min ? Xapian::sortable_serialise(static_cast<double>(*range.min)) : std::string();
    const auto hi = range.max ? Xapian::sortable_serialise(static_cast<double>(*range.max)) : std::string();
    if (range.min && range.max) {
      parts.emplace_back(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
    } else if (range.min) {
      parts.emplace_back(Xapian::Query::OP_VALUE_GE, slot, lo);
    } else if (range.max) {
      parts.emplace_back(Xapian::Query::OP_VALUE_LE, slot, hi);
    }
  }
  if (parts.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

// The parser corrects no word it treats as a prefix, so a typo in the last
// word of a search-as-you-type query needs a second look without FLAG_PARTIAL.
std::string CorrectionOf(Reader& reader, const std::string& text) {
  try {
    reader.parser.parse_query(text, Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                                        Xapian::QueryParser::FLAG_LOVEHATE |
                                        Xapian::QueryParser::FLAG_SPELLING_CORRECTION);
  } catch (const Xapian::QueryParserError&) {
    return {};
  }
  std::string corrected = reader.parser.get_corrected_query_string();
  return corrected == text ? std::string() : corrected;
}

Results RunOnce(Reader& reader, const FieldMap& fields, const Query& query, const std::string& text,
                bool spelling) {
  Results results;
  std::string corrected;
  Xapian::Query q = TextQuery(reader, fields, text, query.partial_last_word && !text.empty() &&
                                                        !std::isspace(static_cast<unsigned char>(text.back())),
                              spelling, &corrected);
  Xapian::Query filter = FilterQuery(fields, query);
  if (!filter.empty()) q = Xapian::Query(Xapian::Query::OP_FILTER, q, filter);

  Xapian::Enquire enquire(reader.db);
  enquire.set_query(q);
  const bool no_text = text.find_first_not_of(" \t\r\n") == std::string::npos;
  switch (query.sort.order) {
    case SortOrder::kRelevance:
      if (!query.sort.field.empty()) {
        const auto slot = fields.NumberSlot(query.sort.field);
        if (no_text) {
          enquire.set_sort_by_value(slot, true);
        } else {
          enquire.set_sort_by_relevance_then_value(slot, true);
        }
      }
      break;
    case SortOrder::kAscending:
      enquire.set_sort_by_value_then_relevance(fields.NumberSlot(query.sort.field), false);
      break;
    case SortOrder::kDescending:
      enquire.set_sort_by_value_then_relevance(fields.NumberSlot(query.sort.field), true);
      break;
  }

  std::vector<Xapian::valueno> facet_slots;
  if (query.facets) {
    for (std::size_t i = 0; i < fields.schema().facets.size(); ++i) {
      facet_slots.push_back(static_cast<Xapian::valueno>(i));
    }
  }
  std::optional<Xapian::valueno> band_slot;
  if (query.bands) band_slot = fields.NumberSlot(query.bands->field);
  FacetSpy spy(std::move(facet_slots), band_slot, query.bands ? &query.bands->bounds : nullptr);
  const bool spying = query.facets || query.bands;
  if (spying) enquire.add_matchspy(&spy);

  // Examining every match makes totals and facet counts exact; an index of
  // a shop's products affords it.
  const Xapian::doccount everything = std::max<Xapian::doccount>(reader.db.get_doccount(), 1);
  Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(query.offset),
                                       static_cast<Xapian::doccount>(query.limit), everything);
  results.total = mset.get_matches_estimated();
  results.hits.reserve(mset.size());
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    Xapian::Document doc = it.get_document();
    results.hits.push_back(Hit{doc.get_value(kIdSlot), doc.get_data()});
  }
  if (query.facets) {
    for (std::size_t i = 0; i < fields.schema().facets.size(); ++i) {
      auto& counted = spy.counts()[i];
      std::vector<FacetCount> list;
      list.reserve(counted.size());
      for (auto& [value, count] : counted) list.push_back(FacetCount{value, count});
      std::sort(list.begin(), list.end(), [](const FacetCount& a, const FacetCount& b) {
        return a.count != b.count ? a.count > b.count : a.value < b.value;
      });
      results.facets.emplace(fields.schema().facets[i], std::move(list));
    }
  }
  if (query.bands) {
    const auto& bounds = query.bands->bounds;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      const std::size_t count = spy.band_counts()[i];
      if (count == 0) continue;
      BandCount band{.min = bounds[i], .max = std::nullopt, .count = count};
      if (i + 1 < bounds.size()) band.max = bounds[i + 1];
      results.bands.push_back(band);
    }
  }
  if (spelling && !corrected.empty() && corrected != text) results.did_you_mean = corrected;
  return results;
}

}  // namespace

Results Index::Search(const Query& query) const {
  const State& s = *state_;
  if (query.bands) {
    const auto& b = query.bands->bounds;
    for (std::size_t i = 1; i < b.size(); ++i) {
      if (b[i] <= b[i - 1]) throw std::invalid_argument("search: band bounds must increase");
    }
  }
  auto live_path = [&s] {
    std::lock_guard lock(s.path_mutex);
    return s.live_path;
  };
  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      Reader& reader = ReaderFor(*this, s.instance, s.options.language, live_path, revision(), attempt > 0);
      Results results = RunOnce(reader, s.fields, query, query.text, query.spelling);
      if (results.total == 0 && results.did_you_mean.empty() && query.spelling && !query.text.empty()) {
        results.did_you_mean = CorrectionOf(reader, query.text);
      }
      if (results.total == 0 && !results.did_you_mean.empty()) {
        Results retry = RunOnce(reader, s.fields, query, results.did_you_mean, false);
        retry.did_you_mean = results.did_you_mean;
        retry.corrected = true;
        return retry;
      }
      return results;
    } catch (const Xapian::DatabaseModifiedError& e) {
      // The writer committed twice while we read: reopen and run again.
      last_error = e.get_description();
    } catch (const Xapian::DatabaseOpeningError& e) {
      // A generation removed under a slow reader: reopen the live one.
      last_error = e.get_description();
    } catch (const Xapian::InvalidArgumentError& e) {
      throw std::invalid_argument("search: " + e.get_msg());
    } catch (const Xapian::Error& e) {
      throw IndexError("search index: " + e.get_description());
    }
  }
  throw IndexError("search index: " + last_error);
}

std::size_t Index::size() const {
  const State& s = *state_;
  std::string path;
  {
    std::lock_guard lock(s.path_mutex);
    path = s.live_path;
  }
  try {
    return Xapian::Database(path).get_doccount();
  } catch (const Xapian::Error& e) {
    throw IndexError("search index: " + e.get_description());
  }
}

// ---------------------------------------------------------------- cursors

std::uint64_t QueryFingerprint(const Query& query) {
  FieldHash hash;
  auto mix = [&hash](std::string_view s) { hash.Mix(s); };
  mix(query.text);
  auto filters = query.filters;
  std::sort(filters.begin(), filters.end());
  for (const auto& [f, v] : filters) {
    mix(f);
    mix(v);
  }
  for (const auto& r : query.ranges) {
    mix(r.field);
    mix(r.min ? std::to_string(*r.min) : "-");
    mix(r.max ? std::to_string(*r.max) : "-");
  }
  mix(std::to_string(static_cast<int>(query.sort.order)));
  mix(query.sort.field);
  return hash.value();
}

std::string EncodeCursor(std::size_t offset, std::uint64_t fingerprint) {
  return crypto::Base64UrlEncode(fmt::format("o{}.{:016x}", offset, fingerprint));
}

std::optional<std::size_t> DecodeCursor(std::string_view cursor, std::uint64_t fingerprint, std::size_t max_offset) {
  if (cursor.empty() || cursor.size() > 64) return std::nullopt;
  auto raw = crypto::Base64UrlDecode(cursor);
  if (!raw || raw->size() < 4 || (*raw)[0] != 'o') return std::nullopt;
  const auto dot = raw->find('.');
  if (dot == std::string::npos || dot == 1 || dot > 11) return std::nullopt;
  std::size_t offset = 0;
  for (std::size_t i = 1; i < dot; ++i) {
    const char c = (*raw)[i];
    if (c < '0' || c > '9') return std::nullopt;
    offset = offset * 10 + static_cast<std::size_t>(c - '0');
  }
  if (offset == 0 || offset > max_offset) return std::nullopt;
  if (raw->substr(dot + 1) != fmt::format("{:016x}", fingerprint)) return std::nullopt;
  return offset;
}

}  // namespace shop::platform::search
