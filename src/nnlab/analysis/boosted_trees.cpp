// Gradient-boosted trees through XGBoost's C API; see boosted_trees.h.
#include "nnlab/analysis/boosted_trees.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::analysis {
namespace {

// XGBoost's last error on one line: "[20:56:36] ./src/data/data.cc:1104: Check failed: valid:
// Input data contains `inf` or `nan`\nStack trace: ..." -> "Check failed: valid: Input data
// contains `inf` or `nan`" (the time, its source line and the stack trace dropped).
std::string last_error() {
  std::string message = XGBGetLastError();
  message = message.substr(0, message.find("\nStack trace:"));
  if (message.starts_with('[')) {
    const std::size_t time_end = message.find("] ");
    const std::size_t place_end = time_end == std::string::npos ? time_end : message.find(": ", time_end + 2);
    if (place_end != std::string::npos) message.erase(0, place_end + 2);
  }
  std::replace(message.begin(), message.end(), '\n', ' ');
  while (!message.empty() && message.back() == ' ') message.pop_back();
  return message;
}

// A non-zero status of an XGBoost call becomes an Error with XGBoost's message.
void check(int status, const char* call) {
  if (status != 0) throw Error(fmt::format("boosted_trees: XGBoost's {} failed: {}", call, last_error()));
}

// One XGBoost DMatrix, freed when it goes out of scope.
class Matrix {
 public:
  Matrix(const FeatureRows& features, int threads) {
    // NaN marks a missing value, XGBoost's convention; nnlab's inputs have none.
    check(XGDMatrixCreateFromMat_omp(features.values.data(), static_cast<bst_ulong>(features.rows),
                                     static_cast<bst_ulong>(features.columns), std::numeric_limits<float>::quiet_NaN(),
                                     &handle_, threads),
          "XGDMatrixCreateFromMat_omp");
  }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  ~Matrix() { XGDMatrixFree(handle_); }
  DMatrixHandle handle() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

// Owns a booster until release() hands it on, so that a failure while training frees it.
class BoosterOwner {
 public:
  explicit BoosterOwner(const Matrix& train) {
    const DMatrixHandle matrices[] = {train.handle()};
    check(XGBoosterCreate(matrices, 1, &handle_), "XGBoosterCreate");
  }
  BoosterOwner(const BoosterOwner&) = delete;
  BoosterOwner& operator=(const BoosterOwner&) = delete;
  ~BoosterOwner() {
    if (handle_ != nullptr) XGBoosterFree(handle_);
  }
  BoosterHandle get() const { return handle_; }
  BoosterHandle release() { return std::exchange(handle_, nullptr); }

