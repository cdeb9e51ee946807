#include "nnlab/data/mnist.h"

#include <filesystem>
#include <new>
#include <optional>

#include "nnlab/core/check.h"
#include "nnlab/core/input_file.h"
#include "nnlab/data/idx_file.h"

namespace nnlab::data {
namespace {

constexpr std::int64_t kSide = 28;
constexpr std::int64_t kClasses = 10;

// "<dir>/<name>.gz" when it exists, else "<dir>/<name>"; IoError when neither does.
std::string find_file(const std::string& dir, const std::string& name) {
  const std::filesystem::path base(dir);
  const std::filesystem::path gz = base / (name + ".gz");
  const std::filesystem::path plain = base / name;
  const std::optional<std::string> gz_found = not_a_regular_file(gz);
  if (!gz_found) return gz.string();
  const std::optional<std::string> plain_found = not_a_regular_file(plain);
  if (!plain_found) return plain.string();
  // Something other than a file under either name (a folder, say) is named, not called missing.
  const bool gz_missing = *gz_found == "no such file";
  NNLAB_CHECK(gz_missing && *plain_found == "no such file", IoError,
              "mnist: '{}': expected a file named {}.gz or {}, got {}", (gz_missing ? plain : gz).string(), name, name,
              gz_missing ? *plain_found : *gz_found);
  NNLAB_CHECK(false, IoError, "mnist: '{}': expected a file named {}.gz or {}, got neither", plain.string(), name,
              name);
  return {};
}

std::vector<std::string> class_names(bool fashion) {
  if (fashion) {
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
  }
  std::vector<std::string> names;
  for (std::int64_t c = 0; c < kClasses; ++c) names.push_back(std::to_string(c));
  return names;
}

}  // namespace

Dataset load_mnist(const std::string& dir, Split split, const MnistOptions& options) {
  const std::string prefix = split == Split::train ? "train" : "t10k";
  const std::string images_path = find_file(dir, prefix + "-images-idx3-ubyte");
  const std::string labels_path = find_file(dir, prefix + "-labels-idx1-ubyte");

  const Tensor images = read_idx(images_path, DType::f32);  // (N, 28, 28), 0..255
  NNLAB_CHECK(images.dim() == 3 && images.size(1) == kSide && images.size(2) == kSide, DataError,
              "mnist: '{}': expected images of shape (N, 28, 28), got {}", images_path, images.shape());
  const Tensor labels = read_idx(labels_path, DType::i64);  // (N)
  NNLAB_CHECK(labels.dim() == 1, DataError, "mnist: '{}': expected labels of shape (N), got {}", labels_path,
              labels.shape());
  const std::int64_t n = images.size(0);
  // An empty file is the data's fault, not a split setting's: said here, before hold-out counts.
  NNLAB_CHECK(n > 0, DataError, "mnist: '{}': expected at least one image, got a file of shape {}", images_path,
              images.shape());
  NNLAB_CHECK(labels.size(0) == n, DataError,
              "mnist: '{}' and '{}': expected as many labels as images, got {} images and {} labels", images_path,
              labels_path, n, labels.size(0));

  Dataset out;
  try {
    out.inputs = Tensor::empty({n, 1, kSide, kSide}, DType::f32);
  } catch (const std::bad_alloc&) {
    NNLAB_CHECK(false, DataError, "mnist: '{}': out of memory scaling its {} images", images_path, n);
  }
  const float* pixels = images.data<float>();
  float* scaled = out.inputs.data<float>();
  for (std::int64_t i = 0; i < images.numel(); ++i) scaled[i] = pixels[i] / 255.0f;

  const std::int64_t* label = labels.data<std::int64_t>();
  for (std::int64_t i = 0; i < n; ++i) {
    NNLAB_CHECK(label[i] >= 0 && label[i] < kClasses, DataError,
                "mnist: '{}': expected labels 0..9, got {} at record {}", labels_path, label[i], i);
  }
  out.targets = labels;
  out.task = Task::classification;
  out.num_classes = kClasses;
  out.class_names = class_names(options.fashion);
  out.name = std::string(options.fashion ? "fashion-mnist/" : "mnist/") + (split == Split::train ? "train" : "test");
  validate(out);
  return out;
}

}  // namespace nnlab::data
