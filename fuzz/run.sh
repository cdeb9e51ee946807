#!/usr/bin/env bash
# `make fuzz`: runs every fuzz target of a built fuzz build (cmake --preset fuzz) for
# FUZZ_SECONDS seconds each (default 600), one after the other, and fails if any target found a
# crash, a sanitizer report, a leak, a timeout (10 s for one input) or an input that made the
# reader use more than 2 GB. Usage: fuzz/run.sh [BUILD_DIR]   (default build-fuzz)
#
# Each target starts from the committed corpus and regressions (fuzz/corpus/<t>, fuzz/regressions/<t>)
# plus what its earlier runs found, which it keeps in BUILD_DIR/fuzz/corpus/<t>: new inputs never
# land in the committed corpus. A finding is written to BUILD_DIR/fuzz/findings/<t>/; the log of
# each run is BUILD_DIR/fuzz/<t>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-600}
targets_file=$build/fuzz/targets.txt
[ -f "$targets_file" ] || { echo "fuzz: $targets_file is missing: configure and build with cmake --preset fuzz" >&2; exit 2; }

failed=()
while read -r name max_len; do
  binary=$build/fuzz/fuzz_$name
  scratch=$build/fuzz/corpus/$name
  findings=$build/fuzz/findings/$name
  log=$build/fuzz/$name.log
  mkdir -p "$scratch" "$findings"
  inputs=(fuzz/corpus/"$name")
  if [ -d fuzz/regressions/"$name" ]; then inputs+=(fuzz/regressions/"$name"); fi
  echo "fuzz: $name for ${seconds} s (inputs up to $max_len bytes)"
  # The first folder is where libFuzzer adds what it finds; the others are only read.
  if "$binary" "$scratch" "${inputs[@]}" -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 \
      -timeout=10 -artifact_prefix="$findings/" -print_final_stats=1 < /dev/null > "$log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" |
      sed 's/^/  /'
  else
    failed+=("$name")
    tail -n 40 "$log"
    echo "fuzz: $name FAILED; the input is in $findings/ (fix the bug, then add the input to fuzz/regressions/$name/)"
  fi
done < "$targets_file"

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings"
