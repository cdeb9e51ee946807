#pragma once
// Element types. float32 is the default; float64 runs every op too (gradient checks,
// the optimiser playground); int64 holds labels and indices.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

namespace nnlab {

enum class DType : std::uint8_t { f32, f64, i64 };

constexpr std::size_t dtype_size(DType dtype) {
  return dtype == DType::f32 ? 4 : 8;
}

constexpr std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::f32: return "float32";
    case DType::f64: return "float64";
    case DType::i64: return "int64";
  }
  return "unknown";
}

constexpr bool is_floating(DType dtype) { return dtype != DType::i64; }

template <typename T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() { return DType::f32; }
template <>
constexpr DType dtype_of<double>() { return DType::f64; }
template <>
constexpr DType dtype_of<std::int64_t>() { return DType::i64; }

}  // namespace nnlab

template <>
struct fmt::formatter<nnlab::DType> : fmt::formatter<std::string_view> {
  auto format(nnlab::DType dtype, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(nnlab::dtype_name(dtype), ctx);
  }
};
