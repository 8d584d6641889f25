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
	python3 - "$work/$g.json" "$g" "$cap" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
n = s["guest_instructions_translated"]
print("%-10s %12d %12d %14.2f %14s" % (sys.argv[2], s["guest_instructions"], n,
      s["translate_seconds"] * 1e6 / max(n, 1), sys.argv[3]))
PY
done
echo
echo "bt86 us/insn: frontend (Capstone decode + x86->IR), optimizer and backend, per guest"
echo "instruction translated; each block is translated once while it stays cached."
