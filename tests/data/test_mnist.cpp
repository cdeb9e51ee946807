#include <gtest/gtest.h>

#include <filesystem>

#include "nnlab/core/check.h"
#include "nnlab/data/idx_file.h"
#include "nnlab/data/mnist.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

// Two 28x28 images: image 0 is all 0 except pixel (0, 0) = 255 and (0, 1) = 51;
// image 1 is all 102 except its last pixel = 255.
Tensor two_images() {
  std::vector<double> pixels(2 * 28 * 28, 0.0);
  pixels[0] = 255;
  pixels[1] = 51;
  for (int i = 28 * 28; i < 2 * 28 * 28; ++i) pixels[i] = 102;
  pixels.back() = 255;
  return Tensor::from_doubles(pixels, {2, 28, 28}, DType::f64);
}

void write_pair(const testing::TempDir& dir, const std::string& prefix, const Tensor& images, const Tensor& labels,
                bool gzip) {
  const std::string suffix = gzip ? ".gz" : "";
  data::write_idx_u8(dir.file(prefix + "-images-idx3-ubyte" + suffix), images, gzip);
  data::write_idx_u8(dir.file(prefix + "-labels-idx1-ubyte" + suffix), labels, gzip);
}

}  // namespace

TEST(Mnist, LoadsGzipTrainSplitScaledToUnitRange) {
  testing::TempDir dir;
  write_pair(dir, "train", two_images(), Tensor::from_doubles({7, 3}, {2}, DType::f64), true);
  const data::Dataset ds = data::load_mnist(dir.path().string(), data::Split::train);
  EXPECT_EQ(ds.inputs.shape(), (Shape{2, 1, 28, 28}));
  EXPECT_EQ(ds.inputs.dtype(), DType::f32);
  const std::vector<float> x = ds.inputs.to_vector<float>();
  EXPECT_FLOAT_EQ(x[0], 1.0f);         // 255 / 255
  EXPECT_FLOAT_EQ(x[1], 0.2f);         // 51 / 255
  EXPECT_FLOAT_EQ(x[2], 0.0f);
  EXPECT_FLOAT_EQ(x[28 * 28], 0.4f);   // 102 / 255
  EXPECT_FLOAT_EQ(x.back(), 1.0f);
  EXPECT_EQ(ds.targets.dtype(), DType::i64);
  EXPECT_EQ(ds.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{7, 3}));
  EXPECT_EQ(ds.num_classes, 10);
  EXPECT_EQ(ds.task, data::Task::classification);
  ASSERT_EQ(ds.class_names.size(), 10u);
  EXPECT_EQ(ds.class_names[0], "0");
  EXPECT_EQ(ds.class_names[9], "9");
  EXPECT_EQ(ds.name, "mnist/train");
}

TEST(Mnist, LoadsPlainTestSplitWithFashionClassNames) {
  testing::TempDir dir;
  write_pair(dir, "t10k", two_images(), Tensor::from_doubles({0, 9}, {2}, DType::f64), false);
  const data::Dataset ds = data::load_mnist(dir.path().string(), data::Split::test, {.fashion = true});
  EXPECT_EQ(ds.size(), 2);
  EXPECT_EQ(ds.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 9}));
  ASSERT_EQ(ds.class_names.size(), 10u);
  EXPECT_EQ(ds.class_names[0], "T-shirt/top");
  EXPECT_EQ(ds.class_names[9], "Ankle boot");
  EXPECT_EQ(ds.name, "fashion-mnist/test");
}

TEST(Mnist, PrefersTheGzipFileWhenBothExist) {
  testing::TempDir dir;
  write_pair(dir, "train", two_images(), Tensor::from_doubles({1, 1}, {2}, DType::f64), true);
  write_pair(dir, "train", two_images(), Tensor::from_doubles({2, 2}, {2}, DType::f64), false);
  const data::Dataset ds = data::load_mnist(dir.path().string(), data::Split::train);
  EXPECT_EQ(ds.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 1}));
}

