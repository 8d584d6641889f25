#!/bin/bash
# limits.test.sh - segment limit and type checks on data accesses, against Bochs.
#
# usage: limits.test.sh [--bochs]
#
# guests/sys_pmode with "-append limits" adds probes of data accesses past a
# segment's limit, through read-only, code and null segments, and through a
# small SS. QEMU's TCG performs none of these checks, so the reference is
# Bochs: guests/sys_pmode/expected-limits.out is the whole serial output of
#	tests/bochs-run.sh guests/sys_pmode/sys_pmode.elf limits OUT
# (Bochs 2.7, Debian 12, cpu model p3_katmai), run from the build directory.
# Its lines outside the limits sections are the same as expected.out, which
# QEMU vouches for.
#
# Without arguments: bt86 must print exactly that file (exit status 1, the
# guest's exit(0) through isa-debug-exit). With --bochs (run-tests.sh's
# bochs-agrees:limits): Bochs must still print it, so the file is provably
# Bochs' output; skipped when Bochs or GRUB is not installed.
#
# Environment (from run-tests.sh): BT86, BUILDDIR, SRCDIR. Runs from BUILDDIR.
# Exit status: 0 pass, 77 skip, 1 fail (with the diff).

set -u

here=$(cd "$(dirname "$0")" && pwd)
SRCDIR=${SRCDIR:-$here/..}
BUILDDIR=${BUILDDIR:-.}
BT86=${BT86:-$BUILDDIR/bt86}
case $BT86 in /*) ;; *) BT86=$(pwd)/$BT86 ;; esac
elf=guests/sys_pmode/sys_pmode.elf
expected=$SRCDIR/guests/sys_pmode/expected-limits.out

mode=bt86
case ${1:-} in
"") ;;
--bochs) mode=bochs ;;
*)
	echo "usage: $0 [--bochs]" >&2
	exit 2
	;;
esac

cd "$BUILDDIR" || exit 1
if [ ! -f "$elf" ]; then
	echo "$BUILDDIR/$elf not built (run make)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/limits.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ $mode = bochs ]; then
	"$here/bochs-run.sh" "$elf" limits "$tmp/out" 2> "$tmp/err"
	status=$?
	if [ $status = 77 ]; then
		cat "$tmp/err"
		exit 77
	fi
	want_status=0
else
	if [ ! -x "$BT86" ]; then
		echo "$BT86 is missing or not executable (build it first)"
		exit 1
	fi
	timeout "${GUEST_TIMEOUT:-30}" "$BT86" -kernel "$elf" -append limits -nographic \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		< /dev/null > "$tmp/out" 2> "$tmp/err"
	status=$?
	want_status=1
fi

ok=1
if ! cmp -s "$expected" "$tmp/out"; then
	ok=0
	echo "$mode's output differs from $expected:"
	diff -u --label expected-limits.out --label "$mode" "$expected" "$tmp/out" | head -n 40
fi
if [ "$status" != "$want_status" ]; then
	ok=0
	echo "$mode ended with status $status, expected $want_status"
fi
if [ $ok = 0 ] && [ -s "$tmp/err" ]; then
	echo "stderr:"
	head -n 20 "$tmp/err"
fi
[ $ok = 1 ]
