// The [data] section made concrete. Readers, generators and the preparation policy live in
// data/; this file picks a reader by name and applies the section's options in a fixed order:
// read -> keep classes -> hold out -> limit -> random labels -> resize -> normalise -> dtype.
#include "nnlab/lab/experiment_data.h"

#include <array>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/core/checked_arithmetic.h"
#include "nnlab/data/cifar.h"
#include "nnlab/data/class_filter.h"
#include "nnlab/data/csv_file.h"
#include "nnlab/data/image_folder.h"
#include "nnlab/data/mnist.h"
#include "nnlab/data/preparation.h"
#include "nnlab/data/resize.h"
#include "nnlab/data/split.h"
#include "nnlab/data/synthetic.h"
#include "nnlab/data/transforms.h"
#include "nnlab/lab/experiment_model.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::lab {
namespace {

struct Source {
  data::Dataset train;  // everything, when the dataset has no test split of its own
  data::Dataset test;   // undefined inputs: cut a test split off `train`
  std::string where;
};

bool is_synthetic(const std::string& name) {
  return name == "map" || name == "spirals" || name == "moons" || name == "circles" || name == "xor" ||
         name == "blobs" || name == "function";
}

std::string required_path(const io::DataConfig& config, const char* what) {
  NNLAB_CHECK(!config.path.empty(), ConfigError, "[data] path: dataset '{}' needs the {} to read", config.dataset,
              what);
  return config.path;
}

// A dataset read from published binary files: what to tell a user who lacks them.
struct DownloadedDataset {
  const char* name;         // "CIFAR-10"
  std::string_view url;     // the binary version's archive
  std::string_view folder;  // what the archive unpacks to
  void (*check_files)(const std::string& dir);
};

std::string download_advice(const io::DataConfig& c, const DownloadedDataset& d) {
  return fmt::format(
      "dataset '{}' reads the {} binary version: download {}, unpack it (it makes {}/) and give that folder as "
      "data.path (e.g. --set data.path={})",
      c.dataset, d.name, d.url, d.folder, d.folder);
}

void check_downloaded(const io::DataConfig& c, const DownloadedDataset& d) {
  NNLAB_CHECK(!c.path.empty(), ConfigError, "[data] path: expected the folder of the {} binary batches, got none; {}",
              d.name, download_advice(c, d));
  std::string hint;  // data.path names the folder the archive was unpacked in, not the one it made
  std::error_code ignored;
  if (std::filesystem::is_directory(std::filesystem::path(c.path) / d.folder, ignored)) {
    hint = fmt::format(" (did you mean data.path={}?)",
                       (std::filesystem::path(c.path) / d.folder).lexically_normal().string());
  }
  try {
    d.check_files(c.path);
  } catch (const IoError& e) {
    throw ConfigError(fmt::format("[data] path: {}{}; {}", e.what(), hint, download_advice(c, d)));
  } catch (const DataError& e) {
    throw DataError(
        fmt::format("[data] path: {}{} (a download cut short?); {}", e.what(), hint, download_advice(c, d)));
  }
}

data::Dataset synthetic(const io::DataConfig& c, std::uint64_t seed) {
  if (c.dataset == "map") return data::map_clusters(c.samples, seed, c.classes);
  if (c.dataset == "spirals") return data::spirals(c.samples, seed, c.classes, c.noise);
  if (c.dataset == "moons") return data::moons(c.samples, seed, c.noise);
  if (c.dataset == "circles") return data::circles(c.samples, seed, c.noise);
  if (c.dataset == "xor") return data::xor_points(c.samples, seed, c.noise);
  if (c.dataset == "blobs") return data::blobs(c.samples, seed, c.classes);
  return data::function_regression(c.samples, seed, -2.0, 2.0, data::named_function(c.function));
}

data::CsvOptions csv_options(const io::DataConfig& c) {
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

Source read_source(const io::DataConfig& c, std::uint64_t seed) {
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

// data.keep_classes on one split; the filter's errors are the key's.
data::Dataset keep_classes(const data::Dataset& dataset, const std::vector<std::int64_t>& classes) {
  try {
    return data::keep_classes(dataset, classes);
  } catch (const ValueError& e) {
    throw ConfigError(fmt::format("[data] {}", e.what()));
  }
}

// data.image_size's resized images, `count` of `channels` channels in one tensor, refused before
// they are made when they would pass kMaxTensorElements.
void check_image_size(const io::DataConfig& c, std::int64_t count, std::int64_t channels) {
  const std::optional<std::int64_t> elements =
      checked_product(std::array<std::int64_t, 4>{count, channels, c.image_size, c.image_size});
  NNLAB_CHECK(elements && *elements <= kMaxTensorElements, ConfigError,
              "[data] image_size: expected at most 2^34 elements (64 GiB of float32) per tensor, got {} image(s) of "
              "{} x {} x {} ({} elements)",
              count, channels, c.image_size, c.image_size,
              elements ? fmt::format("{}", *elements) : std::string("more than 2^63 - 1"));
}

// data.image_size for every image dataset, after the rows are chosen (fewer images to resize)
// and before normalisation. image-folder's images were resized as they were decoded.
void resize_splits(data::Splits& splits, const io::DataConfig& c) {
  if (c.image_size == 0) return;
  const Tensor& inputs = splits.train.inputs;
  NNLAB_CHECK(inputs.dim() == 4, ConfigError,
              "[data] image_size: resizes images (N, C, H, W), but dataset '{}' has inputs {}", c.dataset,
              inputs.shape());
  for (data::Dataset* split : {&splits.train, &splits.val, &splits.test}) {
    if (split->size() == 0) continue;
    const Tensor& images = split->inputs;
    check_image_size(c, split->size(), images.size(1));
    if (images.size(2) != c.image_size || images.size(3) != c.image_size) {
      split->inputs = data::resize_images(images, c.image_size, c.image_size);
    }
  }
}

void normalize_all(data::Splits& splits, const io::DataConfig& c) {
  if (c.normalize == "none") return;
  const auto published = data::published_normalization(c.dataset);
  if (c.normalize == "dataset" && published) return data::normalize_splits(splits, *published);
  if (c.normalize == "dataset" && is_synthetic(c.dataset)) return;  // generated at a sensible scale already
  const bool per_channel = splits.train.inputs.dim() >= 4;
  data::normalize_splits(splits, data::compute_normalization(splits.train, per_channel));
}

void convert(data::Dataset& dataset, DType dtype) {
  if (dataset.size() == 0) return;
  if (dataset.inputs.dtype() != dtype) dataset.inputs = to_dtype(dataset.inputs, dtype);
  if (dataset.task == data::Task::regression && dataset.targets.dtype() != dtype) {
    dataset.targets = to_dtype(dataset.targets, dtype);
  }
}

}  // namespace

ExperimentData load_experiment_data(const io::DataConfig& c, std::uint64_t seed, DType dtype) {
  check_experiment_data(c);  // a missing file named with where to get it, before minutes of reading
  if (c.image_size > 0) check_image_size(c, /*count=*/1, /*channels=*/3);  // one colour image, before any is read
  Source source = read_source(c, seed);
  if (!c.keep_classes.empty()) {
    source.train = keep_classes(source.train, c.keep_classes);
    if (source.test.inputs.defined()) source.test = keep_classes(source.test, c.keep_classes);
  }
  data::Splits splits = data::hold_out(source.train, std::move(source.test), c.validation, c.test, seed, c.dataset);
  if (c.limit > 0) splits.train = data::first_rows(splits.train, c.limit);
  if (c.test_limit > 0) splits.test = data::first_rows(splits.test, c.test_limit);
  if (c.random_labels) data::randomize_labels(splits, seed, c.dataset);
  resize_splits(splits, c);
  normalize_all(splits, c);
  for (data::Dataset* split : {&splits.train, &splits.val, &splits.test}) convert(*split, dtype);
  return {std::move(splits.train), std::move(splits.val), std::move(splits.test), std::move(source.where)};
}

void check_experiment_data(const io::DataConfig& c) {
  if (c.dataset == "cifar10") {
    check_downloaded(c, {"CIFAR-10", data::kCifar10Url, data::kCifar10Folder, data::check_cifar10_files});
  }
  if (c.dataset == "cifar100") {
    check_downloaded(c, {"CIFAR-100", data::kCifar100Url, data::kCifar100Folder, data::check_cifar100_files});
  }
}

data::BatchTransform make_augmentation(const io::AugmentConfig& c, const data::Dataset& train) {
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
      "image-folder   one sub-folder of PNG/JPEG images per class; reads data.path (data.color)\n"
      "map            2-D Gaussian clusters, data.classes classes (E6's default); generated from the seed\n"
      "spirals        2-D interleaved spirals, data.classes arms, data.noise; generated\n"
      "moons          2-D two half circles, data.noise; generated\n"
      "circles        2-D two concentric circles, data.noise; generated\n"
      "xor            2-D points labelled by quadrant parity, data.noise; generated\n"
      "blobs          2-D isotropic Gaussian blobs, data.classes classes; generated\n"
      "function       1-D regression y = f(x) on [-2, 2], data.function = sinc, sin or square; generated\n"
      "Image datasets take data.image_size (resize to size x size, antialiased bilinear); classification\n"
      "datasets take data.keep_classes (e.g. [5, 7]: only those classes, relabelled 0, 1 in that order).\n",
      data::kFashionMnistDir);
}

}  // namespace nnlab::lab
