#!/usr/bin/env bash
# demo.test.sh - the demo guest (the one `make run` boots) headless: boot
# commands from -append, then a command typed on the PS/2 keyboard with
# -sendkeys.  Checks that the commands answer, that typed keys are echoed
# and counted, and that the -screendump image shows the status bar and,
# below it, the same console lines the guest wrote to the serial port.
# The page-fault storm's result and the benchmark's check values are also
# compared with what the same guest prints under qemu-system-i386 in this
# run (that part is skipped, saying why, without QEMU or in a cross build).
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "$*"; fail=1; }

timeout 60 "$BT86" -kernel guests/demo/demo.elf -append "run=help;cpuid;pf 2000;syscalls 2000;bench" \
	-nographic -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-sendkeys 'uptime\nexit\n' -screendump "$work/screen.ppm" \
	< /dev/null > "$work/serial" 2> "$work/err"
st=$?
cat "$work/err"
[ $st = 1 ] || bad "exit status $st, expected 1 (the exit command)"
tr -d '\r' < "$work/serial" | sed 's/[[:space:]]*$//' > "$work/serial.txt"

expect() { # REGEX WHAT
	grep -q -E -- "$1" "$work/serial.txt" || bad "serial: no $2 (/$1/)"
}
expect '^bt86 demo OS$' "banner"
expect '^  help +this list$' "help text"
expect '^  vendor +GenuineIntel' "cpuid answer"
expect '^  2000 faults taken for 2000 touches, 0 bad values$' "page-fault storm result"
expect '^  int 0x80 +2000 call .* us/op' "INT 0x80 timing"
expect '^  sysenter +2000 call .* us/op' "SYSENTER timing"
expect '^  check: mix 9ea18c82, 6542 primes below 65536, crc32 65561070$' "benchmark check values"
expect '^bt86> uptime$' "echo of the typed command"
expect '^  up 0:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9] \([0-9]+ ticks of 10 ms\)$' "uptime answer"
expect '^  bye$' "exit"

if ! ${RUN_WRAPPER:-} tests/screentext "$work/screen.ppm" | sed 's/[[:space:]]*$//' > "$work/screen.txt"; then
	bad "screentext could not read the screendump"
else
	status=$(head -1 "$work/screen.txt")
	echo "status bar: $status"
	case $status in
	" bt86 demo "*"keys 12 "*"last: uptime"*) ;;
	*) bad "the status bar does not show 12 keys and the last command" ;;
	esac
	# The console (rows 1-24) mirrors the serial port: its last lines, down
	# to the cursor's empty line.
	tail -n +2 "$work/screen.txt" | awk 'NF { while (blank) { print ""; blank-- } print; next } { blank++ }' \
		> "$work/console.txt"
	tail -n "$(wc -l < "$work/console.txt")" "$work/serial.txt" > "$work/serial.tail"
	diff -u "$work/serial.tail" "$work/console.txt" ||
		bad "the screen does not show the console lines of the serial port"
fi
# The same results under QEMU: the check values are the workload's, not bt86's.
qemu=$(command -v qemu-system-i386)
compared=0
if [ -n "${RUN_WRAPPER:-}" ]; then
	echo "qemu part skipped: a cross build; the native make check compares with QEMU"
elif [ -z "$qemu" ]; then
	echo "qemu part skipped: qemu-system-i386 not installed"
else
	timeout 120 "$qemu" -kernel guests/demo/demo.elf -append "run=pf 2000;bench;exit" \
		-nographic -no-reboot -m 128 -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		< /dev/null > "$work/qemu" 2>&1
	qst=$?
	[ $qst = 1 ] || bad "qemu: exit status $qst, expected 1 (the exit command)"
	results() { tr -d '\r' < "$1" | grep -E '^  (check: |[0-9]+ faults taken)' | sed 's/[[:space:]]*$//'; }
	results "$work/serial" > "$work/bt86.results"
	results "$work/qemu" > "$work/qemu.results"
	if [ "$(wc -l < "$work/qemu.results")" != 2 ]; then
		bad "qemu: no fault and check lines in its output"
		tail -n 20 "$work/qemu"
	elif diff -u --label qemu --label bt86 "$work/qemu.results" "$work/bt86.results"; then
		echo "qemu prints the same:"
		compared=1
		sed 's/^/ /' "$work/qemu.results"
	else
		bad "the fault and benchmark results differ from QEMU's"
	fi
fi
[ $fail = 0 ] && [ $compared = 1 ] &&
	echo "demo: commands answer, keys echo, screen matches serial, results match QEMU's"
[ $fail = 0 ] && [ $compared = 0 ] &&
	echo "demo: commands answer, keys echo, screen matches serial (not compared with QEMU)"
exit $fail
