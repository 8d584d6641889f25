#!/bin/bash
# bench-checksums.test.sh - every benchmark program (bench/) prints the same
# checksum under each bt86 backend as its i686 native twin (the guest's own
# code as a 32-bit Linux program) and its host twin print, or as QEMU does
# for the system nanobenchmarks without a native twin: the benchmarks
# measure the right work. Correctness only, at a small N; timing never fails
# a test. Any run that crashes, times out or fails its own self-check fails
# the test, and so does bt86 stopping on something unimplemented, except on
# the rows compare.sh lists in BENCH_EXPECT_UNSUPPORTED. Every backend
# `bt86 -backend help` lists must have been run on every row.
#
# Environment (from run-tests.sh): BT86, BUILDDIR, SRCDIR.
set -u
cd "${BUILDDIR:-.}" || exit 1
if [ -n "${RUN_WRAPPER:-}" ]; then
	echo "skipped: a cross build: the native twins and bench/benchtool are built for the target; the native make check compares checksums"
	exit 77
fi
if [ ! -x bench/benchtool ]; then
	echo "bench/benchtool not built (run make)"
	exit 1
fi
BT86=${BT86:-./bt86}
# The whole list, whatever BENCH_BACKENDS says in the caller's environment.
unset BENCH_BACKENDS
. "${SRCDIR:-.}/bench/backends.sh"
backends=$(bench_backends "$BT86") || exit 1
# A timeout fails the test, so it is generous: mandel takes 8 s of CPU in the
# ASan+UBSan debug build, and 42 s of wall time on this 2-core machine at a
# load of 13 (measured; 60 s was once too little there).
out=$(BT86=$BT86 BENCH_TIMEOUT=${BENCH_TIMEOUT:-180} "${SRCDIR:-.}/bench/compare.sh" --check 2>&1)
status=$?
echo "$out"
# compare.sh lists its engines itself; check its rows against bt86's own list.
rows=$(grep -c '^[a-z0-9]\+  .*qemu=' <<< "$out")
for b in $backends; do
	n=$(grep -c " bt86-$b=ok\( \|$\)" <<< "$out")
	if [ "$rows" = 0 ] || [ "$n" != "$rows" ]; then
		echo "FAIL: backend $b passed $n of $rows rows"
		status=1
	fi
done
if [ "$status" = 0 ]; then
	echo "every row: $(echo $backends | sed 's/ /, /g') agree with the native twins or QEMU"
fi
exit $status
