#!/usr/bin/env bash
# Runs nnlab's micro-benchmarks (Google Benchmark), then the workload comparison against
# PyTorch (bench/compare.py). The first argument, unless it starts with "-", is a filter:
#   make bench ARGS=gemm                      only the micro-benchmarks whose name contains "gemm"
#   make bench ARGS=workloads                 only the comparison
#   make bench ARGS="--quick"                 everything, the comparison with few steps
#   make bench ARGS="workloads --workloads W2,W9 --repeats 5"
# Arguments after the filter go to compare.py. The table is also written to
# $BUILD/bench/workloads.md.
set -euo pipefail
build=${BUILD:-build}
filter=""
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  filter=$1
  shift
fi
here=$(cd "$(dirname "$0")" && pwd)

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

case workloads in
  *"$filter"*)
    found=1
    echo "== workloads: nnlab vs PyTorch (bench/compare.py)"
    /usr/bin/python3 "$here/compare.py" --build "$build" --out "$build/bench/workloads.md" "$@"
    ;;
esac

if [ "$found" = 0 ]; then
  echo "bench: nothing matches '${filter}' in $build/bench (is Google Benchmark installed?)" >&2
  exit 2
fi
