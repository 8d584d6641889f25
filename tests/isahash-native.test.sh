#!/bin/bash
# isahash-native.test.sh - the isahash guest under bt86 must print exactly
# what its native twin prints on this (x86) host's real CPU.
#
# Environment (from run-tests.sh): BT86, BUILDDIR, SRCDIR. Runs from BUILDDIR.
# Exit status: 0 pass, 77 skip (not an x86 host, native twin not built),
# 1 fail (with a diff naming the instruction groups that differ).

set -u

. "$(dirname "$0")/native-twin.sh"
twin_run isahash

ok=1
if ! cmp -s "$tmp/native" "$tmp/bt86"; then
	ok=0
	echo "bt86 differs from the host CPU on these groups:"
	diff --label native --label bt86 -u "$tmp/native" "$tmp/bt86" |
		head -n 60 | sed 's/^/  /'
fi
# The guest returns 0 from main: isa-debug-exit makes that (0 << 1) | 1.
if [ "$status" != 1 ]; then
	ok=0
	echo "bt86 exited with status $status, expected 1"
	head -n 20 "$tmp/bt86.err" | sed 's/^/  /'
fi
[ $ok = 1 ] || exit 1
exit 0
