#!/usr/bin/env bash
# tb-size.test.sh - a small code cache (-tb-size, in MiB as QEMU's, or
# QEMU's -accel tcg,tb-size=N) fills and flushes while guests run, and
# nothing changes but the flush count.
# A flush while the run loop holds the block it just ran once chained that
# freed block to the next one (found by fuzz_code's replay): these guests
# chain, invalidate code (smc) and flush; under AddressSanitizer the
# flushed arena is poisoned, so any use of a flushed block is reported.
set -u
SRCDIR=$(cd "${SRCDIR:-.}" && pwd)
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
command -v jq > /dev/null || { echo "skipped: jq is not installed (./configure --install-deps)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
run() { # GUEST TBSIZE: output in $work/GUEST-TBSIZE.out, stats in .json
	timeout 120 "$BT86" -kernel "guests/$1/$1.elf" -display none -serial stdio -icount 0 \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -tb-size "$2" \
		-stats-json "$work/$1-$2.json" < /dev/null > "$work/$1-$2.out" 2> "$work/$1-$2.err"
	local st=$?
	[ "$st" = 1 ] || { echo "FAIL: $1 with -tb-size $2: exit status $st, not the guest's 1"; cat "$work/$1-$2.err"; fail=1; }
}
flushes() { jq .cache_flushes "$work/$1.json"; }
for g in isahash integer smc; do
	run $g 48
	run $g 1
	if cmp -s "$work/$g-1.out" "$SRCDIR/guests/$g/expected.out"; then
		echo "ok: $g prints its expected output with a 1 MiB cache"
	else
		echo "FAIL: $g's output with a 1 MiB cache differs from guests/$g/expected.out"; fail=1
	fi
	for k in guest_instructions blocks_executed; do
		a=$(jq ".$k" "$work/$g-48.json") b=$(jq ".$k" "$work/$g-1.json")
		[ "$a" = "$b" ] || { echo "FAIL: $g: $k $a with the default cache, $b with 1 MiB"; fail=1; }
	done
	echo "$g: cache flushes $(flushes $g-48) (default), $(flushes $g-1) (1 MiB)"
done
# isahash translates more than 1 MiB of interpreter code: it must flush.
[ "$(flushes isahash-1)" -gt "$(flushes isahash-48)" ] ||
	{ echo "FAIL: isahash never filled a 1 MiB cache"; fail=1; }
# QEMU's spelling, -accel tcg,tb-size=N, sets the same cache size.
timeout 120 "$BT86" -kernel guests/isahash/isahash.elf -display none -serial stdio -icount 0 \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -accel tcg,tb-size=1 \
	-stats-json "$work/accel.json" < /dev/null > /dev/null 2>&1
if [ "$(jq .cache_flushes "$work/accel.json")" = "$(flushes isahash-1)" ]; then
	echo "ok: -accel tcg,tb-size=1 flushes as often as -tb-size 1"
else
	echo "FAIL: -accel tcg,tb-size=1: $(jq .cache_flushes "$work/accel.json") flushes, -tb-size 1: $(flushes isahash-1)"
	fail=1
fi
for bad in 0 -1 x 4096 1.5; do
	"$BT86" -accel tcg,tb-size="$bad" -kernel guests/hello/hello.elf -display none < /dev/null > /dev/null 2> "$work/err"
	st=$?
	if [ "$st" = 2 ] && grep -q -- "tb-size=$bad" "$work/err"; then
		echo "ok: -accel tcg,tb-size=$bad is refused"
	else
		echo "FAIL: -accel tcg,tb-size=$bad: status $st"; cat "$work/err"; fail=1
	fi

	"$BT86" -tb-size "$bad" -kernel guests/hello/hello.elf -display none < /dev/null > /dev/null 2> "$work/err"
	st=$?
	if [ "$st" = 2 ] && grep -q -- '-tb-size' "$work/err"; then
		echo "ok: -tb-size $bad is refused"
	else
		echo "FAIL: -tb-size $bad: status $st"; cat "$work/err"; fail=1
	fi
done
exit $fail
