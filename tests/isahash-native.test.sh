#!/bin/bash
# isahash-native.test.sh - the isahash guest under bt86 must print exactly
# what its native twin prints on this (x86) host's real CPU.
#
# Environment (from run-tests.sh): BT86, BUILDDIR, SRCDIR. Runs from BUILDDIR.
# Exit status: 0 pass, 77 skip (not an x86 host, native twin not built),
# 1 fail (with a diff naming the instruction groups that differ).

set -u

BUILDDIR=${BUILDDIR:-.}
BT86=${BT86:-$BUILDDIR/bt86}
native=guests/isahash/isahash-native
elf=guests/isahash/isahash.elf

cd "$BUILDDIR" || exit 1

case $(uname -m) in
x86_64 | i?86) ;;
*)
	echo "host $(uname -m) is not x86: no native twin to compare with"
	exit 77
	;;
esac
if [ ! -x "$native" ]; then
	echo "$BUILDDIR/$native not built (HOST_ARCH in config.mk not x86?)"
	exit 77
fi
if [ ! -f "$elf" ]; then
	echo "$BUILDDIR/$elf not built (run make)"
	exit 1
fi
if [ ! -x "$BT86" ]; then
	echo "$BT86 is missing or not executable (build it first)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/isahash.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! timeout 60 "./$native" > "$tmp/native" 2> "$tmp/native.err"; then
	echo "the native twin failed:"
	head -n 20 "$tmp/native.err"
	exit 1
fi

timeout "${GUEST_TIMEOUT:-60}" "$BT86" -kernel "$elf" -nographic \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	< /dev/null > "$tmp/bt86" 2> "$tmp/bt86.err"
status=$?

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
