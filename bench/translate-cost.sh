#!/usr/bin/env bash
# translate-cost.sh - what translation costs per guest instruction with each
# backend `bt86 -backend help` lists, next to what Capstone's decoding alone
# costs on the same code, and bt86's peak resident memory (GNU time, when
# installed).  A benchmark, not a test: it prints figures and never fails
# on them.
#
# Env: BT86 (./bt86), BUILDDIR (.), SRCDIR (.), BENCH_BACKENDS
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
SRCDIR=${SRCDIR:-.}
. "$SRCDIR/bench/backends.sh"
backends=$(bench_backends "$BT86") || exit 1
gnutime=
[ -x /usr/bin/time ] && gnutime=/usr/bin/time
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cc -O2 -o "$work/capstone_cost" "$SRCDIR/bench/capstone_cost.c" $(pkg-config --cflags --libs capstone) || exit 1

printf '%-10s %-8s %12s %12s %14s %16s %9s\n' guest backend "insns run" "translated" \
	"bt86 us/insn" "Capstone us/insn" "peak MiB"
for g in integer strings isahash; do
	elf=guests/$g/$g.elf
	[ -f "$elf" ] || continue
	objcopy -O binary -j .text "$elf" "$work/$g.text" 2>/dev/null
	cap=$("$work/capstone_cost" "$work/$g.text")
	for b in $backends; do
		rm -f "$work/$g.json" "$work/rss"
		${gnutime:+$gnutime -f %M -o "$work/rss"} "$BT86" -backend "$b" -kernel "$elf" \
			-nographic -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-stats-json "$work/$g.json" > /dev/null 2>&1
		field() { sed -n "s/^ *\"$1\": *\([0-9.]*\).*/\1/p" "$work/$g.json" 2>/dev/null; }
		awk -v g="$g" -v b="$b" -v run="$(field guest_instructions)" \
			-v n="$(field guest_instructions_translated)" -v s="$(field translate_seconds)" \
			-v cap="$cap" -v rss="$(tail -n 1 "$work/rss" 2>/dev/null)" \
			'BEGIN { printf "%-10s %-8s %12d %12d %14.2f %16s %9s\n", g, b, run, n,
				s * 1e6 / (n ? n : 1), cap, rss ~ /^[0-9]+$/ ? sprintf("%.1f", rss / 1024) : "-" }'
	done
done
echo
echo "bt86 us/insn: frontend (Capstone decode + x86->IR), optimizer and backend, per guest"
echo "instruction translated; each block is translated once while it stays cached."
echo "peak MiB: bt86's maximum resident set (GNU time), guest RAM included as touched."
