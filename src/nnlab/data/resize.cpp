// Antialiased bilinear resize: the coefficients of Pillow's precompute_coeffs (and PyTorch's
// _compute_indices_min_size_weights_aa) for the triangle filter, applied separably in T.
#include "nnlab/data/resize.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::data {
namespace {

// Legend: C channels, H x W the input's size, height x width the output's.

// A thread gets at least this many output values (a few multiply-adds each), so that small
// batches run inline: waking threads costs microseconds.
constexpr std::int64_t kOutputsPerChunk = std::int64_t{1} << 15;

// The input pixels first .. first + weights.size() - 1 that make one output pixel.
template <typename T>
struct Taps {
  std::int64_t first = 0;
  std::vector<T> weights;  // non-negative, sum to 1 up to rounding
};

// One output pixel per entry: its centre maps to (o + 0.5) * scale in input pixels, and the
// triangle's half width is max(scale, 1) input pixels. Both ends are truncated as Pillow's and
// PyTorch's (int) casts do, clamped into the image, and the weights renormalised (at a border the
// triangle is cut). Computed in double; PyTorch computes them in the input's type, which moves
// float32 results by about 1e-7.
template <typename T>
std::vector<Taps<T>> triangle_taps(std::int64_t in_size, std::int64_t out_size) {
  const double scale = static_cast<double>(in_size) / static_cast<double>(out_size);
  const double half_width = std::max(scale, 1.0);
  std::vector<Taps<T>> taps(static_cast<std::size_t>(out_size));
  for (std::int64_t o = 0; o < out_size; ++o) {
    const double center = (static_cast<double>(o) + 0.5) * scale;
    const auto first = std::max<std::int64_t>(static_cast<std::int64_t>(center - half_width + 0.5), 0);
    const auto last = std::min<std::int64_t>(static_cast<std::int64_t>(center + half_width + 0.5), in_size);
    std::vector<double> weights;
    double total = 0.0;
    for (std::int64_t i = first; i < last; ++i) {
      weights.push_back(std::max(0.0, 1.0 - std::abs((static_cast<double>(i) - center + 0.5) / half_width)));
      total += weights.back();
    }
    NNLAB_DCHECK(total > 0.0);
    Taps<T>& t = taps[static_cast<std::size_t>(o)];
    t.first = first;
    for (double w : weights) t.weights.push_back(static_cast<T>(w / total));
  }
  return taps;
}

// The taps of both axes for one pair of sizes.
template <typename T>
struct Resampler {
  std::int64_t channels = 0;
  ImageSize from{}, to{};
  std::vector<Taps<T>> across{}, down{};  // empty for an axis whose size does not change

