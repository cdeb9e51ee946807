#pragma once
// dispatch_any: the dtype switch for kernels that move or compare values of every dtype
// (indexing, joins, where, comparisons), where loops.h's dispatch_floating is too narrow.
#include <cstdint>

#include "nnlab/core/check.h"
#include "nnlab/core/dtype.h"

namespace nnlab::kernels::cpu {

// Calls body.template operator()<T>() with T the C++ type of dtype.
template <typename Body>
void dispatch_any(DType dtype, const Body& body) {
  switch (dtype) {
    case DType::f32: return body.template operator()<float>();
    case DType::f64: return body.template operator()<double>();
    case DType::i64: return body.template operator()<std::int64_t>();
  }
  NNLAB_UNREACHABLE("kernels: unknown dtype");
}

}  // namespace nnlab::kernels::cpu
