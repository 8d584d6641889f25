#!/usr/bin/env bash
# tutorial.test.sh - docs/tutorial.md's commands work as written: each
# ```sh block runs in order (in a scratch directory that sees the build's
# bt86 and guests) and must succeed; then the claims the text makes about
# their output are checked.
set -u
if [ -n "${RUN_WRAPPER:-}" ]; then
	echo "skipped: a cross build: the tutorial runs ./bt86 as a reader would, natively"
	exit 77
fi
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
SRCDIR=$(cd "${SRCDIR:-$BUILDDIR}" && pwd)
doc=$SRCDIR/docs/tutorial.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$BUILDDIR/bt86" "$work/bt86"
ln -s "$BUILDDIR/guests" "$work/guests"
cd "$work" || exit 1
fail=0
awk -v dir="$work" '/^```sh$/ { n++; f = sprintf("%s/block%02d.sh", dir, n); next }
	/^```/ { f = ""; next } f { print > f }' "$doc"
n=0
for b in "$work"/block*.sh; do
	n=$((n + 1))
	timeout 120 bash "$b" < /dev/null > "$b.out" 2>&1
	st=$?
	if [ $st != 0 ]; then
		echo "FAIL: tutorial block $n exited with $st:"; cat "$b"; tail -20 "$b.out"; fail=1
	else
		echo "ok: tutorial block $n: $(head -1 "$b")"
	fi
done
[ $n -ge 7 ] || { echo "FAIL: only $n sh blocks found in $doc"; fail=1; }
claim() { # BLOCK ERE DESCRIPTION
	if grep -qE -- "$2" "$work/block$1.sh.out"; then
		echo "ok: $3"
	else
		echo "FAIL: $3 (no /$2/ in block $1's output)"; tail -30 "$work/block$1.sh.out"; fail=1
	fi
}
claim 01 '^  s, step ' "section 1: help lists the commands"
claim 02 ' sysenter +\[virtualization-sensitive\]$' "section 2: SYSENTER shown as virtualization-sensitive"
claim 02 'call +t[0-9]+, sysenter\(' "section 2: SYSENTER became a monitor call"
claim 02 'cs 0008\* +ss 0010\*' "section 2: regs marks the kernel's CS and SS"
claim 03 'MONITOR:   -> sysenter result=0 IF 1->0 CPL 3->0 CS 1b->8' "section 3: what the monitor did"
claim 04 '^INT: vector 0x80 \(software\) at 001b:' "section 3: INT 0x80 is an interrupt delivery"
claim 05 '^IN: user_sysenter\+0x9 ' "section 4: the block's guest code"
claim 05 '^OUT: \[threaded code' "section 4: the interp backend's code"
claim 06 'unknown backend' "section 4: a missing backend is named"
claim 07 'int 0x80 +200000 call .* us/op' "section 5: the INT 0x80 cost"
claim 07 'sysenter +200000 call .* us/op' "section 5: the SYSENTER cost"
claim 08 'sysenter +virtualization-sensitive +200000' "section 5: -stats counts the SYSENTERs"
claim 08 'iret +sensitive-unprivileged' "section 5: ... and the IRETs"
exit $fail