TEST(Mnist, MissingFileIsAnIoErrorNamingThePathAndTheNamesTried) {
  testing::TempDir dir;
  const std::string expected = "mnist: '" + dir.file("t10k-images-idx3-ubyte") +
                               "': expected a file named t10k-images-idx3-ubyte.gz or t10k-images-idx3-ubyte, got "
                               "neither";
  expect_throw_with<IoError>([&] { data::load_mnist(dir.path().string(), data::Split::test); }, expected);
}

TEST(Mnist, MissingLabelsFileIsAnIoError) {
  testing::TempDir dir;
  data::write_idx_u8(dir.file("train-images-idx3-ubyte"), two_images(), false);
  expect_throw_with<IoError>([&] { data::load_mnist(dir.path().string(), data::Split::train); },
                             "train-labels-idx1-ubyte.gz or train-labels-idx1-ubyte, got neither");
}

TEST(Mnist, CountMismatchIsADataErrorNamingBothFiles) {
  testing::TempDir dir;
  write_pair(dir, "train", two_images(), Tensor::from_doubles({1, 2, 3}, {3}, DType::f64), false);
  const std::string expected = "mnist: '" + dir.file("train-images-idx3-ubyte") + "' and '" +
                               dir.file("train-labels-idx1-ubyte") +
                               "': expected as many labels as images, got 2 images and 3 labels";
  expect_throw_with<DataError>([&] { data::load_mnist(dir.path().string(), data::Split::train); }, expected);
}

TEST(Mnist, WrongImageSizeIsADataError) {
  testing::TempDir dir;
  write_pair(dir, "train", Tensor::zeros({2, 4, 4}, DType::f64), Tensor::from_doubles({1, 2}, {2}, DType::f64),
             false);
  expect_throw_with<DataError>([&] { data::load_mnist(dir.path().string(), data::Split::train); },
                               "expected images of shape (N, 28, 28), got");
}

TEST(Mnist, LabelOutOfRangeIsADataError) {
  testing::TempDir dir;
  write_pair(dir, "train", two_images(), Tensor::from_doubles({1, 10}, {2}, DType::f64), false);
  expect_throw_with<DataError>([&] { data::load_mnist(dir.path().string(), data::Split::train); },
                               "expected labels 0..9, got 10 at record 1");
}

TEST(Mnist, FileNameThatIsAFolderIsNamedAsAFolder) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "t10k-images-idx3-ubyte");
  expect_throw_with<IoError>([&] { data::load_mnist(dir.path().string(), data::Split::test); },
                             "mnist: '" + dir.file("t10k-images-idx3-ubyte") +
                                 "': expected a file named t10k-images-idx3-ubyte.gz or t10k-images-idx3-ubyte, got a "
                                 "folder");
}

// An empty data file is the data's fault (DataError naming it), not a split setting's.
TEST(Mnist, FileWithoutImagesIsADataErrorNamingIt) {
  testing::TempDir dir;
  write_pair(dir, "train", Tensor::zeros({0, 28, 28}, DType::f64), Tensor::zeros({0}, DType::f64), false);
  expect_throw_with<DataError>([&] { data::load_mnist(dir.path().string(), data::Split::train); },
                               "mnist: '" + dir.file("train-images-idx3-ubyte") +
                                   "': expected at least one image, got a file of shape [0, 28, 28]");
}

TEST(Mnist, ReadsTheInstalledFashionMnistWhenPresent) {
  // scripts/setup.sh installs it; a missing dataset is a failure, not a skip.
  ASSERT_TRUE(std::filesystem::is_directory(data::kFashionMnistDir)) << "Fashion-MNIST is not installed";
  const data::Dataset train = data::load_mnist(data::kFashionMnistDir, data::Split::train, {.fashion = true});
  EXPECT_EQ(train.inputs.shape(), (Shape{60000, 1, 28, 28}));
  EXPECT_EQ(train.targets.shape(), (Shape{60000}));
  const data::Dataset test = data::load_mnist(data::kFashionMnistDir, data::Split::test, {.fashion = true});
  EXPECT_EQ(test.inputs.shape(), (Shape{10000, 1, 28, 28}));
  EXPECT_EQ(test.targets.shape(), (Shape{10000}));
}

}  // namespace nnlab
