#!/usr/bin/env bash
# run.sh - the benchmarks (make bench).  Figures, never pass/fail, except
# that a broken runner or a WRONG checksum makes it exit non-zero.
#   QUICK=1   a smoke run: one repetition, short runs (under a minute)
set -u
here=$(cd "$(dirname "$0")" && pwd)
echo "== translated versus native (bench/compare.sh) =="
"$here/compare.sh"
status=$?
echo
echo "== translation cost =="
"$here/translate-cost.sh"
echo
echo "== Linux boot to a shell, and a shell workload =="
if [ "${QUICK:-0}" = 1 ]; then
	echo "skipped with QUICK=1 (a boot takes about a minute per engine)"
else
	"$here/boot.sh"
fi
exit $status
