#pragma once
// Rng: a seeded counter-based generator (Philox4x32-10). Element i of a fill is a pure
// function of (seed, counter + i), so the numbers do not depend on the thread count.
#include <cstdint>
#include <span>
#include <vector>

namespace nnlab {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : seed_(seed) {}

  std::uint64_t seed() const { return seed_; }
  // How many 128-bit blocks have been used; saving (seed, offset) restores the stream.
  std::uint64_t offset() const { return counter_; }
  void set_offset(std::uint64_t offset) { counter_ = offset; }

  // Each fill uses one block per element and advances the counter by out.size().
  template <typename T>
  void fill_uniform(std::span<T> out, double low, double high);  // [low, high)
  template <typename T>
  void fill_normal(std::span<T> out, double mean, double stddev);
  template <typename T>
  void fill_bernoulli(std::span<T> out, double p);  // 1 with probability p, else 0

  double uniform();                              // one draw in [0, 1)
  std::uint64_t below(std::uint64_t n);          // one draw in [0, n)
  std::vector<std::int64_t> permutation(std::int64_t n);  // Fisher-Yates, uniform over all n! orders

 private:
  std::uint64_t seed_;
  std::uint64_t counter_ = 0;
};

// The process-wide generator that layers draw from when none is given (initialisation,
// dropout), like torch's default generator. manual_seed() resets it. Not for use from
// several threads at once.
Rng& global_rng();
void manual_seed(std::uint64_t seed);

// The Philox4x32-10 block function: four 32-bit words from a 128-bit counter and a key.
struct PhiloxBlock {
  std::uint32_t words[4];
};
PhiloxBlock philox4x32(std::uint64_t counter, std::uint64_t key);

}  // namespace nnlab
