#pragma once
// Size2d: a (height, width) pair for convolution and pooling parameters. One number sets both,
// as PyTorch's int arguments do (stride=2 means (2, 2)); prints as "(2, 2)".
#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace nnlab::ops {

struct Size2d {
  std::int64_t h = 0;
  std::int64_t w = 0;

  constexpr Size2d() = default;
  // Implicit on purpose: `.stride = 2` reads like torch's stride=2.
  constexpr Size2d(std::int64_t both) : h(both), w(both) {}  // NOLINT(google-explicit-constructor)
  constexpr Size2d(std::int64_t height, std::int64_t width) : h(height), w(width) {}

  friend bool operator==(const Size2d&, const Size2d&) = default;
  std::string to_string() const { return fmt::format("({}, {})", h, w); }
};

}  // namespace nnlab::ops

template <>
struct fmt::formatter<nnlab::ops::Size2d> : fmt::formatter<std::string_view> {
  auto format(const nnlab::ops::Size2d& size, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(size.to_string(), ctx);
  }
};
