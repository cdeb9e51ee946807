#pragma once
// Image resizing with antialiased bilinear filtering: torchvision's Resize((height, width)) on
// tensors (antialias=True), that is torch.nn.functional.interpolate(mode="bilinear",
// align_corners=False, antialias=True), whose coefficients are those of Pillow's ImagingResample.
#include <cstdint>
#include <span>

#include "nnlab/tensor/tensor.h"

namespace nnlab::data {

struct ImageSize {
  std::int64_t height = 0;
  std::int64_t width = 0;
};

// images (N, C, H, W) float32 or float64 -> a new contiguous (N, C, height, width) tensor.
// Each output pixel is a weighted mean of the input pixels under a triangle centred on it (pixel
// centres at i + 0.5): enlarging, the triangle spans one input pixel each side, which is plain
// bilinear interpolation; shrinking, it widens by the scale, so every input pixel contributes and
// nothing aliases. Rows are resized first, then columns, as PyTorch and Pillow do, in the input's
// type (no rounding to bytes between the passes as Pillow's 8-bit images have, so values can
// differ from Pillow's by about 1/255). A size that does not change is copied exactly. Values are
// not clamped: they stay within the input's range up to rounding.
// Images are resized in parallel; results do not depend on the thread count.
// Throws ShapeError for input that is not 4-D or has an empty image, DTypeError for other types,
// ValueError for height or width < 1.
Tensor resize_images(const Tensor& images, std::int64_t height, std::int64_t width);

// One planar image, the step resize_images takes per image, for readers that resize while
// decoding: `in` holds (channels, from.height, from.width) floats, `out` receives
// (channels, to.height, to.width). The caller checks the sizes (all >= 1, spans that fit).
void resize_image(std::span<const float> in, std::int64_t channels, ImageSize from, ImageSize to, std::span<float> out);

}  // namespace nnlab::data
