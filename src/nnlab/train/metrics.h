#pragma once
// The metrics stream: every number a run produces, as named records. Producers (the Trainer,
// the probes) write records; consumers (the run folder's logs, the TensorBoard writer, the
// progress output) are MetricsSinks that receive each record as it is written. Adding a probe
// never touches a consumer, and adding a consumer never touches a probe.
//
// Tags are paths: "train/loss", "val/accuracy", "grad_norm/0.weight". Every record carries the
// optimiser step it belongs to (steps done so far; 0 before the first) and the 1-based epoch.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/tensor/tensor.h"

namespace nnlab::train {

struct ScalarRecord {
  std::string tag{};
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  double value = 0.0;  // may be NaN or infinite (a diverged loss is recorded as it was)
};

// A histogram in buckets: bucket i counts the values v with edges[i] <= v < edges[i + 1]; the
// last bucket also holds v == edges.back(). edges.size() == counts.size() + 1.
struct HistogramRecord {
  std::string tag{};
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  double min = 0.0, max = 0.0, sum = 0.0, sum_squares = 0.0;
  std::int64_t count = 0;  // values described (NaN and infinities are left out)
  std::vector<double> edges{};
  std::vector<double> counts{};
};

// An 8-bit image: rows top to bottom, channels interleaved (1 grey, 3 RGB).
struct Image {
  std::int64_t height = 0, width = 0, channels = 1;
  std::vector<std::uint8_t> pixels{};  // height * width * channels
  std::string caption{};               // e.g. "true Coat, predicted Shirt"
};

// One or more images under one tag (a grid of misclassified examples, one weight image per class).
struct ImageRecord {
  std::string tag{};
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  std::vector<Image> images{};
};

// Values over a grid of rows x columns: a confusion matrix (labelled cells), or the classes a
// model predicts over a region of the plane (`extent`, with data points drawn on top).
struct HeatmapRecord {
  struct Point {
    double x = 0.0, y = 0.0;
    std::int64_t label = 0;
  };
  // The plane covered by the grid: column 0 at x_min, the last at x_max; row 0 at y_min.
  struct Extent {
    double x_min = 0.0, x_max = 0.0, y_min = 0.0, y_max = 0.0;
  };
  std::string tag{};
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  std::int64_t rows = 0, cols = 0;
  std::vector<double> values{};                     // rows * cols, row-major
  bool categorical = false;                         // values are class indices (draw one colour per class)
  std::string x_title{}, y_title{};                 // axis titles ("predicted", "true")
  std::vector<std::string> x_labels{}, y_labels{};  // one per column / row, or empty
  std::optional<Extent> extent{};                   // absent: cells are just indexed
  std::vector<Point> points{};                      // drawn over the grid (needs extent)
};

// Named tensors at one moment, e.g. a snapshot of every weight; `info` holds numbers that
// describe the moment (the loss and accuracy when the snapshot was taken).
struct TensorsRecord {
  std::string tag{};
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  std::vector<std::pair<std::string, Tensor>> tensors{};
  std::vector<std::pair<std::string, double>> info{};
};

// A consumer of the stream. Each hook has an empty default: a sink takes what it uses.
class MetricsSink {
 public:
  virtual ~MetricsSink() = default;
  virtual void write(const ScalarRecord& /*record*/) {}
  virtual void write(const HistogramRecord& /*record*/) {}
  virtual void write(const ImageRecord& /*record*/) {}
  virtual void write(const HeatmapRecord& /*record*/) {}
  virtual void write(const TensorsRecord& /*record*/) {}
  // Called at the end of each epoch and of training: make what was written durable.
  virtual void flush() {}
};

// Hands every record to every sink, in the order the sinks were added. Sinks are borrowed.
class MetricsStream {
 public:
  void add_sink(MetricsSink& sink) { sinks_.push_back(&sink); }
  bool empty() const { return sinks_.empty(); }

  void scalar(std::string tag, std::int64_t step, std::int64_t epoch, double value) const {
    write(ScalarRecord{.tag = std::move(tag), .step = step, .epoch = epoch, .value = value});
  }
  template <typename Record>
  void write(const Record& record) const {
    for (MetricsSink* sink : sinks_) sink->write(record);
  }
  void flush() const {
    for (MetricsSink* sink : sinks_) sink->flush();
  }

 private:
  std::vector<MetricsSink*> sinks_{};
};

// A histogram of `values` over `buckets` equal-width buckets between their min and max (one
// bucket when they are all equal, one empty bucket [0, 0] when none is finite). Non-finite
// values are left out.
HistogramRecord make_histogram(std::string tag, std::int64_t step, std::int64_t epoch,
                               const std::vector<double>& values, std::int64_t buckets = 30);

}  // namespace nnlab::train
