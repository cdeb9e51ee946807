#include "nnlab/train/probes/evaluation_probes.h"

#include <utility>

#include <fmt/format.h>

#include "nnlab/analysis/confusion.h"
#include "nnlab/analysis/decision_regions.h"
#include "nnlab/analysis/misclassified.h"
#include "nnlab/analysis/sensitivity.h"
#include "nnlab/core/check.h"
#include "nnlab/tensor/view.h"

namespace nnlab::train {
namespace {

Image to_image(analysis::ByteImage image, std::string caption) {
  return {.height = image.height,
          .width = image.width,
          .channels = image.channels,
          .pixels = std::move(image.pixels),
          .caption = std::move(caption)};
}

std::vector<std::string> class_names(const data::Dataset& dataset, std::int64_t classes) {
  std::vector<std::string> names;
  for (std::int64_t c = 0; c < classes; ++c) names.push_back(class_name(dataset, c));
  return names;
}

}  // namespace

std::string class_name(const data::Dataset& dataset, std::int64_t label) {
  const auto index = static_cast<std::size_t>(label);
  return label >= 0 && index < dataset.class_names.size() ? dataset.class_names[index] : std::to_string(label);
}

SensitivityProbe::SensitivityProbe(const MetricsStream& stream, nn::Module& model, ProbeData data, Objective objective,
                                   std::int64_t every)
    : EpochProbe(stream, model, every), data_(std::move(data)), objective_(std::move(objective)) {}

void SensitivityProbe::record(std::int64_t epoch, std::int64_t step) {
  const analysis::InputSensitivity result =
      analysis::input_sensitivity(model_, *data_.dataset, objective_.loss, {.loss_reduction = ops::Reduction::mean});
  stream_.scalar("sensitivity/" + data_.split, step, epoch, result.mean_gradient_norm);
}

DecisionBoundaryProbe::DecisionBoundaryProbe(const MetricsStream& stream, nn::Module& model, ProbeData data,
                                             std::int64_t resolution, std::int64_t every)
    : EpochProbe(stream, model, every), data_(std::move(data)), resolution_(resolution) {
  const Tensor& inputs = data_.dataset->inputs;
  NNLAB_CHECK(inputs.dim() == 2 && inputs.size(1) == 2, ConfigError,
              "[probes] decision_boundary: needs examples of 2 features (points of the plane), but the data's "
              "examples are {}",
              Shape(inputs.shape().span().subspan(1)));
}

void DecisionBoundaryProbe::record(std::int64_t epoch, std::int64_t step) {
  const analysis::DecisionRegions regions = analysis::decision_regions(model_, *data_.dataset, resolution_);
  const analysis::LabelledPoints points = analysis::dataset_points(*data_.dataset);
  HeatmapRecord record{.tag = "decision_boundary",
                       .step = step,
                       .epoch = epoch,
                       .rows = regions.resolution,
                       .cols = regions.resolution,
                       .values = {},
                       .categorical = true,
                       .x_title = "x1",
                       .y_title = "x2",
                       .x_labels = {},
                       .y_labels = {},
                       .extent = {},
                       .points = {}};
  record.values.assign(regions.classes.begin(), regions.classes.end());
  record.extent = HeatmapRecord::Extent{.x_min = regions.extent.x_min,
                                        .x_max = regions.extent.x_max,
                                        .y_min = regions.extent.y_min,
                                        .y_max = regions.extent.y_max};
  for (std::size_t i = 0; i < points.x.size(); ++i) {
    record.points.push_back(
        {.x = points.x[i], .y = points.y[i], .label = points.labels.empty() ? 0 : points.labels[i]});
  }
  if (data_.dataset->task == data::Task::classification) {
    record.y_labels = class_names(*data_.dataset, data_.dataset->num_classes);  // the legend's class names
  }
  stream_.write(record);
}

ConfusionProbe::ConfusionProbe(const MetricsStream& stream, nn::Module& model, ProbeData data, std::int64_t every)
    : EpochProbe(stream, model, every), data_(std::move(data)) {
  NNLAB_CHECK(data_.dataset->task == data::Task::classification, ConfigError,
              "[probes] confusion: needs a classification dataset, the data is regression");
}

void ConfusionProbe::record(std::int64_t epoch, std::int64_t step) {
  const analysis::ConfusionMatrix matrix = analysis::confusion_matrix(model_, *data_.dataset);
  const std::vector<std::string> names = class_names(*data_.dataset, matrix.num_classes);
  HeatmapRecord record{.tag = "confusion",
                       .step = step,
                       .epoch = epoch,
                       .rows = matrix.num_classes,
                       .cols = matrix.num_classes,
                       .values = {},
                       .categorical = false,
                       .x_title = "predicted class",
                       .y_title = "true class",
                       .x_labels = names,
                       .y_labels = names,
                       .extent = {},
                       .points = {}};
  record.values.assign(matrix.counts.begin(), matrix.counts.end());
  stream_.write(record);
}

MisclassifiedProbe::MisclassifiedProbe(const MetricsStream& stream, nn::Module& model, ProbeData data,
                                       std::int64_t count, std::int64_t every)
    : EpochProbe(stream, model, every), data_(std::move(data)), count_(count) {
  const Tensor& inputs = data_.dataset->inputs;
  NNLAB_CHECK(data_.dataset->task == data::Task::classification, ConfigError,
              "[probes] misclassified: needs a classification dataset, the data is regression");
  NNLAB_CHECK(inputs.dim() == 4 && (inputs.size(1) == 1 || inputs.size(1) == 3), ConfigError,
              "[probes] misclassified: needs images (C, H, W) with 1 or 3 channels, but the data's examples are {}",
              Shape(inputs.shape().span().subspan(1)));
}

void MisclassifiedProbe::record(std::int64_t epoch, std::int64_t step) {
  ImageRecord record{.tag = "misclassified", .step = step, .epoch = epoch, .images = {}};
  for (const analysis::Misclassified& m : analysis::first_misclassified(model_, *data_.dataset, count_)) {
    const std::string caption = fmt::format("#{} {} / {}", m.index, class_name(*data_.dataset, m.true_label),
                                            class_name(*data_.dataset, m.predicted_label));
    record.images.push_back(
        to_image(analysis::example_image(view::select(data_.dataset->inputs, 0, m.index)), caption));
  }
  stream_.write(record);
}

TrueClassProbabilityProbe::TrueClassProbabilityProbe(const MetricsStream& stream, nn::Module& model, ProbeData data,
                                                     analysis::OutputProbability kind, std::int64_t buckets,
                                                     std::int64_t every)
    : EpochProbe(stream, model, every), data_(std::move(data)), kind_(kind), buckets_(buckets) {
  NNLAB_CHECK(data_.dataset->task == data::Task::classification, ConfigError,
              "[probes] true_class_probability: needs a classification dataset, the data is regression");
}

void TrueClassProbabilityProbe::record(std::int64_t epoch, std::int64_t step) {
  std::vector<double> correct, incorrect;
  for (const auto& example : analysis::true_class_probabilities(model_, *data_.dataset, kind_)) {
    (example.correct ? correct : incorrect).push_back(example.true_class_probability);
  }
  for (const auto& [name, values] : {std::pair{"correct", &correct}, {"incorrect", &incorrect}}) {
    HistogramRecord histogram = make_histogram(fmt::format("true_class_probability/{}", name), step, epoch, *values, 1);
    // Fixed buckets over [0, 1], so the two histograms (and epochs) compare bucket by bucket.
    histogram.edges.clear();
    histogram.counts.assign(static_cast<std::size_t>(buckets_), 0.0);
    for (std::int64_t i = 0; i <= buckets_; ++i)
      histogram.edges.push_back(static_cast<double>(i) / static_cast<double>(buckets_));
    for (double p : *values) {
      const auto bucket =
          std::min<std::int64_t>(static_cast<std::int64_t>(p * static_cast<double>(buckets_)), buckets_ - 1);
      histogram.counts[static_cast<std::size_t>(std::max<std::int64_t>(bucket, 0))] += 1.0;
    }
    stream_.write(histogram);
  }
}

WeightImagesProbe::WeightImagesProbe(const MetricsStream& stream, nn::Module& model, const Shape& image_shape,
                                     std::vector<std::string> row_names, std::int64_t every)
    : EpochProbe(stream, model, every), row_names_(std::move(row_names)) {
  NNLAB_CHECK(image_shape.rank() == 3 && (image_shape[0] == 1 || image_shape[0] == 3), ConfigError,
              "[probes] weight_images: needs images (C, H, W) with 1 or 3 channels, but the data's examples are {}",
              image_shape);
  height_ = image_shape[1];
  width_ = image_shape[2];
  for (const auto& [name, parameter] : model.named_parameters()) {
    if (parameter.dim() == 2 && name.ends_with("weight")) {
      weight_name_ = name;
      NNLAB_CHECK(parameter.size(1) == image_shape.numel(), ConfigError,
                  "[probes] weight_images: the first linear layer '{}' has {} inputs per row, not the {} values of "
                  "an image {}",
                  name, parameter.size(1), image_shape.numel(), image_shape);
      return;
    }
  }
  throw ConfigError("[probes] weight_images: the model has no linear layer whose rows could be shown");
}

void WeightImagesProbe::record(std::int64_t epoch, std::int64_t step) {
  Tensor weight;
  for (const auto& [name, parameter] : model_.named_parameters()) {
    if (name == weight_name_) weight = parameter;
  }
  ImageRecord record{.tag = "weight_images", .step = step, .epoch = epoch, .images = {}};
  const std::vector<analysis::ByteImage> images = analysis::weight_row_images(weight, height_, width_);
  for (std::size_t row = 0; row < images.size(); ++row) {
    record.images.push_back(
        to_image(images[row], row < row_names_.size() ? row_names_[row] : fmt::format("row {}", row)));
  }
  stream_.write(record);
}

}  // namespace nnlab::train
