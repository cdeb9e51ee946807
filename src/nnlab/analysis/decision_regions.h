#pragma once
// Decision regions of a classifier on 2-D inputs: the predicted class over a regular grid that
// covers the data (E6's decision-boundary pictures), and the data points to draw on top.
#include <cstdint>
#include <vector>

#include "nnlab/data/dataset.h"
#include "nnlab/nn/module.h"

namespace nnlab::analysis {

// A rectangle of the input plane: x is input feature 0, y is feature 1.
struct Extent {
  double x_min = 0.0;
  double x_max = 1.0;
  double y_min = 0.0;
  double y_max = 1.0;
};

// The predicted class at resolution x resolution grid points. Point (row, column) sits at
//   x = x_min + column · (x_max - x_min) / (resolution - 1),
//   y = y_min + row · (y_max - y_min) / (resolution - 1),
// so row 0 is the bottom edge (y_min) and rows go up; classes[row * resolution + column].
struct DecisionRegions {
  std::int64_t resolution = 0;
  Extent extent;
  std::vector<std::int64_t> classes;
};

// The points of a 2-D dataset and their labels, for scatter plots.
struct LabelledPoints {
  std::vector<double> x;
  std::vector<double> y;
  std::vector<std::int64_t> labels;  // empty for a regression dataset
};

// The bounding box of inputs (N, 2), widened on each side by margin times its width (height);
// a zero width or height becomes an interval of width 1 centred on the value. Throws ConfigError unless inputs is
// (N >= 1, 2) and ValueError for a negative margin.
Extent data_extent(const Tensor& inputs, double margin = 0.05);

// The model's arg max class over the grid of `extent` (see DecisionRegions), evaluated in eval
// mode under NoGradGuard, batch_size points at a time, in the dtype of the model's first
// parameter (float32 when it has none). Throws ValueError for resolution < 2 or an empty
// extent, ConfigError when the model does not take 2 input features (its ShapeError attached).
DecisionRegions decision_regions(nn::Module& model, const Extent& extent, std::int64_t resolution,
                                 std::int64_t batch_size = 4096);

// The same over data_extent(dataset.inputs, margin).
DecisionRegions decision_regions(nn::Module& model, const data::Dataset& dataset, std::int64_t resolution,
                                 double margin = 0.05);

// The dataset's points (inputs (N, 2)) and, for classification, their labels.
// Throws ConfigError unless the inputs have 2 features.
LabelledPoints dataset_points(const data::Dataset& dataset);

}  // namespace nnlab::analysis
