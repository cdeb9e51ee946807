#include "cifar_writer.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <stdexcept>

namespace nnlab::testing {
namespace {

constexpr int kPixels = 3 * 32 * 32;

// A class's colour, as red, green and blue levels.
std::vector<double> class_colour(int c) {
  const double angle = 2.0 * std::numbers::pi * c / 10.0;
  return {128.0 + 80.0 * std::cos(angle), 128.0 + 80.0 * std::sin(angle), 56.0 + 16.0 * c};
}

std::vector<unsigned char> noisy_record(int label, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> noise(-40.0, 40.0);
  const std::vector<double> colour = class_colour(label);
  std::vector<unsigned char> bytes = {static_cast<unsigned char>(label)};
  for (int i = 0; i < kPixels; ++i) {
    const double level = colour[static_cast<std::size_t>(i / 1024)] + noise(rng);
    bytes.push_back(static_cast<unsigned char>(std::clamp(std::lround(level), 0L, 255L)));
  }
  return bytes;
}

std::vector<std::vector<unsigned char>> noisy_batch(std::int64_t records, std::int64_t first, std::mt19937_64& rng) {
  std::vector<std::vector<unsigned char>> batch;
  for (std::int64_t r = 0; r < records; ++r) batch.push_back(noisy_record(static_cast<int>((first + r) % 10), rng));
  return batch;
}

}  // namespace

std::vector<unsigned char> cifar_record(std::vector<unsigned char> labels, int fill) {
  std::vector<unsigned char> bytes = std::move(labels);
  for (int i = 0; i < kPixels; ++i) bytes.push_back(static_cast<unsigned char>((fill + i) % 256));
  return bytes;
}

void write_cifar_batch(const std::filesystem::path& path, const std::vector<std::vector<unsigned char>>& records) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& r : records) out.write(reinterpret_cast<const char*>(r.data()), static_cast<long>(r.size()));
  if (!out) throw std::runtime_error("write_cifar_batch: cannot write " + path.string());
}

void write_cifar10_files(const std::filesystem::path& dir, const Cifar10FilesSpec& spec) {
  std::filesystem::create_directories(dir);
  std::mt19937_64 rng(spec.seed);
  for (int b = 1; b <= 5; ++b) {
    write_cifar_batch(dir / ("data_batch_" + std::to_string(b) + ".bin"),
                      noisy_batch(spec.per_train_batch, (b - 1) * spec.per_train_batch, rng));
  }
  write_cifar_batch(dir / "test_batch.bin", noisy_batch(spec.test, 0, rng));
  std::ofstream(dir / "batches.meta.txt") << "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n";
}

}  // namespace nnlab::testing
