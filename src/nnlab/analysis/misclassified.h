#pragma once
// The first misclassified examples of a dataset, and 8-bit pictures of inputs and of
// first-layer weight rows (E15's learned templates, one 32x32 RGB image per class).
#include <cstdint>
#include <vector>

#include "nnlab/data/dataset.h"
#include "nnlab/nn/module.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::analysis {

struct Misclassified {
  std::int64_t index = 0;  // row in the dataset
  std::int64_t true_label = 0;
  std::int64_t predicted_label = 0;  // arg max of the model's outputs
};

// Up to `count` misclassified examples in dataset order, the model run in eval mode under
// NoGradGuard, batch_size rows at a time, stopping at the batch where `count` are found.
// Throws ValueError for a regression dataset, count < 0 or batch_size < 1.
std::vector<Misclassified> first_misclassified(nn::Module& model, const data::Dataset& dataset, std::int64_t count,
                                               std::int64_t batch_size = 256);

// An 8-bit image, channels interleaved: pixels[(y * width + x) * channels + c], row 0 on top.
struct ByteImage {
  std::int64_t height = 0;
  std::int64_t width = 0;
  std::int64_t channels = 0;  // 1 (grey) or 3 (RGB)
  std::vector<std::uint8_t> pixels;
};

// One example as an image, min-max scaled over the whole image to 0..255 (a constant image
// gives 0 everywhere). `example` is (C, H, W) or (H, W), C = 1 or 3; or flat (H*W) or
// (3*H*W) in C, H, W order, in which case height and width must be given.
// Throws ShapeError when the sizes do not fit (showing them), DTypeError for int64.
ByteImage example_image(const Tensor& example, std::int64_t height = 0, std::int64_t width = 0);

// One image per row of a first-layer weight matrix (out_features, in_features), each row read
// as (C, H, W) with in_features = C * height * width (C = 1 or 3) and min-max scaled on its own:
// CIFAR-10's (10, 3072) gives ten 32x32 RGB images, Fashion-MNIST's (10, 784) ten 28x28 grey ones.
ByteImage weight_row_image(const Tensor& weight, std::int64_t row, std::int64_t height, std::int64_t width);
std::vector<ByteImage> weight_row_images(const Tensor& weight, std::int64_t height, std::int64_t width);

}  // namespace nnlab::analysis
