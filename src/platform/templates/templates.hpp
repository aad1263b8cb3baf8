#pragma once
/// Server-rendered pages (DESIGN §6): Mustache templates from web/templates,
/// each page rendered into the base layout (layout.mustache, which places the
/// page with {{{content}}}). Files under partials/ are available to every
/// template as {{> name}}. Values are HTML-escaped unless a template uses
/// triple braces. Template data is plain JSON so callers need no Mustache types.
/// Thread-safe: each thread keeps its own compiled copies.

#include <boost/json/value.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shop::platform::templates {

/// A template that is missing or does not parse; a deployment bug.
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Templates {
 public:
  /// Loads every *.mustache under `dir` and checks that each one parses.
  /// `reload` re-reads files whose modification time changed (development).
  /// Throws TemplateError on a missing directory, a missing layout or a parse error.
  Templates(std::filesystem::path dir, bool reload);

  /// Renders template `name` ("home" → home.mustache) with `data`. Throws
  /// TemplateError for an unknown name.
  std::string Render(std::string_view name, const boost::json::value& data) const;

  /// Renders page `name`, then the layout with the same data plus
  /// `content` = the page's HTML. `data` must be an object.
  std::string RenderPage(std::string_view name, const boost::json::object& data) const;

 private:
  struct Source {
    std::string text;
    std::filesystem::file_time_type mtime;
  };
  void LoadAll();
  void ReloadChanged() const;
  std::string SourceOf(std::string_view name, std::uint64_t* generation) const;
  std::string ExpandedSourceOf(std::string_view name, std::uint64_t* generation) const;

  std::filesystem::path dir_;
  bool reload_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, Source, std::less<>> sources_;
  mutable std::atomic<std::uint64_t> generation_{0};
  mutable std::atomic<std::int64_t> next_reload_check_{0};  ///< steady-clock ticks
  std::uint64_t instance_id_;
};

}  // namespace shop::platform::templates
