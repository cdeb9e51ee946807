// Misclassified examples of a fixed model, and images built from CHW values, checked by hand.
#include <gtest/gtest.h>

#include "fixed_models.h"
#include "nnlab/analysis/misclassified.h"
#include "nnlab/core/error.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

TEST(Misclassified, FirstOnesInDatasetOrder) {
  auto model = linear_with({{1}, {-1}}, {0, 0});  // predicts 0 for x > 0, 1 for x < 0
  const data::Dataset dataset = classification_data({1, 2, -1, -3, 4, 5, -6}, 1, {0, 1, 1, 0, 0, 1, 0}, 2);
  const std::vector<Misclassified> two = first_misclassified(*model, dataset, 2, /*batch_size=*/2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].index, 1);  // x = 2, label 1, predicted 0
  EXPECT_EQ(two[0].true_label, 1);
  EXPECT_EQ(two[0].predicted_label, 0);
  EXPECT_EQ(two[1].index, 3);  // x = -3, label 0, predicted 1
  EXPECT_EQ(two[1].predicted_label, 1);
  const std::vector<Misclassified> all = first_misclassified(*model, dataset, 100, 3);
  ASSERT_EQ(all.size(), 4u);  // indices 1, 3, 5, 6
  EXPECT_EQ(all[2].index, 5);
  EXPECT_EQ(all[3].index, 6);
  EXPECT_TRUE(first_misclassified(*model, dataset, 0).empty());
}

TEST(Misclassified, GreyImageIsMinMaxScaled) {
  // (1, 2, 2): values 2, 4, 6, 10 -> (v - 2) / 8 · 255 = 0, 63.75, 127.5, 255 -> 0, 64, 128, 255.
  const ByteImage image = example_image(Tensor::from_doubles({2, 4, 6, 10}, {1, 2, 2}));
  EXPECT_EQ(image.height, 2);
  EXPECT_EQ(image.width, 2);
  EXPECT_EQ(image.channels, 1);
  EXPECT_EQ(image.pixels, (std::vector<std::uint8_t>{0, 64, 128, 255}));
  const ByteImage flat = example_image(Tensor::from({2.0, 4.0, 6.0, 10.0}), 2, 2);
  EXPECT_EQ(flat.pixels, image.pixels);
  EXPECT_EQ(example_image(Tensor::full({2, 3}, 7.0)).pixels, std::vector<std::uint8_t>(6, 0));  // constant
}

TEST(Misclassified, ColourImageIsInterleaved) {
  // (3, 1, 2) in C, H, W order: R = (0, 1), G = (2, 3), B = (4, 5); range 0..5.
  const ByteImage image = example_image(Tensor::from({0.0, 1.0, 2.0, 3.0, 4.0, 5.0}), 1, 2);
  EXPECT_EQ(image.channels, 3);
  // pixel 0 = (R0, G0, B0) = (0, 2, 4) -> 0, 102, 204; pixel 1 = (1, 3, 5) -> 51, 153, 255
  EXPECT_EQ(image.pixels, (std::vector<std::uint8_t>{0, 102, 204, 51, 153, 255}));
}

TEST(Misclassified, WeightRowsBecomeImagesScaledOneByOne) {
  const Tensor weight = Tensor::from({{0.0, 1.0, 2.0, 3.0}, {-1.0, -1.0, 1.0, 1.0}});
  const std::vector<ByteImage> images = weight_row_images(weight, 2, 2);
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[0].pixels, (std::vector<std::uint8_t>{0, 85, 170, 255}));
  EXPECT_EQ(images[1].pixels, (std::vector<std::uint8_t>{0, 0, 255, 255}));
  const Tensor cifar_rows = Tensor::zeros({10, 3072});
  const std::vector<ByteImage> cifar = weight_row_images(cifar_rows, 32, 32);
  EXPECT_EQ(cifar.size(), 10u);
  EXPECT_EQ(cifar[0].channels, 3);
  EXPECT_EQ(cifar[0].pixels.size(), 3072u);
}

TEST(Misclassified, RejectsSizesThatDoNotMakeAnImage) {
  expect_throw_with<ShapeError>([] { example_image(Tensor::zeros({10}), 2, 2); },
                                "example_image: expected 4 (grey) or 12 (RGB) values for a 2x2 image, got 10");
  expect_throw_with<ShapeError>([] { example_image(Tensor::zeros({2, 2, 2})); }, "got 8");
  expect_throw_with<ValueError>(
      [] {
        weight_row_image(Tensor::zeros({2, 4}), 2, 2, 2);
      },
      "weight_row_image: expected a row in [0, 2), got 2");
}

}  // namespace
}  // namespace nnlab::analysis
