#!/usr/bin/env bash
# run.sh - the benchmarks (make bench).  Figures, never pass/fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
echo "== translation cost =="
"$here/translate-cost.sh"
echo "== Linux boot to a shell, and a shell workload =="
"$here/boot.sh"