 private:
  BoosterHandle handle_ = nullptr;
};

void check_shape(const FeatureRows& features, const char* where) {
  NNLAB_CHECK(features.rows >= 0 && features.columns >= 1, ValueError,
              "{}: expected rows >= 0 and columns >= 1, got {} x {}", where, features.rows, features.columns);
  NNLAB_CHECK(static_cast<std::int64_t>(features.values.size()) == features.rows * features.columns, ShapeError,
              "{}: expected rows x columns = {} x {} = {} feature values, got {}", where, features.rows,
              features.columns, features.rows * features.columns, features.values.size());
}

void check_options(const BoostedTreesOptions& o) {
  const auto require = [](bool ok, const char* key, const char* expected, double value) {
    NNLAB_CHECK(ok, ValueError, "boosted_trees: {}: expected {}, got {}", key, expected, value);
  };
  require(o.rounds >= 1, "rounds", "an integer >= 1", static_cast<double>(o.rounds));
  require(o.max_depth >= 1, "max_depth", "an integer >= 1", static_cast<double>(o.max_depth));
  require(o.eta > 0 && o.eta <= 1, "eta", "a number in (0, 1]", o.eta);
  require(o.subsample > 0 && o.subsample <= 1, "subsample", "a number in (0, 1]", o.subsample);
  require(o.reg_lambda >= 0, "reg_lambda", "a number >= 0", o.reg_lambda);
  require(o.min_child_weight >= 0, "min_child_weight", "a number >= 0", o.min_child_weight);
  require(o.threads >= 0, "threads", "an integer >= 0", static_cast<double>(o.threads));
}

// Labels as XGBoost's float labels, each checked against [0, classes).
std::vector<float> label_values(std::span<const std::int64_t> labels, std::int64_t classes) {
  std::vector<float> values(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    NNLAB_CHECK(labels[i] >= 0 && labels[i] < classes, ValueError,
                "boosted_trees: expected labels in [0, {}) ({} classes), got {} at row {}", classes, classes, labels[i],
                i);
    values[i] = static_cast<float>(labels[i]);
  }
  return values;
}

// Shortest text that reads back as the same double, for XGBoost's string parameters.
std::string number_text(double value) { return fmt::format("{}", value); }

void set_parameters(BoosterHandle booster, std::int64_t classes, const BoostedTreesOptions& o, int threads) {
  const std::pair<const char*, std::string> parameters[] = {
      {"objective", classes == 2 ? "binary:logistic" : "multi:softprob"},
      {"num_class", classes == 2 ? "1" : std::to_string(classes)},
      {"base_score", "0.5"},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(o.max_depth)},
      {"eta", number_text(o.eta)},
      {"subsample", number_text(o.subsample)},
      {"reg_lambda", number_text(o.reg_lambda)},
      {"min_child_weight", number_text(o.min_child_weight)},
      {"nthread", std::to_string(threads)},
      {"seed", std::to_string(o.seed)},
      {"verbosity", "0"},  // the library never prints; failures come back as errors
  };
  for (const auto& [name, value] : parameters) {
    if (classes == 2 && std::string_view(name) == "num_class") continue;  // binary:logistic takes none
    check(XGBoosterSetParam(booster, name, value.c_str()), "XGBoosterSetParam");
  }
}

// features (N, ...) as contiguous float32 values and their (N, D) sizes.
struct FloatRows {
  Tensor values;
  FeatureRows rows;
};
FloatRows float_rows(const Tensor& features, const char* where) {
  NNLAB_CHECK(features.defined() && features.dim() >= 1, ShapeError, "{}: expected features (N, ...), got {}", where,
              features.defined() ? features.shape().to_string() : std::string("an undefined tensor"));
  NNLAB_CHECK(is_floating(features.dtype()), DTypeError, "{}: expected float32 or float64 features, got {}", where,
              features.dtype());
  std::int64_t columns = 1;
  for (int d = 1; d < features.dim(); ++d) columns *= features.size(d);
  FloatRows out{.values = contiguous(to_dtype(features, DType::f32)), .rows = {}};
  out.rows = {.values = {out.values.data<float>(), static_cast<std::size_t>(out.values.numel())},
              .rows = features.size(0),
              .columns = columns};
  return out;
}

}  // namespace

BoostedTrees BoostedTrees::fit(const FeatureRows& features, std::span<const std::int64_t> labels, std::int64_t classes,
                               const BoostedTreesOptions& options) {
  check_shape(features, "boosted_trees");
  NNLAB_CHECK(features.rows >= 1, ValueError, "boosted_trees: expected at least one training row, got none");
  NNLAB_CHECK(static_cast<std::int64_t>(labels.size()) == features.rows, ShapeError,
              "boosted_trees: expected one label per row, got {} labels for {} rows", labels.size(), features.rows);
  NNLAB_CHECK(classes >= 2, ValueError, "boosted_trees: expected classes >= 2, got {}", classes);
  check_options(options);
  const std::vector<float> label_floats = label_values(labels, classes);
  const int threads = options.threads > 0 ? static_cast<int>(options.threads) : num_threads();

  const Matrix train(features, threads);
  check(XGDMatrixSetFloatInfo(train.handle(), "label", label_floats.data(), label_floats.size()),
        "XGDMatrixSetFloatInfo");
  BoosterOwner booster(train);
  set_parameters(booster.get(), classes, options, threads);
  for (std::int64_t round = 0; round < options.rounds; ++round) {
    check(XGBoosterUpdateOneIter(booster.get(), static_cast<int>(round), train.handle()), "XGBoosterUpdateOneIter");
    if (options.after_round) options.after_round(round + 1);
  }
  return BoostedTrees(booster.release(), classes, features.columns, threads);
}

