#include "nnlab/train/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nnlab/core/check.h"

namespace nnlab::train {

HistogramRecord make_histogram(std::string tag, std::int64_t step, std::int64_t epoch,
                               const std::vector<double>& values, std::int64_t buckets) {
  NNLAB_CHECK(buckets >= 1, ValueError, "make_histogram '{}': buckets must be >= 1, got {}", tag, buckets);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  HistogramRecord h{.tag = std::move(tag),
                    .step = step,
                    .epoch = epoch,
                    .min = kInf,
                    .max = -kInf,
                    .sum = 0.0,
                    .sum_squares = 0.0,
                    .count = 0,
                    .edges = {},
                    .counts = {}};
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    h.min = std::min(h.min, v);
    h.max = std::max(h.max, v);
    h.sum += v;
    h.sum_squares += v * v;
    ++h.count;
  }
  if (h.count == 0) {  // one empty bucket, so that every histogram has edges and counts
    h.min = h.max = 0.0;
    h.edges = {0.0, 0.0};
    h.counts = {0.0};
    return h;
  }
  const std::int64_t n = h.min == h.max ? 1 : buckets;
  const double width = (h.max - h.min) / static_cast<double>(n);
  for (std::int64_t i = 0; i <= n; ++i) h.edges.push_back(i == n ? h.max : h.min + width * static_cast<double>(i));
  h.counts.assign(static_cast<std::size_t>(n), 0.0);
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    const auto bucket = width > 0 ? static_cast<std::int64_t>((v - h.min) / width) : 0;
    h.counts[static_cast<std::size_t>(std::clamp<std::int64_t>(bucket, 0, n - 1))] += 1.0;
  }
  return h;
}

}  // namespace nnlab::train
