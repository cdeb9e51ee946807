// Input checks shared by the chart functions.
#include "nnlab/report/chart_checks.h"

#include <cmath>

#include "nnlab/core/check.h"

namespace nnlab::report::detail {

void check_not_empty(std::string_view where, std::string_view what, std::size_t size) {
  NNLAB_CHECK(size > 0, ValueError, "{}: {} must not be empty, got 0 values", where, what);
}

void check_same_size(std::string_view where, std::string_view what_a, std::size_t size_a, std::string_view what_b,
                     std::size_t size_b) {
  NNLAB_CHECK(size_a == size_b, ValueError, "{}: {} and {} must have the same length, got {} and {}", where, what_a,
              what_b, size_a, size_b);
}

void check_finite(std::string_view where, std::string_view what, std::span<const double> values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    NNLAB_CHECK(std::isfinite(values[i]), ValueError, "{}: {} must be finite, got {} at index {}", where, what,
                values[i], i);
  }
}

void check_finite_or_gap(std::string_view where, std::string_view what, std::span<const double> values) {
  bool any_finite = false;
  for (std::size_t i = 0; i < values.size(); ++i) {
    NNLAB_CHECK(!std::isinf(values[i]), ValueError, "{}: {} must be finite or NaN (a gap), got {} at index {}", where,
                what, values[i], i);
    any_finite = any_finite || std::isfinite(values[i]);
  }
  NNLAB_CHECK(any_finite, ValueError, "{}: {} needs at least one finite value, got {} NaN", where, what, values.size());
}

void check_positive_for_log(std::string_view where, std::string_view what, std::span<const double> values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    NNLAB_CHECK(std::isnan(values[i]) || values[i] > 0.0, ValueError,
                "{}: {} must be positive on a log axis, got {} at index {}", where, what, values[i], i);
  }
}

}  // namespace nnlab::report::detail
