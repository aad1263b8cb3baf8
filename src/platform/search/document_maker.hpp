#pragma once
// Turns a search::Document into a Xapian::Document under a Schema: which
// terms and value slots each field becomes. Shared by the live writer and
// the rebuild builder so both index exactly alike. Internal to platform/search.

#include "platform/search/types.hpp"

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shop::platform::search::detail {

// Value slots: facets 0.., numbers from 100, then bookkeeping.
inline constexpr Xapian::valueno kNumberSlotBase = 100;
inline constexpr Xapian::valueno kIdSlot = 200;
inline constexpr Xapian::valueno kFingerprintSlot = 201;
// Separates several values of one facet in its slot.
inline constexpr char kValueSeparator = '\x1f';

class FieldMap {
 public:
  explicit FieldMap(const Schema& schema);
  /// Throw std::invalid_argument for an unknown field.
  Xapian::valueno FacetSlot(std::string_view field) const;
  Xapian::valueno NumberSlot(std::string_view field) const;
  std::string FacetTerm(std::string_view field, std::string_view value) const;
  std::string ExactTerm(std::string_view field, std::string_view code) const;
  const Schema& schema() const { return schema_; }

 private:
  std::size_t IndexOf(const std::vector<std::string>& names, std::string_view field, const char* kind) const;
  Schema schema_;
};

/// "Q" + id: the unique id term replace_document() keys on.
std::string IdTerm(std::string_view id);

class DocumentMaker {
 public:
  DocumentMaker(const FieldMap& fields, const Xapian::Stem& stem);
  /// The Xapian document for `document`. Throws std::invalid_argument for a
  /// bad id or an unknown field.
  Xapian::Document Make(const Document& document);

 private:
  const FieldMap& fields_;
  Xapian::TermGenerator generator_;
};

/// A stable hash of everything a document holds, hex: equal fingerprints
/// mean an identical stored document.
std::string Fingerprint(const Document& document);

/// FNV-1a over a sequence of strings, each followed by a separator byte, so
/// ("ab", "c") and ("a", "bc") differ. For change detection and cursor
/// fingerprints, not security.
class FieldHash {
 public:
  void Mix(std::string_view s) {
    for (unsigned char c : s) Step(c);
    Step(0xff);
  }
  std::uint64_t value() const { return h_; }

 private:
  void Step(unsigned char c) {
    h_ ^= c;
    h_ *= 1099511628211ULL;
  }
  std::uint64_t h_ = 1469598103934665603ULL;
};

/// The words of `doc` that feed spelling correction: its unprefixed,
/// unstemmed terms that contain a letter.
std::vector<std::string> SpellingWords(const Xapian::Document& doc);

}  // namespace shop::platform::search::detail