  // Values of the intermediate image (C, H, width) when both axes change, else 0.
  std::int64_t scratch_size() const { return across.empty() || down.empty() ? 0 : channels * from.height * to.width; }
};

template <typename T>
Resampler<T> make_resampler(std::int64_t channels, ImageSize from, ImageSize to) {
  Resampler<T> r{.channels = channels, .from = from, .to = to};
  if (from.width != to.width) r.across = triangle_taps<T>(from.width, to.width);
  if (from.height != to.height) r.down = triangle_taps<T>(from.height, to.height);
  return r;
}

// rows of in_width values -> rows of across.size() values.
template <typename T>
void resample_rows(const T* in, std::int64_t rows, std::int64_t in_width, const std::vector<Taps<T>>& across, T* out) {
  const auto out_width = static_cast<std::int64_t>(across.size());
  for (std::int64_t row = 0; row < rows; ++row) {
    for (std::int64_t x = 0; x < out_width; ++x) {
      const Taps<T>& t = across[static_cast<std::size_t>(x)];
      const T* src = in + row * in_width + t.first;
      T sum = 0;
      for (std::size_t k = 0; k < t.weights.size(); ++k) sum += t.weights[k] * src[k];
      out[row * out_width + x] = sum;
    }
  }
}

// planes of (in_height, width) -> planes of (down.size(), width).
template <typename T>
void resample_columns(const T* in, std::int64_t planes, std::int64_t in_height, std::int64_t width,
                      const std::vector<Taps<T>>& down, T* out) {
  const auto out_height = static_cast<std::int64_t>(down.size());
  for (std::int64_t p = 0; p < planes; ++p) {
    for (std::int64_t y = 0; y < out_height; ++y) {
      const Taps<T>& t = down[static_cast<std::size_t>(y)];
      for (std::int64_t x = 0; x < width; ++x) {
        const T* src = in + (p * in_height + t.first) * width + x;
        T sum = 0;
        for (std::size_t k = 0; k < t.weights.size(); ++k)
          sum += t.weights[k] * src[static_cast<std::int64_t>(k) * width];
        out[(p * out_height + y) * width + x] = sum;
      }
    }
  }
}

// One image (C, H, W) in `in` -> (C, height, width) in `out`; `scratch` holds r.scratch_size().
template <typename T>
void resize_one(const T* in, const Resampler<T>& r, T* scratch, T* out) {
  const std::int64_t c = r.channels;
  if (r.across.empty() && r.down.empty()) {
    std::copy(in, in + c * r.from.height * r.from.width, out);
  } else if (r.down.empty()) {
    resample_rows(in, c * r.from.height, r.from.width, r.across, out);
  } else if (r.across.empty()) {
    resample_columns(in, c, r.from.height, r.from.width, r.down, out);
  } else {
    resample_rows(in, c * r.from.height, r.from.width, r.across, scratch);
    resample_columns(scratch, c, r.from.height, r.to.width, r.down, out);
  }
}

template <typename T>
void resize_all(const Tensor& in, const Tensor& out) {
  const auto r = make_resampler<T>(in.size(1), {in.size(2), in.size(3)}, {out.size(2), out.size(3)});
  const std::int64_t in_image = in.numel() / std::max<std::int64_t>(in.size(0), 1);
  const std::int64_t out_image = out.numel() / std::max<std::int64_t>(out.size(0), 1);
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  const std::int64_t grain = std::max<std::int64_t>(kOutputsPerChunk / std::max<std::int64_t>(out_image, 1), 1);
  parallel_for(0, in.size(0), grain, [&](std::int64_t begin, std::int64_t end) {
    std::vector<T> scratch(static_cast<std::size_t>(r.scratch_size()));
    for (std::int64_t n = begin; n < end; ++n) resize_one(src + n * in_image, r, scratch.data(), dst + n * out_image);
  });
}

}  // namespace

Tensor resize_images(const Tensor& images, std::int64_t height, std::int64_t width) {
  check_defined(images, "resize_images");
  NNLAB_CHECK(images.dim() == 4, ShapeError, "resize_images: expected images (N, C, H, W), got shape {}",
              images.shape());
  check_floating(images, "resize_images");
  NNLAB_CHECK(height >= 1 && width >= 1, ValueError,
              "resize_images: expected a size of at least 1x1 (height x width), got {}x{}", height, width);
  NNLAB_CHECK(images.size(2) >= 1 && images.size(3) >= 1, ShapeError,
              "resize_images: expected images of at least 1x1 pixels, got shape {}", images.shape());
  const Tensor in = contiguous(images);
  Tensor out = Tensor::empty({in.size(0), in.size(1), height, width}, in.dtype());
  if (in.dtype() == DType::f64) {
    resize_all<double>(in, out);
  } else {
    resize_all<float>(in, out);
  }
  return out;
}

void resize_image(std::span<const float> in, std::int64_t channels, ImageSize from, ImageSize to,
                  std::span<float> out) {
  NNLAB_DCHECK(static_cast<std::int64_t>(in.size()) == channels * from.height * from.width);
  NNLAB_DCHECK(static_cast<std::int64_t>(out.size()) == channels * to.height * to.width);
  const auto r = make_resampler<float>(channels, from, to);
  std::vector<float> scratch(static_cast<std::size_t>(r.scratch_size()));
  resize_one(in.data(), r, scratch.data(), out.data());
}

}  // namespace nnlab::data
