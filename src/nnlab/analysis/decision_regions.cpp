// Decision regions over a grid in the input plane, evaluated in batches.
#include "nnlab/analysis/decision_regions.h"

#include <algorithm>
#include <cmath>

#include "nnlab/analysis/model_outputs.h"
#include "nnlab/core/check.h"

namespace nnlab::analysis {
namespace {

void check_two_features(const Tensor& inputs, const char* where) {
  NNLAB_CHECK(inputs.defined() && inputs.dim() == 2 && inputs.size(1) == 2, ConfigError,
              "{}: expected inputs with 2 features (N, 2), got {}", where,
              inputs.defined() ? inputs.shape().to_string() : std::string("no inputs"));
}

DType model_dtype(const nn::Module& model) {
  const std::vector<Tensor> parameters = model.parameters();
  return parameters.empty() ? DType::f32 : parameters.front().dtype();
}

// The resolution² grid points (x, y), row by row from y_min up, columns from x_min right.
Tensor grid_points(const Extent& extent, std::int64_t resolution, DType dtype) {
  const double step_x = (extent.x_max - extent.x_min) / static_cast<double>(resolution - 1);
  const double step_y = (extent.y_max - extent.y_min) / static_cast<double>(resolution - 1);
  std::vector<double> points(static_cast<std::size_t>(resolution * resolution * 2));
  for (std::int64_t row = 0; row < resolution; ++row) {
    for (std::int64_t column = 0; column < resolution; ++column) {
      const auto at = static_cast<std::size_t>((row * resolution + column) * 2);
      points[at] = extent.x_min + static_cast<double>(column) * step_x;
      points[at + 1] = extent.y_min + static_cast<double>(row) * step_y;
    }
  }
  return Tensor::from_doubles(points, {resolution * resolution, 2}, dtype);
}

}  // namespace

Extent data_extent(const Tensor& inputs, double margin) {
  check_two_features(inputs, "data_extent");
  NNLAB_CHECK(inputs.size(0) >= 1, ConfigError, "data_extent: expected at least one point, got {}", inputs.shape());
  NNLAB_CHECK(margin >= 0.0, ValueError, "data_extent: expected margin >= 0, got {}", margin);
  const std::vector<double> values = inputs.to_vector<double>();
  double bounds[2][2] = {{values[0], values[0]}, {values[1], values[1]}};  // [feature][min, max]
  for (std::size_t i = 0; i < values.size(); ++i) {
    double* feature = bounds[i % 2];
    feature[0] = std::min(feature[0], values[i]);
    feature[1] = std::max(feature[1], values[i]);
  }
  double padding[2];
  for (int f = 0; f < 2; ++f) {
    const double width = bounds[f][1] - bounds[f][0];
    padding[f] = width > 0.0 ? margin * width : 0.5;  // one point (or a line) still gets an area
  }
  return {.x_min = bounds[0][0] - padding[0],
          .x_max = bounds[0][1] + padding[0],
          .y_min = bounds[1][0] - padding[1],
          .y_max = bounds[1][1] + padding[1]};
}

DecisionRegions decision_regions(nn::Module& model, const Extent& extent, std::int64_t resolution,
                                 std::int64_t batch_size) {
  NNLAB_CHECK(resolution >= 2, ValueError, "decision_regions: expected resolution >= 2, got {}", resolution);
  NNLAB_CHECK(extent.x_max > extent.x_min && extent.y_max > extent.y_min, ValueError,
              "decision_regions: expected a non-empty extent, got x [{}, {}] and y [{}, {}]", extent.x_min,
              extent.x_max, extent.y_min, extent.y_max);
  const Tensor points = grid_points(extent, resolution, model_dtype(model));
  Tensor outputs;
  try {
    outputs = outputs_in_batches(model, points, batch_size);
  } catch (const ShapeError& e) {
    throw ConfigError(fmt::format(
        "decision_regions: expected a model that takes 2 input features, got one that fails on points (N, 2): {}",
        e.what()));
  }
  return {.resolution = resolution, .extent = extent, .classes = argmax_rows(outputs)};
}

DecisionRegions decision_regions(nn::Module& model, const data::Dataset& dataset, std::int64_t resolution,
                                 double margin) {
  return decision_regions(model, data_extent(dataset.inputs, margin), resolution);
}

LabelledPoints dataset_points(const data::Dataset& dataset) {
  check_two_features(dataset.inputs, "dataset_points");
  const std::vector<double> values = dataset.inputs.to_vector<double>();
  LabelledPoints points;
  points.x.reserve(values.size() / 2);
  points.y.reserve(values.size() / 2);
  for (std::size_t i = 0; i + 1 < values.size(); i += 2) {
    points.x.push_back(values[i]);
    points.y.push_back(values[i + 1]);
  }
  if (dataset.task == data::Task::classification) points.labels = class_indices(dataset.targets, "dataset_points");
  return points;
}

}  // namespace nnlab::analysis
