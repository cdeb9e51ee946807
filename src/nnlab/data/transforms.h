#pragma once
// Transforms of image batches (N, C, H, W), float32 or float64, applied per example; the
// random ones draw from the Rng they are given (DataLoader passes one per batch). Each returns
// a new tensor and throws ShapeError for inputs that are not 4-D, ValueError for bad arguments.
#include <cstdint>
#include <vector>

#include "nnlab/core/rng.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::data {

// (x - mean[c]) / std[c] for each channel c (torchvision.transforms.Normalize); mean and std
// have C entries and every std is positive.
Tensor normalize(const Tensor& images, const std::vector<double>& mean, const std::vector<double>& std);

// Mirrors each image left-right with probability p, one uniform draw per example in order
// (torchvision.transforms.RandomHorizontalFlip).
Tensor random_horizontal_flip(const Tensor& images, Rng& rng, double p = 0.5);

// Shifts each image by (dy, dx), each drawn uniformly from [-max_shift, max_shift] (dy first),
// so out[y][x] = in[y - dy][x - dx]; pixels shifted in from outside are 0.
Tensor random_translation(const Tensor& images, std::int64_t max_shift, Rng& rng);

// Pads each image with `padding` zeros on every side, then takes a size x size window at a
// uniformly drawn position (top first, then left): (N, C, H, W) -> (N, C, size, size)
// (torchvision.transforms.RandomCrop). size must fit in the padded image.
Tensor random_crop(const Tensor& images, std::int64_t size, Rng& rng, std::int64_t padding = 0);

}  // namespace nnlab::data
