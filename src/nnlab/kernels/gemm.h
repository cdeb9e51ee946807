#pragma once
// Matrix products on views (dispatch: dtype, backend and layout). Small products run on
// nnlab's own register-tiled kernels, large float32 ones on oneDNN's sgemm, large float64 ones
// on a cache-blocked kernel; see choose_gemm_backend. Callers (ops/) have checked sizes and
// dtypes; a transposed view is passed as-is (its layout is folded into the op flag).
#include <cstdint>

#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

enum class Transpose : bool { no, yes };

// True when each matrix of x (the last two dims of a 2-D or 3-D view) can be read without a
// copy: unit stride along one dim and a leading stride of at least the other dim's size,
// i.e. row-major or column-major (a transposed view) with rows possibly padded. Broadcast
// (stride 0) and every-other-element views are not; make them contiguous first.
bool gemm_accepts(const ConstView& x);

// What gemm applies to each element of c last: nothing, or ReLU (c < 0 ? 0 : c, so NaN and -0
// pass through as in torch.relu), a Linear layer's activation applied to each thread's part of
// c while it is in that thread's cache instead of in a pass of its own.
enum class GemmEpilogue { none, relu };

// c (M, N) = epilogue(alpha · op(a) (M, K) · op(b) (K, N) + beta · c + bias), with op(x) = x or
// xᵀ and bias (N), any stride, added to every row (a Linear layer's bias, fused); a bias view
// with null data means none. a, b: 2-D float32/float64 views that gemm_accepts; c: 2-D, same
// dtype, unit column stride, rows at least N apart. When beta == 0, c is only written.
// Threads: nnlab::num_threads().
void gemm(const ConstView& a, Transpose ta, const ConstView& b, Transpose tb, const MutView& c, double alpha = 1,
          double beta = 0, const ConstView& bias = {}, GemmEpilogue epilogue = GemmEpilogue::none);

// The same product for each of B matrices: a (B, ., .), b (B, ., .), c (B, M, N). A batch
// stride of 0 in a or b reuses one matrix for every product (a 2-D operand broadcast over the
// batch); c's matrices must not overlap.
void gemm_batched(const ConstView& a, Transpose ta, const ConstView& b, Transpose tb, const MutView& c,
                  double alpha = 1, double beta = 0);

enum class GemmBackend { small, dnnl, blocked };

// The backend gemm uses for one (M, N, K) product of `dtype`; exposed for tests and benchmarks.
// `dots`: op(A)'s rows and op(B)'s columns are both contiguous along K (x · Wᵀ of a Linear layer).
GemmBackend choose_gemm_backend(DType dtype, std::int64_t m, std::int64_t n, std::int64_t k, bool dots = false);

}  // namespace nnlab::kernels
