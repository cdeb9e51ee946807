#include "nnlab/data/transforms.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "nnlab/core/check.h"
#include "nnlab/core/checked_arithmetic.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::data {

namespace {

// Legend: N examples, C channels, H rows, W columns; images are contiguous (N, C, H, W).
struct Dims {
  std::int64_t n, c, h, w;
};

Dims check_images(const Tensor& images, const char* where) {
  check_defined(images, where);
  check_rank(images, 4, where);
  check_floating(images, where);
  return {images.size(0), images.size(1), images.size(2), images.size(3)};
}

// out[n, :, y, x] = in[n, :, y + top, x + left] where that lies inside in, else 0, for an out
// of (oh, ow) pixels; one (top, left) per example.
template <typename T>
void shifted_copy(const Tensor& in, const Tensor& out, Dims d, std::int64_t n, std::int64_t top, std::int64_t left) {
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  const std::int64_t oh = out.size(2), ow = out.size(3);
  for (std::int64_t c = 0; c < d.c; ++c) {
    const T* plane = src + (n * d.c + c) * d.h * d.w;
    T* out_plane = dst + (n * d.c + c) * oh * ow;
    for (std::int64_t y = 0; y < oh; ++y) {
      const std::int64_t sy = y + top;
      for (std::int64_t x = 0; x < ow; ++x) {
        const std::int64_t sx = x + left;
        const bool inside = sy >= 0 && sy < d.h && sx >= 0 && sx < d.w;
        out_plane[y * ow + x] = inside ? plane[sy * d.w + sx] : T(0);
      }
    }
  }
}

void shifted_copy(const Tensor& in, const Tensor& out, Dims d, std::int64_t n, std::int64_t top, std::int64_t left) {
  if (in.dtype() == DType::f64) {
    shifted_copy<double>(in, out, d, n, top, left);
  } else {
    shifted_copy<float>(in, out, d, n, top, left);
  }
}

template <typename T>
void flip_example(const Tensor& images, Dims d, std::int64_t n) {
  T* p = images.data<T>() + n * d.c * d.h * d.w;
  for (std::int64_t row = 0; row < d.c * d.h; ++row) {
    T* line = p + row * d.w;
    for (std::int64_t x = 0; x < d.w / 2; ++x) std::swap(line[x], line[d.w - 1 - x]);
  }
}

template <typename T>
void normalize_channels(const Tensor& images, Dims d, const std::vector<double>& mean, const std::vector<double>& std) {
  T* p = images.data<T>();
  const std::int64_t plane = d.h * d.w;
  for (std::int64_t i = 0; i < d.n * d.c; ++i) {
    const auto c = static_cast<std::size_t>(i % d.c);
    for (std::int64_t j = 0; j < plane; ++j) {
      T& v = p[i * plane + j];
      v = static_cast<T>((static_cast<double>(v) - mean[c]) / std[c]);
    }
  }
}

}  // namespace

Tensor normalize(const Tensor& images, const std::vector<double>& mean, const std::vector<double>& std) {
  const Dims d = check_images(images, "normalize");
  NNLAB_CHECK(mean.size() == static_cast<std::size_t>(d.c) && std.size() == mean.size(), ValueError,
              "normalize: {} means and stds (one per channel) expected, got {} and {}", d.c, mean.size(), std.size());
  for (double s : std) NNLAB_CHECK(s > 0.0, ValueError, "normalize: every std must be positive, got {}", s);
  Tensor out = clone(images);
  if (out.dtype() == DType::f64) {
    normalize_channels<double>(out, d, mean, std);
  } else {
    normalize_channels<float>(out, d, mean, std);
  }
  return out;
}

Tensor random_horizontal_flip(const Tensor& images, Rng& rng, double p) {
  const Dims d = check_images(images, "random_horizontal_flip");
  NNLAB_CHECK(p >= 0.0 && p <= 1.0, ValueError, "random_horizontal_flip: p in [0, 1] expected, got {}", p);
  Tensor out = clone(images);
  for (std::int64_t n = 0; n < d.n; ++n) {
    if (rng.uniform() >= p) continue;
    if (out.dtype() == DType::f64) {
      flip_example<double>(out, d, n);
    } else {
      flip_example<float>(out, d, n);
    }
  }
  return out;
}

Tensor random_translation(const Tensor& images, std::int64_t max_shift, Rng& rng) {
  const Dims d = check_images(images, "random_translation");
  NNLAB_CHECK(max_shift >= 0, ValueError, "random_translation: max_shift must be >= 0, got {}", max_shift);
  // 2·max_shift + 1 shifts to choose from must fit in int64.
  NNLAB_CHECK(max_shift < std::int64_t{1} << 62, ValueError, "random_translation: max_shift must be < 2^62, got {}",
              max_shift);
  const Tensor in = contiguous(images);
  Tensor out = Tensor::empty(in.shape(), in.dtype());
  const auto choices = static_cast<std::uint64_t>(2 * max_shift + 1);
  for (std::int64_t n = 0; n < d.n; ++n) {
    const std::int64_t dy = static_cast<std::int64_t>(rng.below(choices)) - max_shift;
    const std::int64_t dx = static_cast<std::int64_t>(rng.below(choices)) - max_shift;
    shifted_copy(in, out, d, n, -dy, -dx);  // out[y][x] = in[y - dy][x - dx]
  }
  return out;
}

Tensor random_crop(const Tensor& images, std::int64_t size, Rng& rng, std::int64_t padding) {
  const Dims d = check_images(images, "random_crop");
  NNLAB_CHECK(padding >= 0, ValueError, "random_crop: padding must be >= 0, got {}", padding);
  // The padded sizes, checked: a padding near 2^62 would take them past int64.
  const std::optional<std::int64_t> twice = checked_mul(2, padding);
  const std::optional<std::int64_t> padded_h = twice ? checked_add(d.h, *twice) : std::nullopt;
  const std::optional<std::int64_t> padded_w = twice ? checked_add(d.w, *twice) : std::nullopt;
  NNLAB_CHECK(padded_h && padded_w, ValueError,
              "random_crop: padding must leave padded images of at most 2^63 - 1 pixels a side, got {} for images {}",
              padding, images.shape());
  NNLAB_CHECK(size >= 1 && size <= *padded_h && size <= *padded_w, ValueError,
              "random_crop: size in [1, {}] expected for images {} padded by {}, got {}",
              std::min(*padded_h, *padded_w), images.shape(), padding, size);
  const Tensor in = contiguous(images);
  Tensor out = Tensor::empty({d.n, d.c, size, size}, in.dtype());
  for (std::int64_t n = 0; n < d.n; ++n) {
    // window corner in padded coordinates, then shifted back to the unpadded image's
    const auto top = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(*padded_h - size + 1)));
    const auto left = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(*padded_w - size + 1)));
    shifted_copy(in, out, d, n, top - padding, left - padding);
  }
  return out;
}

}  // namespace nnlab::data
