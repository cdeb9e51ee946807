#!/usr/bin/env bash
# What `make bench` runs. With no filter: the workload comparison against PyTorch
# (bench/compare.py, every workload, three runs per side). The first argument, unless it starts
# with "-", picks something else:
#   make bench ARGS=W3                       one workload (or a list: W2,W9)
#   make bench ARGS=P1                       what the grad_norms probe adds to a W2 step
#   make bench ARGS=S1                       a 16-trial sweep, --jobs 2 against --jobs 1
#   make bench ARGS=O1                       nnlab optimize on W7's setting against W7 and its numpy loop
#   make bench ARGS=C1                       W1, W6 and fashion-mlp with one core kept busy, 2 threads vs 1
#   make bench ARGS=micro                    every micro-benchmark (Google Benchmark)
#   make bench ARGS=gemm                     the micro-benchmarks whose name contains "gemm"
#   make bench ARGS="--quick"                the comparison with few steps: a smoke test
#   make bench ARGS="W2,W9 --repeats 5"
# Other arguments go to compare.py. The table is also written to $BUILD/bench/workloads.md.
set -euo pipefail
build=${BUILD:-build}
here=$(cd "$(dirname "$0")" && pwd)

compare() {
  echo "== workloads: nnlab vs PyTorch (bench/compare.py)"
  exec /usr/bin/python3 "$here/compare.py" --build "$build" --out "$build/bench/workloads.md" "$@"
}

filter=""
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  filter=$1
  shift
fi
case "$filter" in
  "" | workloads) compare "$@" ;;
  W[0-9]* | P1* | S1* | O1* | C1*) compare --workloads "$filter" "$@" ;;
  micro) filter="" ;;
esac

found=0
for exe in "$build"/bench/bench_*; do
  [ -x "$exe" ] || continue
  name=$(basename "$exe")
  [ "$name" = bench_workloads ] && continue  # not a Google Benchmark: compare.py runs it
  case "$name" in *"$filter"*) ;; *) continue ;; esac
  found=1
  echo "== $name"
  "$exe" --benchmark_counters_tabular=true
done
if [ "$found" = 0 ]; then
  echo "bench: no micro-benchmark matches '${filter}' in $build/bench (is Google Benchmark installed?)" >&2
  exit 2
fi
