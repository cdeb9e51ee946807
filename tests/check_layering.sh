#!/usr/bin/env bash
# Fails if a file of one floor includes a header of a higher floor, or of another folder on the
# same floor (ARCHITECTURE.md: dependencies point downward only; siblings never include each other).
set -u
root=${1:?usage: check_layering.sh SRC_DIR}
declare -A level=([core]=1 [tensor]=2 [kernels]=3 [autograd]=4 [ops]=5 [nn]=6 [optim]=6 [data]=6
                  [analysis]=7 [train]=8 [io]=9 [report]=10 [lab]=11 [cli]=12)
bad=0
checked=0
while IFS= read -r file; do
  floor=${file#"$root"/}
  floor=${floor%%/*}
  [ -n "${level[$floor]:-}" ] || continue
  checked=$((checked + 1))
  while IFS= read -r target; do
    [ -n "${level[$target]:-}" ] || continue
    if [ "${level[$target]}" -gt "${level[$floor]}" ]; then
      echo "upward include: $file includes nnlab/$target/ (floor $floor may not see $target)"
      bad=1
    elif [ "${level[$target]}" -eq "${level[$floor]}" ] && [ "$target" != "$floor" ]; then
      echo "sibling include: $file includes nnlab/$target/ ($floor and $target share floor ${level[$floor]})"
      bad=1
    fi
  done < <(grep -oE '#include "nnlab/[a-z_]+/' "$file" | sed -E 's|#include "nnlab/([a-z_]+)/|\1|')
done < <(find "$root" -name '*.h' -o -name '*.cpp')
echo "checked $checked files"
exit $bad
