#include "nnlab/tensor/print.h"

#include <fmt/format.h>

#include "nnlab/tensor/view.h"

namespace nnlab {
namespace {

constexpr std::int64_t kEdgeItems = 3;     // shown at each end of a long dimension
constexpr std::int64_t kSummariseAbove = 1000;

std::string format_value(const Tensor& t) {
  const double v = t.item();
  if (t.dtype() == DType::i64) return fmt::format("{}", static_cast<std::int64_t>(v));
  return fmt::format("{:.4f}", v);
}

void append(const Tensor& t, bool summarise, int depth, std::string& out) {
  if (t.dim() == 0) {
    out += format_value(t);
    return;
  }
  out += '[';
  const std::int64_t n = t.size(0);
  const bool elide = summarise && n > 2 * kEdgeItems;
  for (std::int64_t i = 0; i < n; ++i) {
    if (elide && i == kEdgeItems) {
      out += "..., ";
      i = n - kEdgeItems - 1;
      continue;
    }
    append(view::select(t, 0, i), summarise, depth + 1, out);
    if (i + 1 < n) out += t.dim() > 1 ? ",\n" + std::string(static_cast<std::size_t>(depth + 8), ' ') : ", ";
  }
  out += ']';
}

}  // namespace

std::string to_string(const Tensor& t) {
  if (!t.defined()) return "tensor(undefined)";
  std::string out = "tensor(";
  append(t, t.numel() > kSummariseAbove, 0, out);
  out += fmt::format(", dtype={}", t.dtype());
  if (t.requires_grad()) out += ", requires_grad=true";
  return out + ")";
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << to_string(t); }

}  // namespace nnlab
