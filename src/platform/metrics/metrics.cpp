#include "platform/metrics/metrics.hpp"

#include <fmt/format.h>

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace shop::platform::metrics {
namespace {

void AppendEscapedLabel(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
}

void AppendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string_view extra_name = {},
                  std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out.push_back('{');
  bool first = true;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!first) out.push_back(',');
    first = false;
    out += names[i];
    out += "=\"";
    AppendEscapedLabel(out, values[i]);
    out.push_back('"');
  }
  if (!extra_name.empty()) {
    if (!first) out.push_back(',');
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out.push_back('"');
  }
  out.push_back('}');
}

void AppendValue(std::string& out, double v) {
  if (v == static_cast<double>(static_cast<std::int64_t>(v))) {
    fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int64_t>(v));
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

void AppendHeader(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::BucketCounts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<double> DefaultDurationBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void Registry::Reserve(const std::string& name) {
  if (std::find(names_.begin(), names_.end(), name) != names_.end()) {
    throw std::invalid_argument("metric registered twice: " + name);
  }
  names_.push_back(name);
}

Family<Counter>& Registry::AddCounter(std::string name, std::string help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  Reserve(name);
  counters_.push_back(std::make_unique<Family<Counter>>(std::move(name), std::move(help), std::move(labels),
                                                        [] { return std::make_unique<Counter>(); }));
  return *counters_.back();
}

Family<Gauge>& Registry::AddGauge(std::string name, std::string help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  Reserve(name);
  gauges_.push_back(std::make_unique<Family<Gauge>>(std::move(name), std::move(help), std::move(labels),
                                                    [] { return std::make_unique<Gauge>(); }));
  return *gauges_.back();
}

Family<Histogram>& Registry::AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                          std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  Reserve(name);
  histograms_.push_back(std::make_unique<Family<Histogram>>(
      std::move(name), std::move(help), std::move(labels),
      [bounds] { return std::make_unique<Histogram>(bounds); }));
  return *histograms_.back();
}

void Registry::AddCollector(std::function<void(std::string&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

void AppendSample(std::string& out, std::string_view name, const std::vector<std::string>& label_names,
                  const std::vector<std::string>& label_values, double value) {
  out += name;
  AppendLabels(out, label_names, label_values);
  out.push_back(' ');
  AppendValue(out, value);
  out.push_back('\n');
}

std::string Registry::Render() const {
  std::string out;
  out.reserve(16 * 1024);
  std::vector<std::function<void(std::string&)>> collectors;
  {
    std::lock_guard lock(mutex_);
    for (const auto& f : counters_) {
      AppendHeader(out, f->name(), f->help(), "counter");
      f->ForEach([&](const auto& labels, const Counter& c) {
        AppendSample(out, f->name(), f->label_names(), labels, static_cast<double>(c.Value()));
      });
    }
    for (const auto& f : gauges_) {
      AppendHeader(out, f->name(), f->help(), "gauge");
      f->ForEach([&](const auto& labels, const Gauge& g) {
        AppendSample(out, f->name(), f->label_names(), labels, g.Value());
      });
    }
    for (const auto& f : histograms_) {
      AppendHeader(out, f->name(), f->help(), "histogram");
      f->ForEach([&](const auto& labels, const Histogram& h) {
        auto counts = h.BucketCounts();
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          std::string le = i < h.bounds().size() ? fmt::format("{}", h.bounds()[i]) : "+Inf";
          out += f->name();
          out += "_bucket";
          AppendLabels(out, f->label_names(), labels, "le", le);
          fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
        }
        AppendSample(out, f->name() + "_sum", f->label_names(), labels, h.Sum());
        // _count from the buckets so a scrape racing an Observe stays consistent.
        AppendSample(out, f->name() + "_count", f->label_names(), labels, static_cast<double>(cumulative));
      });
    }
    collectors = collectors_;
  }
  // Collectors may query the database; run them outside the lock.
  for (const auto& collect : collectors) {
    try {
      collect(out);
    } catch (const std::exception& e) {
      out += "# collector failed: ";
      for (char c : std::string_view(e.what())) out.push_back(c == '\n' ? ' ' : c);
      out.push_back('\n');
    }
  }
  return out;
}

void AppendProcessMetrics(std::string& out) {
  static const long kTicks = sysconf(_SC_CLK_TCK);
  static const long kPage = sysconf(_SC_PAGESIZE);
  std::ifstream stat("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the parenthesised command name, which may contain spaces.
  auto close = content.rfind(')');
  if (close == std::string::npos) return;
  std::istringstream fields(content.substr(close + 2));
  std::vector<std::string> f;
  for (std::string x; fields >> x;) f.push_back(x);
  // f[0] is field 3 (state); utime=14, stime=15, num_threads=20, starttime=22, rss=24.
  auto field = [&](int n) -> double { return n - 3 < static_cast<int>(f.size()) ? std::stod(f[n - 3]) : 0; };
  double cpu = (field(14) + field(15)) / static_cast<double>(kTicks);
  double rss = field(24) * static_cast<double>(kPage);
  double threads = field(20);

  double boot_time = 0;
  std::ifstream sys_stat("/proc/stat");
  for (std::string line; std::getline(sys_stat, line);) {
    if (line.rfind("btime ", 0) == 0) boot_time = std::stod(line.substr(6));
  }
  double start = boot_time + field(22) / static_cast<double>(kTicks);

  int fds = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') ++fds;
    }
    closedir(dir);
  }
  AppendHeader(out, "process_cpu_seconds_total", "User and system CPU time spent in seconds.", "counter");
  AppendSample(out, "process_cpu_seconds_total", {}, {}, cpu);
  AppendHeader(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge");
  AppendSample(out, "process_resident_memory_bytes", {}, {}, rss);
  AppendHeader(out, "process_open_fds", "Number of open file descriptors.", "gauge");
  AppendSample(out, "process_open_fds", {}, {}, fds);
  AppendHeader(out, "process_threads", "Number of OS threads.", "gauge");
  AppendSample(out, "process_threads", {}, {}, threads);
  AppendHeader(out, "process_start_time_seconds", "Start time of the process since the Unix epoch.", "gauge");
  AppendSample(out, "process_start_time_seconds", {}, {}, start);
}

}  // namespace shop::platform::metrics
