#include <gtest/gtest.h>

#include <limits>

#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/data/transforms.h"
#include "testing/asserts.h"

namespace nnlab::data {

namespace {

// (N, 1, 2, 3) images; example n holds 10 n + 1 .. 10 n + 6 row by row.
Tensor tiny_images(std::int64_t n) {
  std::vector<float> v;
  for (std::int64_t i = 0; i < n; ++i) {
    for (int j = 1; j <= 6; ++j) v.push_back(static_cast<float>(10 * i + j));
  }
  return Tensor::from_vector<float>(v, {n, 1, 2, 3});
}

std::vector<float> example(const Tensor& images, std::int64_t n) {
  const std::vector<float> all = images.to_vector<float>();
  const std::int64_t per = images.numel() / images.size(0);
  return {all.begin() + n * per, all.begin() + (n + 1) * per};
}

}  // namespace

TEST(Transforms, FlipWithPOneMirrorsEveryRow) {
  Rng rng(0);
  const Tensor out = random_horizontal_flip(tiny_images(2), rng, 1.0);
  expect_equal(out, Tensor::from_vector<float>({3, 2, 1, 6, 5, 4, 13, 12, 11, 16, 15, 14}, {2, 1, 2, 3}));
  Rng rng0(0);
  expect_equal(random_horizontal_flip(tiny_images(2), rng0, 0.0), tiny_images(2));
}

TEST(Transforms, FlipFollowsOneDrawPerExample) {
  const Tensor images = tiny_images(64);
  Rng rng(5);
  const Tensor out = random_horizontal_flip(images, rng, 0.5);
  Rng replay(5);
  int flipped = 0;
  for (std::int64_t n = 0; n < 64; ++n) {
    const bool flip = replay.uniform() < 0.5;
    flipped += flip ? 1 : 0;
    const float b = static_cast<float>(10 * n);
    const std::vector<float> expected =
        flip ? std::vector<float>{b + 3, b + 2, b + 1, b + 6, b + 5, b + 4} : example(images, n);
    EXPECT_EQ(example(out, n), expected) << "example " << n;
  }
  EXPECT_GT(flipped, 0);
  EXPECT_LT(flipped, 64);
}

TEST(Transforms, TranslationMovesPixelsAndFillsZeros) {
  const Tensor images = tiny_images(40);
  Rng rng(2);
  const Tensor out = random_translation(images, 1, rng);
  Rng replay(2);
  for (std::int64_t n = 0; n < 40; ++n) {
    const auto dy = static_cast<std::int64_t>(replay.below(3)) - 1;
    const auto dx = static_cast<std::int64_t>(replay.below(3)) - 1;
    const std::vector<float> in = example(images, n);
    std::vector<float> expected(6, 0.0f);
    for (std::int64_t y = 0; y < 2; ++y) {
      for (std::int64_t x = 0; x < 3; ++x) {
        const std::int64_t sy = y - dy, sx = x - dx;
        if (sy >= 0 && sy < 2 && sx >= 0 && sx < 3)
          expected[static_cast<std::size_t>(y * 3 + x)] = in[static_cast<std::size_t>(sy * 3 + sx)];
      }
    }
    EXPECT_EQ(example(out, n), expected) << "example " << n << " shift (" << dy << ", " << dx << ")";
  }
}

TEST(Transforms, TranslationByZeroIsIdentity) {
  Rng rng(0);
  expect_equal(random_translation(tiny_images(3), 0, rng), tiny_images(3));
}

TEST(Transforms, TranslationExactPixelsForAKnownShift) {
  // find a seed whose first draws are dy = +1, dx = -1 for a one-example batch
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    Rng probe(seed);
    if (probe.below(3) != 2 || probe.below(3) != 0) continue;
    Rng rng(seed);
    // in = [[1 2 3] [4 5 6]] moved down one row and left one column
    expect_equal(random_translation(tiny_images(1), 1, rng),
                 Tensor::from_vector<float>({0, 0, 0, 2, 3, 0}, {1, 1, 2, 3}));
    return;
  }
  FAIL() << "no seed below 100 draws the shift (1, -1)";
}