BoostedTrees BoostedTrees::fit(const Tensor& features, const Tensor& labels, std::int64_t classes,
                               const BoostedTreesOptions& options) {
  const FloatRows rows = float_rows(features, "boosted_trees");
  NNLAB_CHECK(labels.defined() && labels.dim() == 1, ShapeError, "boosted_trees: expected labels (N), got {}",
              labels.defined() ? labels.shape().to_string() : std::string("an undefined tensor"));
  NNLAB_CHECK(labels.dtype() == DType::i64, DTypeError, "boosted_trees: expected int64 class labels, got {}",
              labels.dtype());
  const std::vector<std::int64_t> values = labels.to_vector<std::int64_t>();
  return fit(rows.rows, values, classes, options);
}

std::vector<float> BoostedTrees::predict_proba(const FeatureRows& features) const {
  check_shape(features, "boosted_trees predict");
  NNLAB_CHECK(features.columns == columns_, ShapeError,
              "boosted_trees predict: expected {} features per row (as trained), got {}", columns_, features.columns);
  if (features.rows == 0) return {};
  const Matrix matrix(features, threads_);
  const char* config =
      R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": true})";
  const bst_ulong* shape = nullptr;
  bst_ulong dims = 0;
  const float* result = nullptr;
  check(XGBoosterPredictFromDMatrix(booster_, matrix.handle(), config, &shape, &dims, &result),
        "XGBoosterPredictFromDMatrix");
  const std::int64_t outputs = classes_ == 2 ? 1 : classes_;  // binary:logistic gives P(class 1) only
  NNLAB_CHECK(dims == 2 && static_cast<std::int64_t>(shape[0]) == features.rows &&
                  static_cast<std::int64_t>(shape[1]) == outputs,
              InternalError, "boosted_trees predict: expected XGBoost's output ({}, {}), got {} dims", features.rows,
              outputs, dims);
  const auto n = static_cast<std::size_t>(features.rows);
  if (classes_ > 2) return std::vector<float>(result, result + n * static_cast<std::size_t>(classes_));
  std::vector<float> probabilities(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    probabilities[2 * i] = 1.0f - result[i];
    probabilities[2 * i + 1] = result[i];
  }
  return probabilities;
}

Tensor BoostedTrees::predict_proba(const Tensor& features) const {
  const FloatRows rows = float_rows(features, "boosted_trees predict");
  return Tensor::from_vector(predict_proba(rows.rows), {rows.rows.rows, classes_});
}

std::vector<std::int64_t> BoostedTrees::predict(const Tensor& features) const {
  const FloatRows rows = float_rows(features, "boosted_trees predict");
  const std::vector<float> probabilities = predict_proba(rows.rows);
  std::vector<std::int64_t> classes(static_cast<std::size_t>(rows.rows.rows));
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const float* row = probabilities.data() + i * static_cast<std::size_t>(classes_);
    classes[i] = std::max_element(row, row + classes_) - row;
  }
  return classes;
}

BoostedTrees::BoostedTrees(BoostedTrees&& other) noexcept
    : booster_(std::exchange(other.booster_, nullptr)),
      classes_(other.classes_),
      columns_(other.columns_),
      threads_(other.threads_) {}

BoostedTrees& BoostedTrees::operator=(BoostedTrees&& other) noexcept {
  if (this != &other) {
    if (booster_ != nullptr) XGBoosterFree(booster_);
    booster_ = std::exchange(other.booster_, nullptr);
    classes_ = other.classes_;
    columns_ = other.columns_;
    threads_ = other.threads_;
  }
  return *this;
}

BoostedTrees::~BoostedTrees() {
  if (booster_ != nullptr) XGBoosterFree(booster_);
}

std::string xgboost_version() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return fmt::format("{}.{}.{}", major, minor, patch);
}

}  // namespace nnlab::analysis
