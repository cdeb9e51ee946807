// The [data] section made concrete. Readers and generators live in data/; this file picks
// one by name, splits, and applies the section's options in a fixed order:
// read -> split -> limit -> random labels -> normalise -> dtype.
#include "nnlab/io/experiment_data.h"

#include <cmath>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/data/cifar.h"
#include "nnlab/data/csv_file.h"
#include "nnlab/data/image_folder.h"
#include "nnlab/data/mnist.h"
#include "nnlab/data/split.h"
#include "nnlab/data/synthetic.h"
#include "nnlab/data/transforms.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/creation.h"

namespace nnlab::io {
namespace {

struct Source {
  data::Dataset train;  // everything, when the dataset has no test split of its own
  data::Dataset test;   // undefined inputs: cut a test split off `train`
  std::string where;
};

// The published per-channel statistics of the image datasets (pixels scaled to [0, 1]).
const std::map<std::string, data::Normalization>& published_normalization() {
  static const std::map<std::string, data::Normalization> table = {
      {"fashion-mnist", {.mean = {0.2860}, .std = {0.3530}, .per_channel = true}},
      {"mnist", {.mean = {0.1307}, .std = {0.3081}, .per_channel = true}},
      {"cifar10", {.mean = {0.4914, 0.4822, 0.4465}, .std = {0.2470, 0.2435, 0.2616}, .per_channel = true}},
      {"cifar100", {.mean = {0.5071, 0.4865, 0.4409}, .std = {0.2673, 0.2564, 0.2762}, .per_channel = true}},
  };
  return table;
}

bool is_synthetic(const std::string& name) {
  return name == "map" || name == "spirals" || name == "moons" || name == "circles" || name == "xor" ||
         name == "blobs" || name == "function";
}

std::string required_path(const DataConfig& config, const char* what) {
  NNLAB_CHECK(!config.path.empty(), ConfigError, "[data] path: dataset '{}' needs the {} to read", config.dataset,
              what);
  return config.path;
}

data::Dataset synthetic(const DataConfig& c, std::uint64_t seed) {
  if (c.dataset == "map") return data::map_clusters(c.samples, seed, c.classes);
  if (c.dataset == "spirals") return data::spirals(c.samples, seed, c.classes, c.noise);
  if (c.dataset == "moons") return data::moons(c.samples, seed, c.noise);
  if (c.dataset == "circles") return data::circles(c.samples, seed, c.noise);
  if (c.dataset == "xor") return data::xor_points(c.samples, seed, c.noise);
  if (c.dataset == "blobs") return data::blobs(c.samples, seed, c.classes);
  return data::function_regression(c.samples, seed, -2.0, 2.0, data::named_function(c.function));
}

data::CsvOptions csv_options(const DataConfig& c) {
  data::CsvOptions options;
  options.task = c.task == "regression" ? data::Task::regression : data::Task::classification;
  char* end = nullptr;
  const long long index = std::strtoll(c.label_column.c_str(), &end, 10);
  if (!c.label_column.empty() && *end == '\0') {
    options.label_column = static_cast<std::int64_t>(index);
  } else {
    options.label_column = c.label_column;
  }
  return options;
}

Source read_source(const DataConfig& c, std::uint64_t seed) {
  using data::Split;
  if (c.dataset == "fashion-mnist" || c.dataset == "mnist") {
    const std::string dir = c.path.empty() && c.dataset == "fashion-mnist" ? data::kFashionMnistDir
                                                                           : required_path(c, "folder of IDX files");
    const data::MnistOptions options{.fashion = c.dataset == "fashion-mnist"};
    return {data::load_mnist(dir, Split::train, options), data::load_mnist(dir, Split::test, options), dir};
  }
  if (c.dataset == "cifar10") {
    const std::string dir = required_path(c, "folder of CIFAR-10 binary batches");
    return {data::load_cifar10(dir, Split::train), data::load_cifar10(dir, Split::test), dir};
  }
  if (c.dataset == "cifar100") {
    const std::string dir = required_path(c, "folder of CIFAR-100 binary files");
    return {data::load_cifar100(dir, Split::train), data::load_cifar100(dir, Split::test), dir};
  }
  if (c.dataset == "csv") {
    const std::string file = required_path(c, "CSV file");
    return {data::read_csv(file, csv_options(c)), {}, file};
  }
  if (c.dataset == "image-folder") {
    const std::string dir = required_path(c, "folder of class sub-folders");
    return {data::read_image_folder(dir, {.image_size = c.image_size, .grayscale = c.color == "gray"}), {}, dir};
  }
  NNLAB_CHECK(is_synthetic(c.dataset), ConfigError, "[data] dataset: unknown dataset '{}'", c.dataset);
  return {synthetic(c, seed), {}, "synthetic"};
}

// A fraction in [0, 1) of n, or a whole count.
std::int64_t split_count(double value, std::int64_t n) {
  return value < 1.0 ? static_cast<std::int64_t>(std::llround(value * static_cast<double>(n)))
                     : static_cast<std::int64_t>(value);
}

ExperimentData split_source(Source source, const DataConfig& c, std::uint64_t seed) {
  const std::int64_t n = source.train.size();
  const bool own_test = source.test.inputs.defined();
  const std::int64_t val = split_count(c.validation, n);
  const std::int64_t test = own_test ? 0 : split_count(c.test, n);
  NNLAB_CHECK(val + test < n, ConfigError,
              "[data] validation ({}) and test ({}) take {} of the {} training examples of '{}', leaving none to train on",
              c.validation, own_test ? 0.0 : c.test, val + test, n, c.dataset);
  data::Splits parts = data::split(source.train, data::SplitCounts{.train = n - val - test, .val = val, .test = test}, seed);
  if (own_test) parts.test = std::move(source.test);
  return {std::move(parts.train), std::move(parts.val), std::move(parts.test), std::move(source.where)};
}

data::Dataset first_rows(const data::Dataset& dataset, std::int64_t rows) {
  return data::subset(dataset, arange(0, static_cast<double>(std::min(rows, dataset.size())), 1.0, DType::i64));
}

void normalize_all(ExperimentData& d, const DataConfig& c) {
  if (c.normalize == "none") return;
  data::Normalization normalization;
  const auto published = published_normalization().find(c.dataset);
  if (c.normalize == "dataset" && published != published_normalization().end()) {
    normalization = published->second;
  } else if (c.normalize == "dataset" && is_synthetic(c.dataset)) {
    return;  // synthetic sets are generated at a sensible scale already
  } else {
    normalization = data::compute_normalization(d.train, /*per_channel=*/d.train.inputs.dim() >= 4);
  }
  d.train = data::normalize(d.train, normalization);
  if (d.val.size() > 0) d.val = data::normalize(d.val, normalization);
  if (d.test.size() > 0) d.test = data::normalize(d.test, normalization);
}

void convert(data::Dataset& dataset, DType dtype) {
  if (dataset.size() == 0) return;
  if (dataset.inputs.dtype() != dtype) dataset.inputs = to_dtype(dataset.inputs, dtype);
  if (dataset.task == data::Task::regression && dataset.targets.dtype() != dtype) {
    dataset.targets = to_dtype(dataset.targets, dtype);
  }
}

}  // namespace

ExperimentData load_experiment_data(const DataConfig& c, std::uint64_t seed, DType dtype) {
  ExperimentData d = split_source(read_source(c, seed), c, seed);
  if (c.limit > 0) d.train = first_rows(d.train, c.limit);
  if (c.random_labels) {
    NNLAB_CHECK(d.train.task == data::Task::classification, ConfigError,
                "[data] random_labels: needs a classification dataset, '{}' is regression", c.dataset);
    // Different seeds per split: the labels of one split say nothing about another's.
    d.train = data::random_labels(d.train, seed + 1);
    if (d.val.size() > 0) d.val = data::random_labels(d.val, seed + 2);
    if (d.test.size() > 0) d.test = data::random_labels(d.test, seed + 3);
  }
  normalize_all(d, c);
  convert(d.train, dtype);
  convert(d.val, dtype);
  convert(d.test, dtype);
  return d;
}

data::BatchTransform make_augmentation(const AugmentConfig& c, const data::Dataset& train) {
  if (!c.flip && c.translate == 0 && c.crop_padding == 0) return {};
  NNLAB_CHECK(train.inputs.dim() == 4, ConfigError,
              "[data.augment]: flips, translations and crops need images (N, C, H, W), but the inputs are {}",
              train.inputs.shape());
  const std::int64_t height = train.inputs.size(2);
  NNLAB_CHECK(c.crop_padding == 0 || height == train.inputs.size(3), ConfigError,
              "[data.augment] crop_padding: random crops need square images, got {}", train.inputs.shape());
  return [c, height](data::Batch batch, Rng& rng) {
    if (c.flip) batch.inputs = data::random_horizontal_flip(batch.inputs, rng);
    if (c.translate > 0) batch.inputs = data::random_translation(batch.inputs, c.translate, rng);
    if (c.crop_padding > 0) batch.inputs = data::random_crop(batch.inputs, height, rng, c.crop_padding);
    return batch;
  };
}

std::string describe_datasets() {
  return fmt::format(
      "fashion-mnist  Fashion-MNIST, 60,000 + 10,000 images 1x28x28, 10 classes; reads {} (or data.path)\n"
      "mnist          MNIST digits, same format; reads data.path (the four IDX files, .gz or plain)\n"
      "cifar10        CIFAR-10, 50,000 + 10,000 images 3x32x32; reads data.path (data_batch_1..5.bin, test_batch.bin)\n"
      "cifar100       CIFAR-100, same images, 100 classes; reads data.path (train.bin, test.bin)\n"
      "csv            numeric columns + a label column; reads the file data.path (data.label_column, data.task)\n"
      "image-folder   one sub-folder of PNG/JPEG images per class; reads data.path (data.image_size, data.color)\n"
      "map            2-D Gaussian clusters, data.classes classes (E6's default); generated from the seed\n"
      "spirals        2-D interleaved spirals, data.classes arms, data.noise; generated\n"
      "moons          2-D two half circles, data.noise; generated\n"
      "circles        2-D two concentric circles, data.noise; generated\n"
      "xor            2-D points labelled by quadrant parity, data.noise; generated\n"
      "blobs          2-D isotropic Gaussian blobs, data.classes classes; generated\n"
      "function       1-D regression y = f(x) on [-2, 2], data.function = sinc, sin or square; generated\n",
      data::kFashionMnistDir);
}

}  // namespace nnlab::io
