#include "nnlab/data/cifar.h"

#include <filesystem>
#include <new>
#include <optional>
#include <sstream>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/core/input_file.h"

namespace nnlab::data {
namespace {

constexpr std::int64_t kPixels = 3 * 32 * 32;

struct RecordLayout {
  std::int64_t label_offset;  // which byte of the record holds the label used
  std::int64_t header;        // label bytes before the pixels
  std::int64_t num_classes;
  std::int64_t record_size() const { return header + kPixels; }
};

constexpr RecordLayout kCifar10Layout{.label_offset = 0, .header = 1, .num_classes = 10};
RecordLayout cifar100_layout(bool fine) {
  return {.label_offset = fine ? 1 : 0, .header = 2, .num_classes = fine ? 100 : 20};
}

std::vector<std::string> cifar10_files(Split split) {
  if (split == Split::test) return {"test_batch.bin"};
  std::vector<std::string> files;
  for (int b = 1; b <= 5; ++b) files.push_back("data_batch_" + std::to_string(b) + ".bin");
  return files;
}

std::string cifar100_file(Split split) { return split == Split::train ? "train.bin" : "test.bin"; }

// The largest batch file read: CIFAR-100's train.bin is 50,000 records of 3,074 bytes (154 MB).
constexpr std::uint64_t kMaxBatchBytes = std::uint64_t{256} << 20;

constexpr InputFileSpec kBatchFile{.where = "cifar", .expected = "a batch file", .max_bytes = kMaxBatchBytes};

void check_size(const std::string& path, std::uint64_t size, const RecordLayout& layout) {
  const auto record = static_cast<std::uint64_t>(layout.record_size());
  NNLAB_CHECK(size > 0 && size % record == 0, DataError,
              "cifar: '{}': expected a non-empty size that is a multiple of the record size {}, got {} bytes", path,
              record, size);
}

// Every file of `files` in `dir` exists and holds whole records, in order: the first bad one throws.
void check_files(const std::string& dir, const std::vector<std::string>& files, const RecordLayout& layout) {
  for (const std::string& file : files) {
    const std::string path = (std::filesystem::path(dir) / file).string();
    check_size(path, InputFile(path, kBatchFile).size(), layout);
  }
}

// Appends every record of one batch file to `pixels` (scaled to [0, 1]) and `labels`. The size
// is checked before the file is read.
void read_batch(const std::string& path, const RecordLayout& layout, std::vector<float>& pixels,
                std::vector<std::int64_t>& labels) {
  InputFile in(path, kBatchFile);
  check_size(path, in.size(), layout);
  const std::string bytes = in.read_rest();
  check_size(path, bytes.size(), layout);  // again: the file may have changed since it was opened
  const auto records = static_cast<std::int64_t>(bytes.size()) / layout.record_size();
  try {
    pixels.reserve(pixels.size() + static_cast<std::size_t>(records * kPixels));
  } catch (const std::bad_alloc&) {
    NNLAB_CHECK(false, DataError, "cifar: '{}': out of memory holding its {} images as floats", path, records);
  }
  for (std::int64_t r = 0; r < records; ++r) {
    const auto* record = reinterpret_cast<const unsigned char*>(bytes.data()) + r * layout.record_size();
    const std::int64_t label = record[layout.label_offset];
    NNLAB_CHECK(label < layout.num_classes, DataError, "cifar: '{}': expected labels 0..{}, got {} at record {}",
                path, layout.num_classes - 1, label, r);
    labels.push_back(label);
    for (std::int64_t i = 0; i < kPixels; ++i) pixels.push_back(record[layout.header + i] / 255.0f);
  }
}

// One name per non-empty line of <dir>/<file> when it exists, else "0".."num_classes-1".
std::vector<std::string> read_class_names(const std::string& dir, const std::string& file, std::int64_t num_classes) {
  const std::string path = (std::filesystem::path(dir) / file).string();
  std::vector<std::string> names;
  if (not_a_regular_file(path) == "no such file") {
    for (std::int64_t c = 0; c < num_classes; ++c) names.push_back(std::to_string(c));
    return names;
  }
  // 100 names of a few bytes each: 1 MiB is far more than a names file holds.
  const std::string text = read_input_file(
      path, {.where = "cifar", .expected = "a text file of class names", .max_bytes = std::uint64_t{1} << 20});
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  NNLAB_CHECK(static_cast<std::int64_t>(names.size()) == num_classes, DataError,
              "cifar: '{}': expected {} class names, got {}", path, num_classes, names.size());
  return names;
}

Dataset load(const std::string& dir, const std::vector<std::string>& files, const RecordLayout& layout,
             const std::string& names_file, const std::string& name) {
  std::vector<float> pixels;
  std::vector<std::int64_t> labels;
  for (const std::string& file : files) {
    read_batch((std::filesystem::path(dir) / file).string(), layout, pixels, labels);
  }
  const auto n = static_cast<std::int64_t>(labels.size());
  Dataset out;
  out.inputs = Tensor::from_vector(pixels, {n, 3, 32, 32});
  out.targets = Tensor::from_vector(labels, {n});
  out.task = Task::classification;
  out.num_classes = layout.num_classes;
  out.class_names = read_class_names(dir, names_file, layout.num_classes);
  out.name = name;
  validate(out);
  return out;
}

}  // namespace

Dataset load_cifar10(const std::string& dir, Split split) {
  return load(dir, cifar10_files(split), kCifar10Layout, "batches.meta.txt",
              split == Split::train ? "cifar10/train" : "cifar10/test");
}

Dataset load_cifar100(const std::string& dir, Split split, bool fine) {
  return load(dir, {cifar100_file(split)}, cifar100_layout(fine),
              fine ? "fine_label_names.txt" : "coarse_label_names.txt",
              split == Split::train ? "cifar100/train" : "cifar100/test");
}

void check_cifar10_files(const std::string& dir) {
  std::vector<std::string> files = cifar10_files(Split::train);
  files.push_back(cifar10_files(Split::test).front());
  check_files(dir, files, kCifar10Layout);
}

void check_cifar100_files(const std::string& dir) {
  check_files(dir, {cifar100_file(Split::train), cifar100_file(Split::test)}, cifar100_layout(true));
}

}  // namespace nnlab::data
