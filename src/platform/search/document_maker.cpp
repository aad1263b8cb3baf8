#include "platform/search/document_maker.hpp"

#include <fmt/format.h>

#include <cctype>
#include <stdexcept>

namespace shop::platform::search::detail {
namespace {

// Xapian refuses terms longer than 245 bytes; facet values and codes are
// short, so clipping only ever guards against garbage.
constexpr std::size_t kMaxTermBytes = 240;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Clip(std::string term) {
  if (term.size() > kMaxTermBytes) term.resize(kMaxTermBytes);
  return term;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

FieldMap::FieldMap(const Schema& schema) : schema_(schema) {
  if (schema_.facets.size() >= kNumberSlotBase) throw std::invalid_argument("search: too many facet fields");
}

std::size_t FieldMap::IndexOf(const std::vector<std::string>& names, std::string_view field, const char* kind) const {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == field) return i;
  }
  throw std::invalid_argument(fmt::format("search: '{}' is not a {} field of the schema", field, kind));
}

Xapian::valueno FieldMap::FacetSlot(std::string_view field) const {
  return static_cast<Xapian::valueno>(IndexOf(schema_.facets, field, "facet"));
}

Xapian::valueno FieldMap::NumberSlot(std::string_view field) const {
  return kNumberSlotBase + static_cast<Xapian::valueno>(IndexOf(schema_.numbers, field, "number"));
}

std::string FieldMap::FacetTerm(std::string_view field, std::string_view value) const {
  IndexOf(schema_.facets, field, "facet");
  return Clip(fmt::format("XF{}:{}", Upper(field), value));
}

std::string FieldMap::ExactTerm(std::string_view field, std::string_view code) const {
  IndexOf(schema_.exact, field, "exact");
  return Clip(fmt::format("XE{}:{}", Upper(field), Lower(code)));
}

std::string IdTerm(std::string_view id) { return "Q" + std::string(id); }

DocumentMaker::DocumentMaker(const FieldMap& fields, const Xapian::Stem& stem) : fields_(fields) {
  generator_.set_stemmer(stem);
  generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
}

Xapian::Document DocumentMaker::Make(const Document& document) {
  if (document.id.empty() || document.id.size() > 200) {
    throw std::invalid_argument("search: a document id must be 1..200 bytes");
  }
  Xapian::Document doc;
  generator_.set_document(doc);
  for (const TextField& field : document.text) {
    if (field.text.empty() || field.weight == 0) continue;
    generator_.index_text(field.text, field.weight);
    // A gap so a phrase never matches across the end of one field and the start of the next.
    generator_.increase_termpos(100);
  }
  for (const auto& [field, code] : document.exact) {
    if (code.empty()) continue;
    // The code's pieces as words too ("TS-001" also finds "ts 001"), and the
    // whole code as one term, weighted so an exact code ranks first.
    generator_.index_text(code, 1);
    generator_.increase_termpos(100);
    doc.add_term(fields_.ExactTerm(field, code), 5);
  }
  std::vector<std::string> joined(fields_.schema().facets.size());
  std::vector<bool> has(fields_.schema().facets.size(), false);
  for (const auto& [field, value] : document.facets) {
    const auto slot = fields_.FacetSlot(field);
    doc.add_boolean_term(fields_.FacetTerm(field, value));
    if (has[slot]) joined[slot] += kValueSeparator;
    joined[slot] += value;
    has[slot] = true;
  }
  for (std::size_t slot = 0; slot < joined.size(); ++slot) {
    if (has[slot]) doc.add_value(static_cast<Xapian::valueno>(slot), joined[slot]);
  }
  for (const auto& [field, value] : document.numbers) {
    doc.add_value(fields_.NumberSlot(field), Xapian::sortable_serialise(static_cast<double>(value)));
  }
  doc.add_boolean_term(IdTerm(document.id));
  doc.add_value(kIdSlot, document.id);
  doc.add_value(kFingerprintSlot, Fingerprint(document));
  doc.set_data(document.data);
  return doc;
}

std::string Fingerprint(const Document& document) {
  FieldHash hash;
  auto mix = [&hash](std::string_view s) { hash.Mix(s); };
  mix(document.id);
  for (const auto& t : document.text) {
    mix(t.text);
    mix(std::to_string(t.weight));
  }
  for (const auto& [f, v] : document.facets) {
    mix(f);
    mix(v);
  }
  for (const auto& [f, v] : document.numbers) {
    mix(f);
    mix(std::to_string(v));
  }
  for (const auto& [f, v] : document.exact) {
    mix(f);
    mix(v);
  }
  mix(document.data);
  return fmt::format("{:016x}", hash.value());
}

std::vector<std::string> SpellingWords(const Xapian::Document& doc) {
  std::vector<std::string> words;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string& term = *it;
    if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z')) continue;  // prefixed or stemmed
    if (term.size() < 3) continue;
    bool letter = false;
    for (unsigned char c : term) letter = letter || std::isalpha(c) || c >= 0x80;
    if (letter) words.push_back(term);
  }
  return words;
}

}  // namespace shop::platform::search::detail
