#include "platform/http/static_files.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

using namespace shop::platform::http;
namespace fs = std::filesystem;

namespace {

struct TempTree {
  fs::path root;
  TempTree() {
    root = fs::temp_directory_path() / ("shop_static_" + std::to_string(std::random_device{}()));
    fs::create_directories(root / "static" / "css");
    Write("static/css/site.css", "body{color:red}");
    Write("static/app.js", "console.log(1)");
    Write("static/.env", "SECRET=1");
    Write("outside.txt", "not public");
  }
  ~TempTree() { fs::remove_all(root); }
  void Write(const std::string& rel, const std::string& content) const {
    std::ofstream(root / rel, std::ios::binary | std::ios::trunc) << content;
  }
};

Response Get(Router& router, const std::string& path, const std::string& if_none_match = "") {
  Request request;
  request.path = path;
  if (!if_none_match.empty()) request.headers.Add("If-None-Match", if_none_match);
  RouteMatch match = router.Find(Method::kGet, path);
  if (match.kind != RouteMatch::Kind::kFound) return Response::Text(404, "unrouted");
  request.path_params = std::move(match.params);
  return match.route->handler(request);
}

}  // namespace

TEST_CASE("static files: content type, ETag, Cache-Control and 304") {
  TempTree tree;
  StaticFiles files(tree.root / "static", StaticFilesOptions{.max_age = std::chrono::seconds(600)});
  Router router;
  files.Register(router, "/static/");

  const Response first = Get(router, "/static/css/site.css");
  CHECK(first.status == 200);
  CHECK(first.body == "body{color:red}");
  CHECK(first.headers.Get("Content-Type") == "text/css; charset=utf-8");
  CHECK(first.headers.Get("Cache-Control") == "public, max-age=600");
  const std::string etag(first.headers.Get("ETag").value_or(""));
  REQUIRE(etag.size() > 2);
  CHECK(etag.front() == '"');
  CHECK(etag.back() == '"');

  const Response again = Get(router, "/static/css/site.css");
  CHECK(again.headers.Get("ETag") == etag);  // stable for the same content

  const Response not_modified = Get(router, "/static/css/site.css", etag);
  CHECK(not_modified.status == 304);
  CHECK(not_modified.body.empty());
  CHECK(not_modified.headers.Get("ETag") == etag);
  CHECK(Get(router, "/static/css/site.css", "\"other\", W/" + etag).status == 304);
  CHECK(Get(router, "/static/css/site.css", "*").status == 304);
  CHECK(Get(router, "/static/css/site.css", "\"other\"").status == 200);

  CHECK(Get(router, "/static/app.js").headers.Get("Content-Type") == "text/javascript; charset=utf-8");
}

TEST_CASE("static files: a changed file is re-read with a new ETag") {
  TempTree tree;
  StaticFiles files(tree.root / "static");
  Router router;
  files.Register(router, "/static");
  const Response before = Get(router, "/static/css/site.css");
  tree.Write("static/css/site.css", "body{color:blue;margin:0}");
  // Make sure the mtime moves even on coarse-grained filesystems.
  fs::last_write_time(tree.root / "static/css/site.css",
                      fs::last_write_time(tree.root / "static/css/site.css") + std::chrono::seconds(2));
  const Response after = Get(router, "/static/css/site.css");
  CHECK(after.body == "body{color:blue;margin:0}");
  CHECK(after.headers.Get("ETag") != before.headers.Get("ETag"));
}

TEST_CASE("static files: traversal, hidden files, directories and missing files are 404") {
  TempTree tree;
  StaticFiles files(tree.root / "static");
  Router router;
  files.Register(router, "/static/");
  for (const std::string path :
       {"/static/../outside.txt", "/static/css/../../outside.txt", "/static/.env", "/static/css",
        "/static/missing.css", "/static/css//site.css", "/static/./css/site.css"}) {
    CAPTURE(path);
    CHECK(Get(router, path).status == 404);
  }
  // What the server hands over after percent-decoding "..%2f" and "%00".
  const auto encoded = PercentDecode("/static/..%2foutside.txt", false);
  CHECK(Get(router, *encoded).status == 404);
  CHECK(Get(router, std::string("/static/css/site.css\0.png", 25)).status == 404);

  Request request;
  CHECK(files.Serve(request, "/etc/passwd").status == 404);
  CHECK(files.Serve(request, (tree.root / "outside.txt").string()).status == 404);
  CHECK(files.Serve(request, "css\\..\\..\\outside.txt").status == 404);
  const Response problem = files.Serve(request, "../outside.txt");
  CHECK(problem.headers.Get("Content-Type") == "application/problem+json");
}

TEST_CASE("static files: a symlink leaving the root is refused") {
  TempTree tree;
  std::error_code ec;
  fs::create_symlink(tree.root / "outside.txt", tree.root / "static" / "link.txt", ec);
  if (ec) return;  // filesystems without symlinks have nothing to test here
  StaticFiles files(tree.root / "static");
  Request request;
  CHECK(files.Serve(request, "link.txt").status == 404);
}

TEST_CASE("static files: content types and path safety helpers") {
  CHECK(StaticFiles::ContentTypeFor("a/b.svg") == "image/svg+xml");
  CHECK(StaticFiles::ContentTypeFor("x.PNG") == "image/png");
  CHECK(StaticFiles::ContentTypeFor("font.woff2") == "font/woff2");
  CHECK(StaticFiles::ContentTypeFor("photo.jpg") == "image/jpeg");
  CHECK(StaticFiles::ContentTypeFor("i.webp") == "image/webp");
  CHECK(StaticFiles::ContentTypeFor("favicon.ico") == "image/x-icon");
  CHECK(StaticFiles::ContentTypeFor("data.json") == "application/json");
  CHECK(StaticFiles::ContentTypeFor("page.html") == "text/html; charset=utf-8");
  CHECK(StaticFiles::ContentTypeFor("robots.txt") == "text/plain; charset=utf-8");
  CHECK(StaticFiles::ContentTypeFor("dir.d/noext") == "application/octet-stream");
  CHECK(StaticFiles::IsSafeRelativePath("css/site.css"));
  CHECK_FALSE(StaticFiles::IsSafeRelativePath(""));
  CHECK_FALSE(StaticFiles::IsSafeRelativePath("../x"));
  CHECK_FALSE(StaticFiles::IsSafeRelativePath("a/../../x"));
  CHECK_FALSE(StaticFiles::IsSafeRelativePath("a/./x"));
  CHECK_FALSE(StaticFiles::IsSafeRelativePath("/abs"));
  CHECK_FALSE(StaticFiles::IsSafeRelativePath("a//b"));
  CHECK_FALSE(StaticFiles::IsSafeRelativePath("a/"));
}

TEST_CASE("static files: a bad prefix is refused") {
  StaticFiles files("/nonexistent");
  Router router;
  CHECK_THROWS_AS(files.Register(router, "static"), std::invalid_argument);
  Request request;
  CHECK(files.Serve(request, "x.css").status == 404);
}
