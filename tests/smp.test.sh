#!/usr/bin/env bash
# smp.test.sh - several CPUs under -icount are deterministic: guests/smp
# (-smp 4: INIT/SIPI start-up, a spin lock, IPIs) run twice gives the same
# instruction count on every CPU, and so does each other backend, since the
# CPUs' turns are counted in instructions, not host time.  -smp 8 runs the
# same guest with seven APs (the lines checked are QEMU's with -smp 8).
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
command -v jq > /dev/null || { echo "skipped: jq is not installed (./configure --install-deps)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
run() { # NAME EXTRA-OPTIONS...: the per-CPU counts of one run in $work/NAME
	local name=$1
	shift
	timeout 60 "$BT86" -kernel guests/smp/smp.elf -display none -smp 4 \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -icount shift=0,sleep=off \
		-stats-json "$work/$name.json" "$@" < /dev/null > "$work/$name.out" 2> "$work/$name.err"
	local st=$?
	[ "$st" = 1 ] || { echo "FAIL: $name: exit status $st"; cat "$work/$name.err"; fail=1; return; }
	jq -c '[.guest_instructions, [.cpus[].guest_instructions], [.cpus[].interrupts]]' \
		"$work/$name.json" > "$work/$name.counts"
}
run a
run b
if cmp -s "$work/a.counts" "$work/b.counts"; then
	echo "ok: two runs under -icount: the same counts on every CPU $(cat "$work/a.counts")"
else
	echo "FAIL: two runs differ: $(cat "$work/a.counts") vs $(cat "$work/b.counts")"; fail=1
fi
grep -q '^IPIs taken: 1 2 2 2$' "$work/a.out" && echo "ok: the guest's IPIs arrived" ||
	{ echo "FAIL: guests/smp output:"; cat "$work/a.out"; fail=1; }
for be in $("$BT86" -backend help 2>/dev/null | awk '{ print $1 }'); do
	run "$be" -backend "$be"
	if cmp -s "$work/a.counts" "$work/$be.counts"; then
		echo "ok: -backend $be: the same counts"
	else
		echo "FAIL: -backend $be: $(cat "$work/$be.counts") vs $(cat "$work/a.counts")"; fail=1
	fi
done
timeout 60 "$BT86" -kernel guests/smp/smp.elf -display none -smp 8 \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 < /dev/null > "$work/8.out" 2>&1
grep -q '^fw_cfg: 8 CPUs, CMOS 0x5f: 7$' "$work/8.out" && grep -q '^7 APs arrived, APIC ID mask 0xfe$' "$work/8.out" &&
	grep -q '^shared counter: 7000$' "$work/8.out" && grep -q '^IPIs taken: 1 2 2 2 1 1 1 1$' "$work/8.out" &&
	echo "ok: -smp 8: seven APs started, counted under the lock, took their IPIs" ||
	{ echo "FAIL: -smp 8:"; cat "$work/8.out"; fail=1; }
exit $fail
