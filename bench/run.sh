#!/usr/bin/env bash
# Runs nnlab's micro-benchmarks (Google Benchmark). `make bench ARGS=gemm` runs only the
# benchmarks whose executable name contains "gemm".
set -euo pipefail
build=${BUILD:-build}
filter=${1:-}
found=0
for exe in "$build"/bench/bench_*; do
  [ -x "$exe" ] || continue
  case "$(basename "$exe")" in *"$filter"*) ;; *) continue ;; esac
  found=1
  echo "== $(basename "$exe")"
  "$exe" --benchmark_counters_tabular=true
done
if [ "$found" = 0 ]; then
  echo "bench: no benchmark matches '${filter}' in $build/bench (is Google Benchmark installed?)" >&2
  exit 2
fi
