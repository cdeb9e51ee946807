#pragma once
// The upper bound on the number of linear regions of a one-hidden-layer ReLU network: n1
// hyperplanes in general position cut R^n0 into sum_{k=0}^{min(n0, n1)} C(n1, k) regions
// (Zaslavsky; Pascanu et al. 2014). Exact big-integer arithmetic, since 784 -> 256 gives 2^256.
#include <cstdint>
#include <string>

namespace nnlab::analysis {

struct RegionBound {
  std::string exact;   // the bound in decimal, every digit ("7", "1267650600228229401496703205376")
  double value = 0.0;  // the same, correctly rounded to double; inf beyond DBL_MAX (~1.8e308)
};

// sum_{k=0}^{min(inputs, hidden_units)} C(hidden_units, k) for a ReLU net with `inputs` inputs
// (n0) and `hidden_units` (n1) hidden units. It equals 2^n1 when inputs >= hidden_units.
// Throws ValueError for negative sizes or hidden_units above kMaxHiddenUnits (the exact sum
// would then take minutes and tens of thousands of digits).
RegionBound linear_region_bound(std::int64_t inputs, std::int64_t hidden_units);

inline constexpr std::int64_t kMaxHiddenUnits = 100000;

}  // namespace nnlab::analysis
