#include "platform/templates/templates.hpp"

#include <kainjow/mustache.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <unordered_map>

namespace shop::platform::templates {
namespace {

namespace mstch = kainjow::mustache;
namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TemplateError("cannot read template " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mstch::data ToMustache(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      mstch::data out{mstch::data::type::object};
      for (const auto& [k, child] : v.get_object()) out.set(std::string(k), ToMustache(child));
      return out;
    }
    case boost::json::kind::array: {
      mstch::data out{mstch::data::type::list};
      for (const auto& child : v.get_array()) out.push_back(ToMustache(child));
      return out;
    }
    case boost::json::kind::string: return mstch::data(std::string(v.get_string()));
    case boost::json::kind::bool_: return mstch::data(v.get_bool());
    case boost::json::kind::int64: return mstch::data(std::to_string(v.get_int64()));
    case boost::json::kind::uint64: return mstch::data(std::to_string(v.get_uint64()));
    case boost::json::kind::double_: return mstch::data(boost::json::serialize(v));
    case boost::json::kind::null: return mstch::data(false);
  }
  return mstch::data(false);
}

// kainjow's render() mutates the template's context, so one compiled copy
// cannot be shared across threads. Each thread compiles a template once per
// source generation and reuses it.
struct Compiled {
  std::uint64_t generation = 0;
  std::unique_ptr<mstch::mustache> tmpl;
};
thread_local std::unordered_map<std::string, Compiled> t_cache;

std::uint64_t NextInstanceId() {
  static std::atomic<std::uint64_t> next{1};
  return next++;
}

}  // namespace

Templates::Templates(fs::path dir, bool reload)
    : dir_(std::move(dir)), reload_(reload), instance_id_(NextInstanceId()) {
  if (!fs::is_directory(dir_)) throw TemplateError("template directory not found: " + dir_.string());
  LoadAll();
  if (sources_.find("layout") == sources_.end()) {
    throw TemplateError("layout.mustache missing in " + dir_.string());
  }
}

void Templates::LoadAll() {
  std::map<std::string, Source, std::less<>> loaded;
  for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".mustache") continue;
    std::string name = fs::relative(entry.path(), dir_).replace_extension().generic_string();
    std::string text = ReadFile(entry.path());
    mstch::mustache check(text);
    if (!check.is_valid()) {
      throw TemplateError(entry.path().string() + ": " + check.error_message());
    }
    loaded[name] = Source{std::move(text), entry.last_write_time()};
  }
  std::lock_guard lock(mutex_);
  sources_ = std::move(loaded);
  ++generation_;
}

void Templates::ReloadChanged() const {
  std::lock_guard lock(mutex_);
  bool changed = false;
  for (auto& [name, source] : sources_) {
    fs::path path = dir_ / (name + ".mustache");
    std::error_code ec;
    auto mtime = fs::last_write_time(path, ec);
    if (ec || mtime == source.mtime) continue;
    source.text = ReadFile(path);
    source.mtime = mtime;
    changed = true;
  }
  if (changed) ++generation_;
}

std::string Templates::SourceOf(std::string_view name, std::uint64_t* generation) const {
  std::lock_guard lock(mutex_);
  auto it = sources_.find(name);
  if (it == sources_.end()) throw TemplateError("unknown template: " + std::string(name));
  *generation = generation_;
  return it->second.text;
}

// Partials are inlined into the source before it is compiled, so a render
// never parses a partial again (kainjow parses a partial's text at every
// use). Mustache partials are textual inclusion; the only difference is the
// re-indentation of standalone partial lines, which HTML does not notice.
std::string Templates::ExpandedSourceOf(std::string_view name, std::uint64_t* generation) const {
  static const std::regex kPartial(R"(\{\{>\s*([^}\s]+)\s*\}\})");
  std::string text = SourceOf(name, generation);
  for (int depth = 0; depth < 8; ++depth) {
    std::string out;
    bool replaced = false;
    auto begin = std::sregex_iterator(text.begin(), text.end(), kPartial);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      std::uint64_t ignored = 0;
      out.append(text, last, static_cast<std::size_t>(it->position()) - last);
      out += SourceOf("partials/" + (*it)[1].str(), &ignored);
      last = static_cast<std::size_t>(it->position() + it->length());
      replaced = true;
    }
    if (!replaced) return text;
    out.append(text, last, std::string::npos);
    text = std::move(out);
  }
  throw TemplateError(std::string(name) + ": partials nested more than 8 deep");
}

std::string Templates::Render(std::string_view name, const boost::json::value& data) const {
  if (reload_) {
    // At most a few checks a second: each one stats every template file.
    using Clock = std::chrono::steady_clock;
    const auto now = Clock::now().time_since_epoch().count();
    auto due = next_reload_check_.load(std::memory_order_relaxed);
    if (now >= due && next_reload_check_.compare_exchange_strong(
                          due, now + std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(250)).count())) {
      ReloadChanged();
    }
  }
  std::uint64_t generation = generation_.load();
  std::string key = std::to_string(instance_id_) + ':' + std::string(name);
  Compiled& compiled = t_cache[key];
  if (!compiled.tmpl || compiled.generation != generation) {
    std::string source = ExpandedSourceOf(name, &generation);
    compiled.tmpl = std::make_unique<mstch::mustache>(source);
    compiled.generation = generation;
    if (!compiled.tmpl->is_valid()) {
      std::string error = compiled.tmpl->error_message();
      compiled.tmpl.reset();
      throw TemplateError(std::string(name) + ": " + error);
    }
  }
  mstch::data context = ToMustache(data);
  return compiled.tmpl->render(context);
}

std::string Templates::RenderPage(std::string_view name, const boost::json::object& data) const {
  boost::json::object layout_data = data;
  layout_data["content"] = Render(name, data);
  return Render("layout", layout_data);
}

}  // namespace shop::platform::templates
