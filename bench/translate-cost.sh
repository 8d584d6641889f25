#!/usr/bin/env bash
# translate-cost.sh - what translation costs per guest instruction, next to
# what Capstone's decoding alone costs on the same code.  A benchmark, not a
# test: it prints figures and never fails on them.
#
# Env: BT86 (./bt86), BUILDDIR (.), SRCDIR (.)
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
SRCDIR=${SRCDIR:-.}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cc -O2 -o "$work/capstone_cost" "$SRCDIR/bench/capstone_cost.c" $(pkg-config --cflags --libs capstone) || exit 1

printf '%-10s %12s %12s %14s %14s\n' guest "insns run" "translated" "bt86 us/insn" "Capstone us/insn"
for g in integer strings isahash; do
	elf=guests/$g/$g.elf
	[ -f "$elf" ] || continue
	"$BT86" -kernel "$elf" -nographic -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-stats-json "$work/$g.json" > /dev/null 2>&1
	objcopy -O binary -j .text "$elf" "$work/$g.text" 2>/dev/null
	cap=$("$work/capstone_cost" "$work/$g.text")
	field() { sed -n "s/^ *\"$1\": *\([0-9.]*\).*/\1/p" "$work/$g.json"; }
	awk -v g="$g" -v run="$(field guest_instructions)" -v n="$(field guest_instructions_translated)" \
		-v s="$(field translate_seconds)" -v cap="$cap" \
		'BEGIN { printf "%-10s %12d %12d %14.2f %14s\n", g, run, n, s * 1e6 / (n ? n : 1), cap }'
done
echo
echo "bt86 us/insn: frontend (Capstone decode + x86->IR), optimizer and backend, per guest"
echo "instruction translated; each block is translated once while it stays cached."
