#!/bin/sh
# diff.test.sh - the quick differential tests: every form of
# tests/diff/forms.c on DIFF_QUICK_CASES (2000) random states, on the host
# CPU and through bt86, then the CPUID/RDTSC check and the #UD sweep.
# 2000 cases take about a minute of CPU on an idle 2-core machine.
# "make check-diff" runs the full suite.
cd "${BUILDDIR:-.}" || exit 1
bin=tests/diff/diff_bt86
if [ ! -x "$bin" ]; then
	echo "skipped: $bin is not built (the host is not x86)"
	exit 77
fi
exec "$bin" -n "${DIFF_QUICK_CASES:-2000}" -q
