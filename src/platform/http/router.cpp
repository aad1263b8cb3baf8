#include "platform/http/router.hpp"

#include <array>
#include <map>
#include <stdexcept>

namespace shop::platform::http {

namespace {

constexpr std::size_t kMethodSlots = 8;  // every Method enumerator

constexpr std::array<Method, 7> kAllowOrder{Method::kGet,   Method::kHead,   Method::kPost,   Method::kPut,
                                            Method::kPatch, Method::kDelete, Method::kOptions};

std::size_t Slot(Method method) { return static_cast<std::size_t>(method); }

bool IsParamNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

[[noreturn]] void Malformed(std::string_view pattern, std::string_view why) {
  throw std::invalid_argument("route pattern \"" + std::string(pattern) + "\": " + std::string(why));
}

// Splits "/a/{b}/c" into ["a", "{b}", "c"]; "/" has no segments.
std::vector<std::string_view> PatternSegments(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') Malformed(pattern, "must start with '/'");
  std::vector<std::string_view> segments;
  if (pattern == "/") return segments;
  std::string_view rest = pattern.substr(1);
  for (;;) {
    const auto slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (segment.empty()) Malformed(pattern, "empty segment (no '//' and no trailing '/')");
    segments.push_back(segment);
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return segments;
}

struct Terminal {
  std::array<const Route*, kMethodSlots> routes{};
  /// Parameter names per method, in path order; values are captured by position.
  std::array<std::vector<std::string>, kMethodSlots> names;

  /// The slot answering `method`: HEAD falls back to GET. kMethodSlots if none.
  std::size_t Pick(Method method) const {
    if (routes[Slot(method)]) return Slot(method);
    if (method == Method::kHead && routes[Slot(Method::kGet)]) return Slot(Method::kGet);
    return kMethodSlots;
  }
  void CollectAllowed(std::array<bool, kMethodSlots>& allowed) const {
    for (std::size_t i = 0; i < kMethodSlots; ++i) allowed[i] = allowed[i] || routes[i] != nullptr;
    if (routes[Slot(Method::kGet)]) allowed[Slot(Method::kHead)] = true;
  }
};

/// State of one Find(): the captured values and, for a 405, who would have answered.
struct Search {
  Method method;
  std::string_view path;
  std::vector<std::string_view> values;
  std::array<bool, kMethodSlots> allowed{};
  bool path_matched = false;
};

}  // namespace

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;     // one "{name}" segment
  std::unique_ptr<Terminal> tail;  // "{name...}": the rest of the path
  Terminal terminal;               // routes ending exactly here

  // Depth-first in priority order (literal, {param}, {tail...}); the first
  // terminal offering the method wins, so a literal beats a parameter only
  // where both could answer. `pos` indexes the path just after a '/', or
  // equals path.size() once every segment is consumed.
  bool Match(std::size_t pos, Search& s, RouteMatch& out) const {
    if (pos > s.path.size()) return Accept(terminal, s, out);
    const auto slash = s.path.find('/', pos);
    const std::size_t end = slash == std::string_view::npos ? s.path.size() : slash;
    const std::string_view segment = s.path.substr(pos, end - pos);
    // The position after this segment: past its '/', or one past the end when it was the last.
    const std::size_t next = slash == std::string_view::npos ? s.path.size() + 1 : slash + 1;

    if (auto it = literals.find(segment); it != literals.end()) {
      if (it->second->Match(next, s, out)) return true;
    }
    if (param && !segment.empty()) {
      s.values.push_back(segment);
      if (param->Match(next, s, out)) return true;
      s.values.pop_back();
    }
    if (tail && pos < s.path.size()) {
      s.values.push_back(s.path.substr(pos));
      if (Accept(*tail, s, out)) return true;
      s.values.pop_back();
    }
    return false;
  }

  static bool Accept(const Terminal& t, Search& s, RouteMatch& out) {
    const std::size_t slot = t.Pick(s.method);
    if (slot == kMethodSlots) {
      s.path_matched = s.path_matched || t.routes != decltype(t.routes){};
      t.CollectAllowed(s.allowed);
      return false;
    }
    out.kind = RouteMatch::Kind::kFound;
    out.route = t.routes[slot];
    const auto& names = t.names[slot];
    out.params.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) out.params.emplace_back(names[i], s.values[i]);
    return true;
  }
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

void Router::Add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
  if (method == Method::kOther) Malformed(pattern, "a route needs a known method");
  if (!handler) Malformed(pattern, "handler is empty");

  Node* node = root_.get();
  Terminal* terminal = nullptr;
  std::vector<std::string> names;
  const auto segments = PatternSegments(pattern);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    std::string_view segment = segments[i];
    if (segment.front() != '{') {
      if (segment.find_first_of("{}") != std::string_view::npos) {
        Malformed(pattern, "braces must enclose a whole segment");
      }
      auto it = node->literals.find(segment);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(segment), std::make_unique<Node>()).first;
      }
      node = it->second.get();
      continue;
    }
    if (segment.back() != '}') Malformed(pattern, "braces must enclose a whole segment");
    std::string_view name = segment.substr(1, segment.size() - 2);
    const bool is_tail = name.ends_with("...");
    if (is_tail) name.remove_suffix(3);
    if (name.empty()) Malformed(pattern, "empty parameter name");
    for (char c : name) {
      if (!IsParamNameChar(c)) Malformed(pattern, "parameter names are [A-Za-z0-9_]+");
    }
    for (const auto& existing : names) {
      if (existing == name) Malformed(pattern, "parameter name used twice");
    }
    names.emplace_back(name);
    if (is_tail) {
      if (i + 1 != segments.size()) Malformed(pattern, "{name...} must be the last segment");
      if (!node->tail) node->tail = std::make_unique<Terminal>();
      terminal = node->tail.get();
      break;
    }
    if (!node->param) node->param = std::make_unique<Node>();
    node = node->param.get();
  }
  if (!terminal) terminal = &node->terminal;

  if (const Route* existing = terminal->routes[Slot(method)]) {
    throw std::invalid_argument("duplicate route " + std::string(MethodName(method)) + " " +
                                std::string(pattern) + " (same shape as " + existing->pattern + ")");
  }
  auto route = std::make_unique<Route>();
  route->method = method;
  route->pattern = std::string(pattern);
  route->handler = std::move(handler);
  route->options = options;
  route->index = routes_.size();
  terminal->routes[Slot(method)] = route.get();
  terminal->names[Slot(method)] = std::move(names);
  routes_.push_back(std::move(route));
}

RouteMatch Router::Find(Method method, std::string_view path) const {
  RouteMatch match;
  if (path.empty() || path.front() != '/') return match;
  Search search{method, path, {}, {}, false};
  // "/" consumes nothing: the root's own terminal. Otherwise start after the leading '/'.
  const bool found =
      path.size() == 1 ? Node::Accept(root_->terminal, search, match) : root_->Match(1, search, match);
  if (found || !search.path_matched) return match;
  match.kind = RouteMatch::Kind::kMethodNotAllowed;
  for (Method m : kAllowOrder) {
    if (search.allowed[Slot(m)]) match.allowed.push_back(m);
  }
  return match;
}

}  // namespace shop::platform::http
