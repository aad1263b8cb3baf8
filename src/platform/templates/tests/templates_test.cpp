#include "platform/templates/templates.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
using shop::platform::templates::TemplateError;
using shop::platform::templates::Templates;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("shopd-tpl-" + std::to_string(std::random_device{}()));
    fs::create_directories(path / "partials");
  }
  ~TempDir() { fs::remove_all(path); }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
};

}  // namespace

TEST_CASE("a page renders inside the layout with escaped values and partials") {
  TempDir dir;
  dir.Write("layout.mustache", "<title>{{title}}</title>{{> nav}}<main>{{{content}}}</main>");
  dir.Write("partials/nav.mustache", "<nav>{{shop_name}}</nav>");
  dir.Write("home.mustache", "<h1>{{shop_name}}</h1>{{#items}}<li>{{.}}</li>{{/items}}");
  Templates templates(dir.path, false);
  boost::json::object data{{"title", "Home"}, {"shop_name", "A&B <shop>"}, {"items", {"x", "y"}}};
  std::string html = templates.RenderPage("home", data);
  CHECK(html ==
        "<title>Home</title><nav>A&amp;B &lt;shop&gt;</nav><main><h1>A&amp;B &lt;shop&gt;</h1>"
        "<li>x</li><li>y</li></main>");
}

TEST_CASE("missing layout, unknown template and a broken template are errors") {
  TempDir dir;
  dir.Write("home.mustache", "x");
  CHECK_THROWS_AS(Templates(dir.path, false), TemplateError);
  dir.Write("layout.mustache", "{{{content}}}");
  Templates ok(dir.path, false);
  CHECK_THROWS_AS(ok.Render("nope", boost::json::object{}), TemplateError);
  dir.Write("broken.mustache", "{{#open}}never closed");
  CHECK_THROWS_AS(Templates(dir.path, false), TemplateError);
}

TEST_CASE("reload picks up an edited template") {
  TempDir dir;
  dir.Write("layout.mustache", "{{{content}}}");
  dir.Write("home.mustache", "one");
  Templates templates(dir.path, true);
  CHECK(templates.RenderPage("home", {}) == "one");
  dir.Write("home.mustache", "two");
  fs::last_write_time(dir.path / "home.mustache",
                      fs::last_write_time(dir.path / "home.mustache") + std::chrono::seconds(2));
  // Files are checked at most every 250 ms.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(templates.RenderPage("home", {}) == "two");
}

TEST_CASE("partials are inlined, nested partials too, and an edited partial is reloaded") {
  TempDir dir;
  dir.Write("layout.mustache", "[{{> header}}]{{{content}}}");
  dir.Write("partials/header.mustache", "<h>{{>logo}}</h>");
  dir.Write("partials/logo.mustache", "{{shop_name}}");
  dir.Write("home.mustache", "{{#items}}{{> logo}};{{/items}}");
  Templates templates(dir.path, true);
  boost::json::object data{{"shop_name", "Shop & Co"}, {"items", boost::json::array{1, 2}}};
  CHECK(templates.RenderPage("home", data) == "[<h>Shop &amp; Co</h>]Shop &amp; Co;Shop &amp; Co;");
  dir.Write("partials/logo.mustache", "L");
  fs::last_write_time(dir.path / "partials/logo.mustache",
                      fs::last_write_time(dir.path / "partials/logo.mustache") + std::chrono::seconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(templates.RenderPage("home", data) == "[<h>L</h>]L;L;");
}
