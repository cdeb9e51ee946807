// Convolution kernels: the direct loops by hand, oneDNN against them (float32) on layer-sized
// geometries with stride, padding, dilation and groups, the primitive cache, concurrent calls,
// and the dispatch's backend choice.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "nnlab/core/parallel.h"
#include "nnlab/core/rng.h"
#include "nnlab/kernels/conv.h"
#include "nnlab/kernels/cpu/conv_backends.h"

namespace nnlab::kernels {
namespace {

struct Params {
  std::int64_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dilation_h = 1, dilation_w = 1, groups = 1;
};

// (N, C, H, W) convolved with O filters of KH x KW, output size worked out as torch does.
Conv2dGeometry geometry(std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w, std::int64_t o, std::int64_t kh,
                        std::int64_t kw, Params p = {}) {
  Conv2dGeometry g{.batch = n,
                   .in_channels = c,
                   .in_h = h,
                   .in_w = w,
                   .out_channels = o,
                   .kernel_h = kh,
                   .kernel_w = kw,
                   .stride_h = p.stride_h,
                   .stride_w = p.stride_w,
                   .pad_h = p.pad_h,
                   .pad_w = p.pad_w,
                   .dilation_h = p.dilation_h,
                   .dilation_w = p.dilation_w,
                   .groups = p.groups};
  g.out_h = (h + 2 * p.pad_h - p.dilation_h * (kh - 1) - 1) / p.stride_h + 1;
  g.out_w = (w + 2 * p.pad_w - p.dilation_w * (kw - 1) - 1) / p.stride_w + 1;
  return g;
}

struct Case {
  std::string name;
  Conv2dGeometry g;
};

// Layer-like shapes, odd and non-square sizes, every parameter off its default somewhere.
const std::vector<Case> kCases = {
    {"3x3 same", geometry(8, 16, 12, 12, 32, 3, 3, {.pad_h = 1, .pad_w = 1})},
    {"first layer", geometry(4, 3, 32, 32, 16, 3, 3, {.pad_h = 1, .pad_w = 1})},
    {"stride 2 odd sizes", geometry(3, 8, 15, 17, 24, 3, 3, {.stride_h = 2, .stride_w = 2, .pad_h = 1, .pad_w = 1})},
    {"dilation 2", geometry(2, 8, 14, 14, 8, 3, 3, {.dilation_h = 2, .dilation_w = 2})},
    {"groups 4", geometry(2, 16, 10, 10, 32, 3, 3, {.pad_h = 1, .pad_w = 1, .groups = 4})},
    {"depthwise", geometry(2, 16, 11, 9, 16, 3, 3, {.pad_h = 1, .pad_w = 1, .groups = 16})},
    {"1x1", geometry(4, 32, 9, 9, 16, 1, 1)},
    {"mixed",
     geometry(2, 6, 13, 16, 10, 5, 3,
              {.stride_h = 2, .stride_w = 1, .pad_h = 2, .pad_w = 0, .dilation_h = 1, .dilation_w = 2, .groups = 2})},
    {"padding over half the kernel", geometry(2, 4, 7, 7, 8, 3, 3, {.pad_h = 3, .pad_w = 2})},
};

std::vector<float> random_values(std::int64_t count, std::uint64_t seed) {
  std::vector<float> values(static_cast<std::size_t>(count));
  Rng(seed).fill_normal(std::span<float>(values), 0.0, 1.0);
  return values;
}

std::vector<double> absolute(const std::vector<float>& v) {
  std::vector<double> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = std::abs(static_cast<double>(v[i]));
  return out;
}

std::vector<float> nan_filled(std::int64_t count) {
  return std::vector<float>(static_cast<std::size_t>(count), std::numeric_limits<float>::quiet_NaN());
}

// Every element within the rounding bound 2·(terms + 2)·eps·Σ|products| of a sum of `terms`
// products (magnitude holds Σ|products|, from the reference run on absolute values), so no
// geometry can fail by accident while a wrong index or a missing term still does. A NaN left in
// `got` (an element never written) fails too.
::testing::AssertionResult within_rounding(const std::vector<float>& got, const std::vector<float>& want,
                                           const std::vector<double>& magnitude, std::int64_t terms) {
  const double eps = std::numeric_limits<float>::epsilon();
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double bound = 2.0 * static_cast<double>(terms + 2) * eps * magnitude[i] + 1e-30;
    if (!(std::abs(static_cast<double>(got[i]) - want[i]) <= bound)) {
      return ::testing::AssertionFailure()
             << "element " << i << ": " << got[i] << ", reference " << want[i] << " (bound " << bound << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

struct Sizes {
  std::int64_t x, weight, out;
};

Sizes sizes_of(const Conv2dGeometry& g) {
  return {g.batch * g.in_channels * g.in_h * g.in_w,
          g.out_channels * (g.in_channels / g.groups) * g.kernel_h * g.kernel_w,
          g.batch * g.out_channels * g.out_h * g.out_w};
}

TEST(ConvReference, ValuesByHand) {
  // x (1, 1, 3, 3) = 1..9, weight (1, 1, 2, 2) = [[1, 0], [0, -1]], bias 10:
  // out[i, j] = x[i, j] - x[i + 1, j + 1] + 10 = -4 + 10 everywhere.
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w = {1, 0, 0, -1}, b = {10};
  std::vector<double> out(4);
  const Conv2dGeometry g = geometry(1, 1, 3, 3, 1, 2, 2);
  cpu::conv2d_forward_reference<double>(g, x.data(), w.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<double>{6, 6, 6, 6}));
  // dx = Σ over outputs of dout · w at the taps: dout = 1 everywhere puts +1 on x[0..1, 0..1]
  // and -1 on x[1..2, 1..2].
  const std::vector<double> dout = {1, 1, 1, 1};
  std::vector<double> dx(9), dw(4), db(1);
  cpu::conv2d_backward_data_reference<double>(g, dout.data(), w.data(), dx.data());
  EXPECT_EQ(dx, (std::vector<double>{1, 1, 0, 1, 0, -1, 0, -1, -1}));
  // dw[kh, kw] = Σ of the 2x2 block of x at offset (kh, kw): 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9.
  cpu::conv2d_backward_weights_reference<double>(g, x.data(), dout.data(), dw.data(), db.data());
  EXPECT_EQ(dw, (std::vector<double>{12, 16, 24, 28}));
  EXPECT_EQ(db, (std::vector<double>{4}));
}

TEST(ConvDnnl, ForwardMatchesReference) {
  for (const Case& c : kCases) {
    const Sizes s = sizes_of(c.g);
    const auto x = random_values(s.x, 1), w = random_values(s.weight, 2), b = random_values(c.g.out_channels, 3);
    std::vector<float> got = nan_filled(s.out), got_no_bias = nan_filled(s.out), want(s.out), want_no_bias(s.out);
    std::vector<double> magnitude(s.out);
    cpu::conv2d_forward_dnnl(c.g, x.data(), w.data(), b.data(), got.data());
    cpu::conv2d_forward_dnnl(c.g, x.data(), w.data(), nullptr, got_no_bias.data());
    cpu::conv2d_forward_reference<float>(c.g, x.data(), w.data(), b.data(), want.data());
    cpu::conv2d_forward_reference<float>(c.g, x.data(), w.data(), nullptr, want_no_bias.data());
    cpu::conv2d_forward_reference<double>(c.g, absolute(x).data(), absolute(w).data(), absolute(b).data(),
                                          magnitude.data());
    const std::int64_t terms = s.weight / c.g.out_channels + 1;
    EXPECT_TRUE(within_rounding(got, want, magnitude, terms)) << c.name;
    EXPECT_TRUE(within_rounding(got_no_bias, want_no_bias, magnitude, terms)) << c.name << ", no bias";
  }
}

TEST(ConvDnnl, BackwardDataMatchesReference) {
  for (const Case& c : kCases) {
    const Sizes s = sizes_of(c.g);
    const auto dout = random_values(s.out, 4), w = random_values(s.weight, 5);
    std::vector<float> got = nan_filled(s.x), want(s.x);
    std::vector<double> magnitude(s.x);
    cpu::conv2d_backward_data_dnnl(c.g, dout.data(), w.data(), got.data());
    cpu::conv2d_backward_data_reference<float>(c.g, dout.data(), w.data(), want.data());
    cpu::conv2d_backward_data_reference<double>(c.g, absolute(dout).data(), absolute(w).data(), magnitude.data());
    const std::int64_t terms = c.g.out_channels / c.g.groups * c.g.kernel_h * c.g.kernel_w;
    EXPECT_TRUE(within_rounding(got, want, magnitude, terms)) << c.name;
  }
}

// backward_weights with and without the bias gradient on every case, against the loops.
void expect_weight_gradients_match(const std::vector<Case>& cases,
                                   void (*backward_weights)(const Conv2dGeometry&, const float*, const float*, float*,
                                                            float*)) {
  for (const Case& c : cases) {
    const Sizes s = sizes_of(c.g);
    const auto x = random_values(s.x, 6), dout = random_values(s.out, 7);
    std::vector<float> dw = nan_filled(s.weight), db = nan_filled(c.g.out_channels), dw_alone = nan_filled(s.weight);
    std::vector<float> want_dw(s.weight), want_db(c.g.out_channels);
    std::vector<double> magnitude_dw(s.weight), magnitude_db(c.g.out_channels);
    backward_weights(c.g, x.data(), dout.data(), dw.data(), db.data());
    backward_weights(c.g, x.data(), dout.data(), dw_alone.data(), nullptr);
    cpu::conv2d_backward_weights_reference<float>(c.g, x.data(), dout.data(), want_dw.data(), want_db.data());
    cpu::conv2d_backward_weights_reference<double>(c.g, absolute(x).data(), absolute(dout).data(), magnitude_dw.data(),
                                                   magnitude_db.data());
    const std::int64_t terms = c.g.batch * c.g.out_h * c.g.out_w;
    EXPECT_TRUE(within_rounding(dw, want_dw, magnitude_dw, terms)) << c.name;
    EXPECT_TRUE(within_rounding(dw_alone, want_dw, magnitude_dw, terms)) << c.name;
    EXPECT_TRUE(within_rounding(db, want_db, magnitude_db, terms)) << c.name;
  }
}

TEST(ConvDnnl, BackwardWeightsMatchesReference) {
  expect_weight_gradients_match(kCases, cpu::conv2d_backward_weights_dnnl);
}

// First layers (3x3, stride 1, 1-7 input channels): map widths below, at and past a vector of 8
// and one not a multiple of it, padding 0, 1 and 2, a non-square map, one image and several.
TEST(ConvFirstLayer, WeightGradientMatchesReference) {
  const std::vector<Case> cases = {
      {"1 channel 28x28 pad 1", geometry(4, 1, 28, 28, 32, 3, 3, {.pad_h = 1, .pad_w = 1})},
      {"3 channels 9x13 pad 0", geometry(3, 3, 9, 13, 5, 3, 3)},
      {"7 channels 8x8 pad 2", geometry(2, 7, 8, 8, 6, 3, 3, {.pad_h = 2, .pad_w = 2})},
      {"2 channels 5x21 pad 1/0", geometry(1, 2, 5, 21, 3, 3, 3, {.pad_h = 1})},
      {"1 channel 3x3 pad 0", geometry(2, 1, 3, 3, 4, 3, 3)},
  };
  for (const Case& c : cases) ASSERT_TRUE(cpu::conv_first_layer_suits(c.g)) << c.name;
  expect_weight_gradients_match(cases, cpu::conv2d_backward_weights_first_layer);
  EXPECT_FALSE(cpu::conv_first_layer_suits(geometry(2, 8, 8, 8, 4, 3, 3)));  // 8 channels: oneDNN's block
  EXPECT_FALSE(cpu::conv_first_layer_suits(geometry(2, 1, 8, 8, 4, 3, 3, {.stride_h = 2, .stride_w = 2})));
  EXPECT_FALSE(cpu::conv_first_layer_suits(geometry(2, 1, 8, 8, 4, 5, 5)));
}

// Threads split output channels; every sum keeps its order, so one thread and two agree bit for bit.
TEST(ConvFirstLayer, SameBitsForAnyThreadCount) {
  const Conv2dGeometry g = geometry(5, 3, 17, 19, 9, 3, 3, {.pad_h = 1, .pad_w = 1});
  const Sizes s = sizes_of(g);
  const auto x = random_values(s.x, 23), dout = random_values(s.out, 24);
  std::vector<float> one(s.weight), two(s.weight), db_one(g.out_channels), db_two(g.out_channels);
  const int saved = num_threads();
  set_num_threads(1);
  cpu::conv2d_backward_weights_first_layer(g, x.data(), dout.data(), one.data(), db_one.data());
  set_num_threads(2);
  cpu::conv2d_backward_weights_first_layer(g, x.data(), dout.data(), two.data(), db_two.data());
  set_num_threads(saved);
  EXPECT_EQ(one, two);
  EXPECT_EQ(db_one, db_two);
}

// The training path: the forward keeps its converted input, one backward call gives all three
// gradients from it and converts dout once. Same primitives on the same numbers: bit-identical
// to the separate calls, including the two inputs the first layer's forward leaves unconverted.
TEST(ConvDnnl, BackwardFromKeptInputEqualsSeparateCalls) {
  std::int64_t kept_count = 0;
  for (const Case& c : kCases) {
    const Sizes s = sizes_of(c.g);
    const auto x = random_values(s.x, 13), w = random_values(s.weight, 14), dout = random_values(s.out, 15);
    std::vector<float> out(s.out), dx = nan_filled(s.x), dw = nan_filled(s.weight), db = nan_filled(c.g.out_channels);
    std::vector<float> want_dx(s.x), want_dw(s.weight), want_db(c.g.out_channels);
    std::shared_ptr<const cpu::DnnlBuffer> kept;
    cpu::conv2d_forward_dnnl(c.g, x.data(), w.data(), nullptr, out.data(), &kept);
    kept_count += kept != nullptr;
    // x is passed as null when the forward kept it: the backward must not read it.
    cpu::conv2d_backward_dnnl(c.g, dout.data(), w.data(), kept != nullptr ? nullptr : x.data(), kept.get(), dx.data(),
                              dw.data(), db.data());
    cpu::conv2d_backward_data_dnnl(c.g, dout.data(), w.data(), want_dx.data());
    cpu::conv2d_backward_weights_dnnl(c.g, x.data(), dout.data(), want_dw.data(), want_db.data());
    EXPECT_EQ(dx, want_dx) << c.name;
    EXPECT_EQ(dw, want_dw) << c.name;
    EXPECT_EQ(db, want_db) << c.name;
  }
  EXPECT_GT(kept_count, 0);  // the kept path ran
}

// The unfolded-window gradients on small maps (where dispatch uses them: ResNet's last stages,
// its strided 1x1 shortcut) and on the general cases with one group.
TEST(ConvIm2col, GradientsMatchReference) {
  std::vector<Case> cases = {
      {"2x2 map", geometry(3, 16, 2, 2, 8, 3, 3, {.pad_h = 1, .pad_w = 1})},
      {"4x4 -> 2x2 stride 2", geometry(2, 8, 4, 4, 16, 3, 3, {.stride_h = 2, .stride_w = 2, .pad_h = 1, .pad_w = 1})},
      {"1x1 stride 2 shortcut", geometry(4, 8, 4, 4, 16, 1, 1, {.stride_h = 2, .stride_w = 2})},
      {"dilated 3x3 map", geometry(2, 4, 3, 3, 5, 3, 3, {.pad_h = 2, .pad_w = 2, .dilation_h = 2, .dilation_w = 2})},
  };
  for (const Case& c : kCases) {
    if (c.g.groups == 1) cases.push_back(c);
  }
  for (const Case& c : cases) {
    const Sizes s = sizes_of(c.g);
    const auto x = random_values(s.x, 19), w = random_values(s.weight, 20), dout = random_values(s.out, 21);
    std::vector<float> dx = nan_filled(s.x), dw = nan_filled(s.weight), db = nan_filled(c.g.out_channels);
    std::vector<float> want_dx(s.x), want_dw(s.weight), want_db(c.g.out_channels);
    std::vector<double> magnitude_dx(s.x), magnitude_dw(s.weight), magnitude_db(c.g.out_channels);
    cpu::conv2d_backward_im2col(c.g, dout.data(), w.data(), x.data(), dx.data(), dw.data(), db.data());
    cpu::conv2d_backward_data_reference<float>(c.g, dout.data(), w.data(), want_dx.data());
    cpu::conv2d_backward_weights_reference<float>(c.g, x.data(), dout.data(), want_dw.data(), want_db.data());
    cpu::conv2d_backward_data_reference<double>(c.g, absolute(dout).data(), absolute(w).data(), magnitude_dx.data());
    cpu::conv2d_backward_weights_reference<double>(c.g, absolute(x).data(), absolute(dout).data(), magnitude_dw.data(),
                                                   magnitude_db.data());
    const std::int64_t sum_terms = c.g.batch * c.g.out_h * c.g.out_w;
    EXPECT_TRUE(within_rounding(dx, want_dx, magnitude_dx, c.g.out_channels * c.g.kernel_h * c.g.kernel_w)) << c.name;
    EXPECT_TRUE(within_rounding(dw, want_dw, magnitude_dw, sum_terms)) << c.name;
    EXPECT_TRUE(within_rounding(db, want_db, magnitude_db, sum_terms)) << c.name;
  }
  EXPECT_TRUE(cpu::conv_im2col_suits(cases[0].g));
  EXPECT_FALSE(cpu::conv_im2col_suits(kCases[0].g));  // 12x12 maps stay on oneDNN
}

TEST(ConvDnnl, CacheKeepsAtMostSixtyFourPrimitivesAndStaysCorrect) {
  const auto x = random_values(2 * 2 * 9 * 9, 8), w = random_values(2 * 2 * 3 * 3, 9);
  // 70 distinct geometries (input widths 9..78) overflow the cache of 64.
  for (std::int64_t width = 9; width < 79; ++width) {
    const Conv2dGeometry g = geometry(1, 2, 9, width, 2, 3, 3);
    std::vector<float> wide_x = random_values(2 * 9 * width, 10), out(static_cast<std::size_t>(2 * 7 * (width - 2)));
    cpu::conv2d_forward_dnnl(g, wide_x.data(), w.data(), nullptr, out.data());
  }
  EXPECT_EQ(cpu::conv_dnnl_cache_size(), 64u);
  // The first geometries were evicted; running one again rebuilds it and gives the same numbers.
  const Conv2dGeometry g = geometry(2, 2, 9, 9, 2, 3, 3);
  std::vector<float> first(2 * 2 * 7 * 7), again(first.size());
  cpu::conv2d_forward_dnnl(g, x.data(), w.data(), nullptr, first.data());
  cpu::conv2d_forward_dnnl(g, x.data(), w.data(), nullptr, again.data());
  EXPECT_EQ(first, again);
}

TEST(ConvDnnl, ConcurrentCallsShareOnePrimitiveSafely) {
  const Conv2dGeometry g = kCases[0].g;
  const Sizes s = sizes_of(g);
  const auto x = random_values(s.x, 11), w = random_values(s.weight, 12);
  std::vector<float> want(s.out);
  std::vector<double> magnitude(s.out);
  cpu::conv2d_forward_reference<float>(g, x.data(), w.data(), nullptr, want.data());
  cpu::conv2d_forward_reference<double>(g, absolute(x).data(), absolute(w).data(), nullptr, magnitude.data());
  std::vector<std::vector<float>> results(4, std::vector<float>(s.out));
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] {
      for (int repeat = 0; repeat < 10; ++repeat)
        cpu::conv2d_forward_dnnl(g, x.data(), w.data(), nullptr, result.data());
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& result : results) EXPECT_TRUE(within_rounding(result, want, magnitude, s.weight / g.out_channels));
}

TEST(ConvDispatch, ChoosesOneDnnlForFloat32AboveTinySizes) {
  EXPECT_EQ(choose_conv_backend(DType::f64, kCases[0].g), ConvBackend::reference);
  EXPECT_EQ(choose_conv_backend(DType::f32, kCases[0].g), ConvBackend::dnnl);
  EXPECT_EQ(choose_conv_backend(DType::f32, geometry(1, 1, 3, 3, 1, 2, 2)), ConvBackend::reference);
  EXPECT_EQ(choose_conv_backend(DType::f32, geometry(0, 16, 12, 12, 32, 3, 3)), ConvBackend::reference);
}

}  // namespace
}  // namespace nnlab::kernels