TEST(Transforms, CropWithPaddingKeepsWindowsOfThePaddedImage) {
  const Tensor images = tiny_images(30);
  Rng rng(4);
  const Tensor out = random_crop(images, 2, rng, 1);
  EXPECT_EQ(out.shape(), Shape({30, 1, 2, 2}));
  Rng replay(4);
  for (std::int64_t n = 0; n < 30; ++n) {
    const auto top = static_cast<std::int64_t>(replay.below(3)) - 1;   // padded H 4, window 2
    const auto left = static_cast<std::int64_t>(replay.below(4)) - 1;  // padded W 5, window 2
    const std::vector<float> in = example(images, n);
    std::vector<float> expected;
    for (std::int64_t y = top; y < top + 2; ++y) {
      for (std::int64_t x = left; x < left + 2; ++x) {
        expected.push_back(y >= 0 && y < 2 && x >= 0 && x < 3 ? in[static_cast<std::size_t>(y * 3 + x)] : 0.0f);
      }
    }
    EXPECT_EQ(example(out, n), expected) << "example " << n;
  }
}

TEST(Transforms, CropWithoutPaddingStaysInside) {
  // (1, 1, 2, 3) cropped to 2 x 2: top is 0, left is 0 or 1
  Rng rng(1);
  const Tensor out = random_crop(tiny_images(1), 2, rng);
  Rng replay(1);
  replay.below(1);
  const std::vector<float> expected =
      replay.below(2) == 0 ? std::vector<float>{1, 2, 4, 5} : std::vector<float>{2, 3, 5, 6};
  EXPECT_EQ(out.to_vector<float>(), expected);
}

TEST(Transforms, NormalizePerChannel) {
  const Tensor images = Tensor::from_vector<double>({1, 3, 10, 30}, {1, 2, 1, 2});
  expect_close(normalize(images, {2, 20}, {1, 10}), Tensor::from_vector<double>({-1, 1, -1, 1}, {1, 2, 1, 2}),
               Tol::f64());
}

// 2·padding + size and 2·max_shift + 1 overflowed for values near 2^63 (a config's crop_padding).
TEST(Transforms, PaddingsAndShiftsNearInt64AreRefused) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  Rng rng(0);
  expect_throw_with<ValueError>([&] { random_crop(tiny_images(1), 2, rng, kMax); },
                                "random_crop: padding must leave padded images of at most 2^63 - 1 pixels a side, got "
                                "9223372036854775807 for images [1, 1, 2, 3]");
  expect_throw_with<ValueError>([&] { random_translation(tiny_images(1), kMax, rng); },
                                "random_translation: max_shift must be < 2^62, got 9223372036854775807");
  expect_throw_with<ValueError>([&] { random_translation(tiny_images(1), std::int64_t{1} << 62, rng); },
                                "random_translation: max_shift must be < 2^62, got 4611686018427387904");
  // The largest shift works.
  const Tensor shifted = random_translation(tiny_images(1), (std::int64_t{1} << 62) - 1, rng);
  EXPECT_EQ(shifted.shape(), tiny_images(1).shape());
}

TEST(Transforms, BadInputsAreNamed) {
  Rng rng(0);
  expect_throw_with<ShapeError>([&] { random_horizontal_flip(Tensor::zeros({2, 3}), rng); }, "random_horizontal_flip");
  expect_throw_with<ValueError>([&] { random_horizontal_flip(tiny_images(1), rng, 1.5); },
                                "random_horizontal_flip: p in [0, 1] expected, got 1.5");
  expect_throw_with<ValueError>([&] { random_translation(tiny_images(1), -1, rng); },
                                "random_translation: max_shift must be >= 0, got -1");
  expect_throw_with<ValueError>([&] { random_crop(tiny_images(1), 5, rng, 1); },
                                "random_crop: size in [1, 4] expected for images [1, 1, 2, 3] padded by 1, got 5");
  expect_throw_with<ValueError>(
      [&] {
        normalize(tiny_images(1), {0, 0}, {1, 1});
      },
      "normalize: 1 means and stds (one per channel) expected, got 2 and 2");
  expect_throw_with<ValueError>([&] { normalize(tiny_images(1), {0}, {0}); },
                                "normalize: every std must be positive, got 0");
}

}  // namespace nnlab::data
