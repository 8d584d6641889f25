#!/usr/bin/env bash
# stats.test.sh - -stats-json writes JSON that parses (jq) and holds counts
# that can be checked against the guest's source: com2 does exactly 5 OUTs
# to the slave PIC (0xa0/0xa1), one to the POST port and one to
# isa-debug-exit, and every port access it makes comes from an IN or an OUT.
# -stats prints the same figures as text, with the hottest blocks' symbols.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
command -v jq > /dev/null || { echo "skipped: jq is not installed (./configure --install-deps)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
timeout 60 "$BT86" -kernel guests/com2/com2.elf -display none -serial null -serial null \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -stats -stats-json "$work/s.json" \
	< /dev/null > /dev/null 2> "$work/s.txt"
st=$?
# isa-debug-exit: the guest's normal end is status 1; anything else means the
# figures below describe a run that did not finish.
if [ "$st" != 1 ]; then
	echo "FAIL: bt86 exited with status $st, expected 1 (the guest's exit):"
	cat "$work/s.txt"
	exit 1
fi
jq . "$work/s.json" > /dev/null || { echo "FAIL: the JSON does not parse:"; cat "$work/s.json"; exit 1; }
echo "ok: the JSON parses"
expect() { # DESCRIPTION JQ-EXPRESSION (must be true)
	if [ "$(jq "$2" "$work/s.json")" = true ]; then
		echo "ok: $1"
	else
		echo "FAIL: $1 ($2 is not true)"; fail=1
	fi
}
port() { echo "(.ports[] | select(.device == \"$1\") | .accesses)"; }
expect "5 OUTs to the slave PIC" "$(port pic-slave) == 5"
expect "1 OUT to the POST port" "$(port post) == 1"
expect "1 OUT to isa-debug-exit" "$(port isa-debug-exit) == 1"
expect "port accesses = monitor IN + OUT entries" '([.ports[].accesses] | add) == (.monitor.in + .monitor.out)'
expect "IN and OUT are privileged monitor entries" '.monitor_by_class.privileged.count >= .monitor.in + .monitor.out'
expect "instructions executed" '.guest_instructions > 1000'
expect "blocks executed and translated" '.blocks_executed >= .blocks_translated and .blocks_translated > 10'
expect "blocks chained" '.blocks_chained > 0'
expect "translation time" '.translate_seconds > 0 and .time_seconds.translate > 0'
expect "time in translated code and in the monitor" '.time_seconds.translated_code > 0 and .time_seconds.monitor > 0'
expect "time in devices" '.time_seconds.devices > 0'
expect "TLB: mostly hits" '.tlb.hits > .tlb.misses and .tlb.refills > 0'
expect "4 IRQ 3 interrupts delivered (4 IRETs)" '.interrupts == 4 and .monitor.iret == 4'
# Return prediction is the native backend's: com2's calls and returns in
# flat 32-bit code make some, the interpreter none.
if [ "$(jq -r .backend "$work/s.json")" = x86_64 ]; then
	expect "returns predicted (native backend)" '.return_prediction.hits > 0'
	grep -qE -- 'return prediction hit rate' "$work/s.txt" && echo "ok: -stats text: return prediction" ||
		{ echo "FAIL: -stats text lacks the return prediction"; cat "$work/s.txt"; fail=1; }
	# without paging every load whose address was loaded guesses right
	expect "host addends guessed, all right (native backend)" '.tlb.addend_guessed > 0 and .tlb.addend_misguessed == 0'
	grep -qE -- 'host addend guessed right +100.00%' "$work/s.txt" && echo "ok: -stats text: addend guesses" ||
		{ echo "FAIL: -stats text lacks the addend guesses"; cat "$work/s.txt"; fail=1; }
else
	expect "no return prediction (interpreter)" '.return_prediction.hits + .return_prediction.misses == 0'
	expect "no addend guessed (interpreter)" '.tlb.addend_guessed == 0'
fi
expect "hottest blocks named by symbol" '(.hot_blocks | length) > 0 and (.hot_blocks[0].symbol | length) > 0'
for pat in 'guest instructions executed' 'blocks executed' 'TLB hit rate' 'time in the monitor' \
	'post +0x0080 +1 ' 'hottest blocks' 'sensitive-unprivileged'; do
	grep -qE -- "$pat" "$work/s.txt" && echo "ok: -stats text: $pat" ||
		{ echo "FAIL: -stats text lacks /$pat/"; cat "$work/s.txt"; fail=1; }
done

# -smp: the counts split by CPU add up to the machine's (guests/smp: the BSP
# takes its self IPI, each AP two).
timeout 60 "$BT86" -kernel guests/smp/smp.elf -display none -smp 4 \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -stats -stats-json "$work/s.json" \
	< /dev/null > /dev/null 2> "$work/s.txt"
st=$?
[ "$st" = 1 ] || { echo "FAIL: guests/smp exited with status $st"; cat "$work/s.txt"; fail=1; }
expect "-smp 4: four CPUs' counts" '(.cpus | length) == 4'
expect "-smp 4: instructions add up" '([.cpus[].guest_instructions] | add) == .guest_instructions'
expect "-smp 4: monitor entries add up" '([.cpus[].monitor_entries] | add) == ([.monitor[]] | add)'
expect "-smp 4: interrupts by CPU" '[.cpus[].interrupts] == [1, 2, 2, 2]'
grep -qE -- '^ +CPU 3 +[0-9]+ \([0-9]+ monitor entries, 2 interrupts\)' "$work/s.txt" &&
	echo "ok: -stats text: a line per CPU" ||
	{ echo "FAIL: -stats text lacks the CPU 3 line"; cat "$work/s.txt"; fail=1; }
exit $fail
