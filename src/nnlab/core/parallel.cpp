#include "nnlab/core/parallel.h"

#include "nnlab/core/check.h"

namespace nnlab {

int num_threads() { return omp_get_max_threads(); }

int num_cores() { return omp_get_num_procs(); }

void set_num_threads(int threads) {
  NNLAB_CHECK(threads >= 1, ValueError, "set_num_threads: expected at least 1 thread, got {}", threads);
  omp_set_num_threads(threads);
}

}  // namespace nnlab
