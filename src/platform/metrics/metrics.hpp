#pragma once
/// Prometheus metrics (DESIGN §2): counters, gauges and histograms in labelled
/// families, rendered as text exposition format 0.0.4 at /metrics.
/// Everything here is thread-safe; the hot path (Inc, Observe on a child you
/// already hold) is lock-free.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace shop::platform::metrics {

class Counter {
 public:
  void Inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Fixed upper bounds (seconds for durations), cumulative on render.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  /// Per-bucket (non-cumulative) counts, the +Inf bucket last.
  std::vector<std::uint64_t> BucketCounts() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t Count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

/// Buckets for request durations: 0.5 ms … 10 s.
std::vector<double> DefaultDurationBuckets();

/// A metric name with fixed label names; each distinct label-value tuple is a
/// child created on first use. Keep the reference With() returns: it stays
/// valid for the registry's lifetime.
template <class Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<Metric>()> make)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)),
        make_(std::move(make)) {}

  Metric& With(const std::vector<std::string>& label_values) {
    std::lock_guard lock(mutex_);
    auto& slot = children_[label_values];
    if (!slot) slot = make_();
    return *slot;
  }

  template <class Fn>
  void ForEach(Fn&& fn) const {
    std::lock_guard lock(mutex_);
    for (const auto& [labels, metric] : children_) fn(labels, *metric);
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

class Registry {
 public:
  /// Registering the same name twice throws std::invalid_argument (a wiring bug).
  Family<Counter>& AddCounter(std::string name, std::string help, std::vector<std::string> labels = {});
  Family<Gauge>& AddGauge(std::string name, std::string help, std::vector<std::string> labels = {});
  Family<Histogram>& AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                  std::vector<double> bounds);
  /// A collector appends already-formatted exposition lines computed at
  /// scrape time (process statistics, outbox depth). It may throw; the
  /// failure is rendered as a comment and the scrape goes on.
  void AddCollector(std::function<void(std::string& out)> collector);

  /// Everything in text exposition format.
  std::string Render() const;

 private:
  void Reserve(const std::string& name);

  mutable std::mutex mutex_;
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<Family<Counter>>> counters_;
  std::vector<std::unique_ptr<Family<Gauge>>> gauges_;
  std::vector<std::unique_ptr<Family<Histogram>>> histograms_;
  std::vector<std::function<void(std::string&)>> collectors_;
};

/// Appends process_* metrics read from /proc/self (resident memory, CPU
/// seconds, open file descriptors, start time, threads).
void AppendProcessMetrics(std::string& out);

/// Appends one sample line: name{labels} value.
void AppendSample(std::string& out, std::string_view name, const std::vector<std::string>& label_names,
                  const std::vector<std::string>& label_values, double value);

}  // namespace shop::platform::metrics
