#include "nnlab/train/callback.h"

#include <algorithm>
#include <limits>

namespace nnlab::train {

double EpochMetrics::get(std::string_view tag) const {
  for (const auto& [name, value] : values) {
    if (name == tag) return value;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

bool EpochMetrics::has(std::string_view tag) const {
  return std::any_of(values.begin(), values.end(), [&](const auto& entry) { return entry.first == tag; });
}

std::string_view to_string(StopReason reason) {
  switch (reason) {
    case StopReason::completed: return "completed";
    case StopReason::early_stopping: return "early_stopping";
    case StopReason::non_finite_loss: return "non_finite_loss";
    case StopReason::paused: return "paused";
    case StopReason::interrupted: return "interrupted";
  }
  return "unknown";
}

}  // namespace nnlab::train
