// resize_images against torch.nn.functional.interpolate(mode="bilinear", align_corners=False,
// antialias=True): fixtures/data/resize.txt, written by fixtures/gen_resize.py.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/data/resize.h"
#include "nnlab/tensor/copy.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"

namespace nnlab::data {
namespace {

struct Case {
  std::string input;  // the name of the case holding the input
  std::int64_t height = 0;
  std::int64_t width = 0;
  std::vector<double> values;  // row-major
};

// Every line of resize.txt: <name> <input> <height> <width> <count> <values...>.
std::map<std::string, Case> load_cases() {
  std::ifstream in(std::string(NNLAB_FIXTURE_DIR) + "/data/resize.txt");
  EXPECT_TRUE(in.good()) << "cannot open fixtures/data/resize.txt";
  std::map<std::string, Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name;
    Case c;
    std::size_t count = 0;
    fields >> name >> c.input >> c.height >> c.width >> count;
    c.values.resize(count);
    for (double& v : c.values) fields >> v;
    EXPECT_FALSE(fields.fail()) << "malformed fixture line for " << name;
    cases[name] = std::move(c);
  }
  return cases;
}

const std::map<std::string, Case>& cases() {
  static const std::map<std::string, Case> loaded = load_cases();
  return loaded;
}

// value_i = ((multiplier * i) mod modulus) / divisor in float64, then rounded to the dtype, as
// gen_resize.py builds its inputs.
Tensor formula(const Shape& shape, std::int64_t multiplier, std::int64_t modulus, double divisor,
               DType dtype = DType::f32) {
  std::vector<double> values(static_cast<std::size_t>(shape.numel()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<double>((multiplier * static_cast<std::int64_t>(i)) % modulus) / divisor;
  }
  return to_dtype(Tensor::from_doubles(values, shape, DType::f64), dtype);
}

Tensor x_input(DType dtype = DType::f32) { return formula({2, 3, 7, 5}, 37, 101, 100.0, dtype); }
Tensor pattern_input() { return formula({1, 1, 28, 28}, 13, 256, 255.0); }

Tensor input_of(const std::string& name) { return name == "x" ? x_input() : pattern_input(); }

// The fixture's expected output of case `name`, shaped like resizing its input.
Tensor expected(const std::string& name) {
  const Case& c = cases().at(name);
  const Tensor input = input_of(c.input);
  return Tensor::from_doubles(c.values, {input.size(0), input.size(1), c.height, c.width}, DType::f32);
}

void expect_matches_pytorch(const std::string& name) {
  SCOPED_TRACE(name);
  const Case& c = cases().at(name);
  expect_close(resize_images(input_of(c.input), c.height, c.width), expected(name), Tol::f32());
}

}  // namespace

TEST(Resize, FixtureInputsAreTheFormulasRebuiltHere) {
  ASSERT_EQ(cases().count("x"), 1u);
  expect_equal(x_input(), expected("x"));
  expect_equal(pattern_input(), expected("pattern"));
}

TEST(Resize, MatchesPyTorchWhenEnlarging) {
  expect_matches_pytorch("x_16x12");
  expect_matches_pytorch("pattern_64x64");  // 28 -> 64, E7's Fashion-MNIST size
}

TEST(Resize, MatchesPyTorchWhenShrinking) {
  expect_matches_pytorch("x_3x2");
  expect_matches_pytorch("x_3x5");  // the width stays
  expect_matches_pytorch("pattern_5x11");
}

TEST(Resize, MatchesPyTorchWhenShrinkingOneWayAndEnlargingTheOther) { expect_matches_pytorch("x_4x9"); }

TEST(Resize, Float64GivesTheSameValues) {
  const Tensor out = resize_images(x_input(DType::f64), 4, 9);
  EXPECT_EQ(out.dtype(), DType::f64);
  expect_close(to_dtype(out, DType::f32), expected("x_4x9"), Tol::f32());
}

TEST(Resize, EnlargingIsBilinearInterpolation) {
  // One row 0, 1 from width 2 to 4: output centres sit at input coordinates -0.25, 0.25, 0.75,
  // 1.25 (pixel centres at 0 and 1), clamped at the borders: 0, 0.25, 0.75, 1.
  const Tensor row = Tensor::from_doubles({0.0, 1.0}, {1, 1, 1, 2});
  expect_close(resize_images(row, 1, 4), Tensor::from_doubles({0.0, 0.25, 0.75, 1.0}, {1, 1, 1, 4}), Tol::f32());
}

TEST(Resize, ShrinkingByTwoAveragesPairs) {
  // Halving: each output pixel's triangle spans 2 input pixels each side of its centre, with
  // weights 1/8, 3/8, 3/8, 1/8 (renormalised where the border cuts it).
  const Tensor row = Tensor::from_doubles({0.0, 8.0, 16.0, 24.0}, {1, 1, 1, 4});
  // (0*3 + 8*3 + 16*1) / 7 = 40 / 7 and (8*1 + 16*3 + 24*3) / 7 = 128 / 7
  expect_close(resize_images(row, 1, 2), Tensor::from_doubles({40.0 / 7.0, 128.0 / 7.0}, {1, 1, 1, 2}), Tol::f32());
}

TEST(Resize, SameSizeReturnsAnEqualCopy) {
  const Tensor x = x_input();
  Tensor out = resize_images(x, 7, 5);
  expect_equal(out, x);
  out.data<float>()[0] = 42.0f;  // a copy: the input is untouched
  expect_equal(x, x_input());
}

TEST(Resize, ConstantImagesStayConstant) {
  const Tensor images = Tensor::full({2, 3, 28, 28}, 0.3, DType::f32);
  for (const auto& [height, width] : {std::pair{64, 64}, std::pair{5, 11}, std::pair{28, 9}}) {
    expect_close(resize_images(images, height, width), Tensor::full({2, 3, height, width}, 0.3, DType::f32),
                 {1e-6, 0.0});
  }
}

TEST(Resize, NonContiguousInputGivesTheSameValues) {
  const Tensor x = x_input();
  expect_equal(resize_images(testing::non_contiguous(x), 16, 12), resize_images(x, 16, 12));
}

TEST(Resize, ResizeImageIsOneImageOfResizeImages) {
  const Tensor x = x_input();
  const Tensor batch = resize_images(x, 4, 9);
  const std::vector<float> all = x.to_vector<float>();
  const std::vector<float> second(all.begin() + 3 * 7 * 5, all.end());
  std::vector<float> out(3 * 4 * 9);
  resize_image(second, 3, {.height = 7, .width = 5}, {.height = 4, .width = 9}, out);
  const std::vector<float> expected_values = batch.to_vector<float>();
  EXPECT_EQ(out, std::vector<float>(expected_values.begin() + 3 * 4 * 9, expected_values.end()));
}

TEST(Resize, ResultsDoNotDependOnTheThreadCount) {
  const Tensor images = formula({64, 1, 28, 28}, 13, 256, 255.0);
  const int threads = num_threads();
  set_num_threads(1);
  const Tensor one = resize_images(images, 64, 64);
  set_num_threads(std::max(threads, 2));
  const Tensor many = resize_images(images, 64, 64);
  set_num_threads(threads);
  expect_equal(many, one);
}

TEST(Resize, RejectsInputsThatAreNotImagesAndEmptySizes) {
  expect_throw_with<ShapeError>(
      [] {
        resize_images(Tensor::zeros({2, 28, 28}), 64, 64);
      },
      "resize_images: expected images (N, C, H, W), got shape [2, 28, 28]");
  expect_throw_with<ValueError>(
      [] {
        resize_images(Tensor::zeros({2, 1, 28, 28}), 0, 64);
      },
      "resize_images: expected a size of at least 1x1 (height x width), got 0x64");
  expect_throw_with<ValueError>([] { resize_images(Tensor::zeros({2, 1, 28, 28}), 64, -3); }, "got 64x-3");
  expect_throw_with<ShapeError>(
      [] {
        resize_images(Tensor::zeros({2, 1, 0, 28}), 64, 64);
      },
      "resize_images: expected images of at least 1x1 pixels, got shape [2, 1, 0, 28]");
  expect_throw_with<DTypeError>(
      [] {
        resize_images(Tensor::zeros({2, 1, 4, 4}, DType::i64), 2, 2);
      },
      "resize_images: expected float32 or float64");
}

}  // namespace nnlab::data
