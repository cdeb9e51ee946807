// Misclassified examples and CHW-to-interleaved 8-bit images.
#include "nnlab/analysis/misclassified.h"

#include <algorithm>
#include <cmath>

#include "nnlab/analysis/model_outputs.h"
#include "nnlab/core/check.h"
#include "nnlab/tensor/view.h"

namespace nnlab::analysis {
namespace {

// values in C, H, W order -> interleaved H, W, C bytes, min-max scaled to 0..255.
ByteImage chw_to_image(const std::vector<double>& values, std::int64_t channels, std::int64_t height,
                       std::int64_t width) {
  ByteImage image{
      .height = height, .width = width, .channels = channels, .pixels = std::vector<std::uint8_t>(values.size(), 0)};
  if (values.empty()) return image;
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  const double range = *high - *low;
  if (!(range > 0.0)) return image;  // constant (or NaN-ridden): all 0
  const double scale = 255.0 / range;
  const std::int64_t plane = height * width;
  for (std::int64_t c = 0; c < channels; ++c) {
    for (std::int64_t pixel = 0; pixel < plane; ++pixel) {
      const double scaled = (values[static_cast<std::size_t>(c * plane + pixel)] - *low) * scale;
      image.pixels[static_cast<std::size_t>(pixel * channels + c)] =
          static_cast<std::uint8_t>(std::clamp(std::lround(scaled), 0L, 255L));
    }
  }
  return image;
}

std::int64_t channels_for(std::int64_t numel, std::int64_t height, std::int64_t width, const char* where) {
  NNLAB_CHECK(height >= 1 && width >= 1 && (numel == height * width || numel == 3 * height * width), ShapeError,
              "{}: expected {} (grey) or {} (RGB) values for a {}x{} image, got {}", where, height * width,
              3 * height * width, height, width, numel);
  return numel / (height * width);
}

}  // namespace

ByteImage example_image(const Tensor& example, std::int64_t height, std::int64_t width) {
  NNLAB_CHECK(is_floating(example.dtype()), DTypeError, "example_image: expected float32 or float64 values, got {}",
              example.dtype());
  const int rank = example.dim();
  NNLAB_CHECK(rank >= 1 && rank <= 3, ShapeError, "example_image: expected (C, H, W), (H, W) or flat values, got {}",
              example.shape());
  if (rank >= 2) {  // the shape gives the size; explicit sizes, if any, must agree
    height = example.size(-2);
    width = example.size(-1);
  }
  const std::int64_t channels = channels_for(example.numel(), height, width, "example_image");
  return chw_to_image(example.to_vector<double>(), channels, height, width);
}

ByteImage weight_row_image(const Tensor& weight, std::int64_t row, std::int64_t height, std::int64_t width) {
  NNLAB_CHECK(weight.dim() == 2, ShapeError, "weight_row_image: expected a weight (out_features, in_features), got {}",
              weight.shape());
  NNLAB_CHECK(row >= 0 && row < weight.size(0), ValueError, "weight_row_image: expected a row in [0, {}), got {}",
              weight.size(0), row);
  return example_image(view::select(weight, 0, row), height, width);
}

std::vector<ByteImage> weight_row_images(const Tensor& weight, std::int64_t height, std::int64_t width) {
  NNLAB_CHECK(weight.dim() == 2, ShapeError, "weight_row_images: expected a weight (out_features, in_features), got {}",
              weight.shape());
  std::vector<ByteImage> images;
  images.reserve(static_cast<std::size_t>(weight.size(0)));
  for (std::int64_t row = 0; row < weight.size(0); ++row)
    images.push_back(weight_row_image(weight, row, height, width));
  return images;
}

std::vector<Misclassified> first_misclassified(nn::Module& model, const data::Dataset& dataset, std::int64_t count,
                                               std::int64_t batch_size) {
  NNLAB_CHECK(dataset.task == data::Task::classification, ValueError,
              "first_misclassified: expected a classification dataset, got a regression one ('{}')", dataset.name);
  NNLAB_CHECK(count >= 0, ValueError, "first_misclassified: expected count >= 0, got {}", count);
  NNLAB_CHECK(batch_size >= 1, ValueError, "first_misclassified: batch_size must be >= 1, got {}", batch_size);
  const std::vector<std::int64_t> labels = class_indices(dataset.targets, "first_misclassified");
  std::vector<Misclassified> found;
  const std::int64_t n = dataset.size();
  for (std::int64_t start = 0; start < n && static_cast<std::int64_t>(found.size()) < count; start += batch_size) {
    const std::int64_t rows = std::min(batch_size, n - start);
    const std::vector<std::int64_t> predicted =
        predict_classes(model, view::narrow(dataset.inputs, 0, start, rows), rows);
    for (std::int64_t i = 0; i < rows && static_cast<std::int64_t>(found.size()) < count; ++i) {
      const std::int64_t index = start + i;
      const std::int64_t truth = labels[static_cast<std::size_t>(index)];
      const std::int64_t guess = predicted[static_cast<std::size_t>(i)];
      if (truth != guess) found.push_back({.index = index, .true_label = truth, .predicted_label = guess});
    }
  }
  return found;
}

}  // namespace nnlab::analysis
