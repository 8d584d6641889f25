#!/usr/bin/env bash
# post.test.sh - "-d post" logs the POST codes a guest writes to port 0x80.
# The com2 guest writes 0x42 there once; the log must say so, and without
# -d post nothing is logged. Both runs must end as the guest asks (exit
# status 1 through isa-debug-exit): an empty log from a bt86 that died at
# start-up proves nothing.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run=(-kernel guests/com2/com2.elf -display none -serial null -serial null
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)
fail=0
# status WHAT STATUS: the run ended as the guest asked.
status() {
	[ "$2" = 1 ] && return 0
	echo "FAIL: $1: bt86 exited with status $2, expected 1 (the guest's exit)"
	fail=1
}
timeout 30 "$BT86" "${run[@]}" -d post -D "$work/post.log" </dev/null
status "-d post" $?
if [ "$(grep -c 'POST code' "$work/post.log")" != 1 ] ||
	! grep -q 'POST code 0x42$' "$work/post.log"; then
	echo "FAIL: -d post log:"; cat "$work/post.log"; fail=1
else
	echo "ok: -d post: $(cat "$work/post.log")"
fi
timeout 30 "$BT86" "${run[@]}" -D "$work/quiet.log" </dev/null
status "without -d post" $?
if [ -s "$work/quiet.log" ]; then
	echo "FAIL: POST codes logged without -d post:"; cat "$work/quiet.log"; fail=1
else
	echo "ok: nothing logged without -d post"
fi
exit $fail
