#pragma once
// The CPU GEMM backends behind kernels::gemm, on typed row-major operands in BLAS terms:
//   C (M, N) = alpha · op(A) (M, K) · op(B) (K, N) + beta · C + bias
// op(X) is X or Xᵀ. Row i of a stored matrix starts at ld·i (ld >= its number of columns).
// When beta == 0, C is only written (NaNs already in C do not leak), as in BLAS. bias (N, any
// stride; null: none) is added to every row: a Linear layer's bias, fused.
// Callers (kernels/gemm.cpp, tests, benchmarks) have checked sizes and leading dims.
#include <cstdint>
#include <cstring>

namespace nnlab::kernels::cpu {

template <typename T>
struct GemmProblem {
  bool trans_a = false;
  bool trans_b = false;
  std::int64_t m = 0, n = 0, k = 0;
  T alpha = 1;
  const T* a = nullptr;
  std::int64_t lda = 0;  // stored A is (M, K), or (K, M) when trans_a
  const T* b = nullptr;
  std::int64_t ldb = 0;  // stored B is (K, N), or (N, K) when trans_b
  T beta = 0;
  T* c = nullptr;
  std::int64_t ldc = 0;
  const T* bias = nullptr;
  std::int64_t bias_stride = 1;
};

// Writes beta · C + bias into C and returns the problem that adds the product onto it (beta 1,
// no bias): the bias costs one pass over C while it is about to be used, and the kernels need
// no bias epilogue. Backends call it on the part of C they (or one of their threads) write.
template <typename T>
GemmProblem<T> fold_bias(GemmProblem<T> p) {
  if (p.bias == nullptr) return p;
  for (std::int64_t i = 0; i < p.m; ++i) {
    T* row = p.c + i * p.ldc;
    if (p.beta == T(0) && p.bias_stride == 1 && p.n >= 16) {  // a call per row costs more for a few columns
      std::memcpy(row, p.bias, static_cast<std::size_t>(p.n) * sizeof(T));
    } else if (p.beta == T(0)) {
      for (std::int64_t j = 0; j < p.n; ++j) row[j] = p.bias[j * p.bias_stride];
    } else {
      for (std::int64_t j = 0; j < p.n; ++j) row[j] = p.beta * row[j] + p.bias[j * p.bias_stride];
    }
  }
  p.beta = T(1);
  p.bias = nullptr;
  return p;
}

// Naive triple loop accumulating in double: the test oracle. Single-threaded.
template <typename T>
void gemm_reference(const GemmProblem<T>& p);

// Register-tiled kernels for products small enough that a library call's overhead dominates
// (a batch of 1..16 through a 16..64 wide layer). Single-threaded, no allocation unless both
// operands are transposed. Picks AVX-512 / AVX2 / baseline code at run time.
template <typename T>
void gemm_small(const GemmProblem<T>& p);

// Cache-blocked product for large float64 problems (oneDNN has no f64 GEMM on CPU): packs
// panels of op(B) and runs gemm_small's tiles on them, rows split across nnlab::num_threads().
template <typename T>
void gemm_blocked(const GemmProblem<T>& p);

// oneDNN's sgemm. Products of at least kSgemmMinTeamFlops run on nnlab::num_threads() threads
// (the shared OpenMP pool), smaller ones on the calling thread: sgemm's team costs more than it
// saves below that (2 cores: 6e7 lost 25 % on W2's products against 2e7). kernels::gemm does not
// use the team (see gemm_dnnl_on_caller); the convolutions' unfolded products do.
inline constexpr double kSgemmMinTeamFlops = 2e7;
void gemm_dnnl(const GemmProblem<float>& p);
// oneDNN's sgemm on the calling thread alone, whatever the size: kernels::gemm splits products
// across threads itself, in parts that parallel_for may also run one after the other on the
// caller when the machine is busy (core/parallel.h), with the same results either way.
void gemm_dnnl_on_caller(const GemmProblem<float>& p);

}  // namespace nnlab::kernels::cpu
