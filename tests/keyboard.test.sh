#!/usr/bin/env bash
# keyboard.test.sh - keys typed with -sendkeys reach a guest through the
# PS/2 keyboard and the i8042 as set-1 scan codes on IRQ 1: guests/kbd
# first runs its polled controller checks (their output is what QEMU
# prints, guests/kbd/expected.out), then reads a line typed with shifted
# and unshifted keys and prints it.  14 key releases: H is Shift+h (two),
# e l l o , space b t 8 6 (ten), ! is Shift+1 (two); Enter ends the line.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
	cat "$SRCDIR/guests/kbd/expected.out"
	echo 'kbd: type a line'
	echo 'kbd: typed "Hello, bt86!" (14 key releases)'
} > "$work/want"
timeout 30 "$BT86" -kernel guests/kbd/kbd.elf -append type -nographic \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -sendkeys 'Hello, bt86!\n' \
	< /dev/null > "$work/got" 2> "$work/err"
st=$?
cat "$work/err"
if ! diff -u "$work/want" "$work/got"; then
	echo "the guest did not read the typed line"
	exit 1
fi
[ $st = 1 ] || { echo "exit status $st, expected 1"; exit 1; }
echo "typed line received"
