#!/usr/bin/env bash
# icount.test.sh - with -icount, virtual time is a function of the
# instruction count, so two runs of a guest that sleeps on timer
# interrupts execute exactly the same number of instructions.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
	"$BT86" -kernel guests/timer/timer.elf -nographic -icount 0 -stats-json "$work/$1.json" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 > "$work/$1.out" 2>&1
	sed -n 's/^ *"guest_instructions": *\([0-9]*\).*/\1/p' "$work/$1.json"
}
a=$(run a) b=$(run b)
echo "instructions: $a and $b"
cmp -s "$work/a.out" "$work/b.out" || { echo "outputs differ"; exit 1; }
[ -n "$a" ] && [ "$a" = "$b" ]
