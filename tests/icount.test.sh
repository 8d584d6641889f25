#!/usr/bin/env bash
# icount.test.sh - with -icount, virtual time is a function of the
# instruction count, so a run repeats exactly: two runs of each guest below
# execute exactly the same number of instructions, exit as the guest asks,
# and print the guest's expected.out (checked against QEMU by make check).
# The icount guest's output is itself hand-derived: RDTSC counts 2 per
# iteration of a 2-instruction loop, and 10 PIT periods take exactly the
# nanoseconds the PIT's 1193182 Hz says.  shift=N makes each instruction
# 2^N ns.
set -u
cd "${BUILDDIR:-.}" || exit 1
BT86=${BT86:-./bt86}
SRCDIR=${SRCDIR:-.}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
# run GUEST TAG: one run; prints the instruction count.
run() {
	timeout 60 "$BT86" -kernel "guests/$1/$1.elf" -nographic -icount shift=0,sleep=off \
		-stats-json "$work/$2.json" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		< /dev/null > "$work/$2.out" 2> "$work/$2.err"
	echo $? > "$work/$2.status"
	sed -n 's/^ *"guest_instructions": *\([0-9]*\).*/\1/p' "$work/$2.json" 2> /dev/null
}
for g in timer icount; do
	a=$(run $g a) b=$(run $g b)
	for t in a b; do
		# isa-debug-exit: main's return 0 is exit status 1.
		if [ "$(cat "$work/$t.status")" != 1 ]; then
			echo "FAIL: $g run $t: exit status $(cat "$work/$t.status"), expected 1"
			cat "$work/$t.err"
			fail=1
		fi
		if ! tr -d '\r' < "$work/$t.out" | diff -u "$SRCDIR/guests/$g/expected.out" - > "$work/diff"; then
			echo "FAIL: $g run $t: output differs from guests/$g/expected.out:"
			cat "$work/diff"
			fail=1
		fi
	done
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		echo "FAIL: $g: instruction counts '$a' and '$b' differ (or are missing)"
		fail=1
	else
		echo "ok: $g: output as expected, $a instructions in both runs"
	fi
done
# shift=3: 8 ns of virtual time per instruction, so the same loop reads 8
# times as many TSC ticks, and the PIT still takes its nanoseconds (what
# qemu-system-i386 -icount shift=3 prints too).
timeout 60 "$BT86" -kernel guests/icount/icount.elf -nographic -icount shift=3,sleep=off \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 < /dev/null > "$work/shift3.out" 2> "$work/shift3.err"
sed 's/2000 and 2000 more ticks/16000 and 16000 more ticks/' "$SRCDIR/guests/icount/expected.out" > "$work/shift3.want"
if tr -d '\r' < "$work/shift3.out" | diff -u "$work/shift3.want" - > "$work/diff"; then
	echo "ok: icount shift=3: 8 TSC ticks per instruction, the PIT on time"
else
	echo "FAIL: icount shift=3:"; cat "$work/diff" "$work/shift3.err"
	fail=1
fi
exit $fail
