#!/bin/bash
# bench-checksums.test.sh - every benchmark program (bench/) prints the same
# checksum under bt86 as natively on the host, or as under QEMU for the
# system nanobenchmarks without a native twin: the benchmarks measure the
# right work. Correctness only, at a small N; timing never fails a test.
# Any run that crashes, times out or fails its own self-check fails the
# test, and so does bt86 stopping on something unimplemented, except on the
# rows compare.sh lists in BENCH_EXPECT_UNSUPPORTED.
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
# A timeout fails the test, so it is generous: mandel takes 8 s of CPU in the
# ASan+UBSan debug build, and 42 s of wall time on this 2-core machine at a
# load of 13 (measured; 60 s was once too little there).
out=$(BT86=${BT86:-./bt86} BENCH_TIMEOUT=${BENCH_TIMEOUT:-180} "${SRCDIR:-.}/bench/compare.sh" --check 2>&1)
status=$?
echo "$out"
exit $status
