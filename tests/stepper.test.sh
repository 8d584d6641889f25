#!/usr/bin/env bash
# stepper.test.sh - the block stepper (-step) driven by a script through a
# pipe: gdbtarget (blocks, instruction classes, step, stepi, regs, break by
# symbol, x, watch, tlb, side) and the demo OS with paging on (walk, a SYSENTER
# block, quit).
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # check DESCRIPTION ERE FILE
	if grep -qE -- "$2" "$3"; then
		echo "ok: $1"
	else
		echo "FAIL: $1 (no /$2/ in $3):"; head -60 "$3"; fail=1
	fi
}
exitdev=(-display none -device isa-debug-exit,iobase=0xf4,iosize=0x04)

g=guests/gdbtarget/gdbtarget.elf
total=$(nm "$g" | awk '$3 == "total" { print $1 }')
add_step=$(nm "$g" | awk '$3 == "add_step" { print $1 }')
printf '%s\n' step side regs 'b add_step' c 'x total 8' 'watch total 4' c 'x total 4' tlb \
	'walk total' si si nonsense c |
	timeout 60 "$BT86" -step -kernel "$g" "${exitdev[@]}" > "$work/t1" 2>&1
st=$?
[ $st = 1 ] || { echo "FAIL: exit status $st, expected the guest's 1"; fail=1; }
check "stops before the first block" '^== stopped \(start\) at 0010:[0-9a-f]{8} _start$' "$work/t1"
check "shows guest code with classes" '^  => 0x[0-9a-f]{8} _start +fa +cli +\[privileged\]$' "$work/t1"
check "shows the translated code" '^translated \((IR micro-ops|host code from)' "$work/t1"
# side: _start+0x.. after one step; each guest line, then its IR, then host code.
awk '/^\(bt86\) side$/ { on = 1; next } on && /^\(bt86\)/ { exit }
	on && /^  (=>|  ) 0x/ { if (n && (!ir || !host)) bad = 1; n++; ir = host = 0; next }
	on && /^      ir    [a-z]/ { ir = 1 } on && /^      host  / && !/cannot split/ { host = 1 }
	END { exit !(n >= 2 && ir && host && !bad) }' "$work/t1" &&
	echo "ok: side: every guest instruction with its IR and host code under it" ||
	{ echo "FAIL: side: not every instruction has IR and host lines"; fail=1; }
check "step: one block" '^== stopped \(step\) at 0010:[0-9a-f]{8} _start\+0x' "$work/t1"
check "regs: EIP changed, marked" '^eax +[0-9a-f]{8}.*$' "$work/t1"
check "regs: changed registers marked" 'eip +[0-9a-f]{8}\*' "$work/t1"
check "break by symbol" "^breakpoint at 0x$add_step\$" "$work/t1"
check "... stops there" "^== stopped \\(breakpoint\\) at 0010:$add_step add_step\$" "$work/t1"
check "x: total and marker as the guest set them" "^0x$total: 00 10 00 00 0d f0 fe ca\$" "$work/t1"
check "watch: stops after the write" '^watchpoint 0x[0-9a-f]{8}: written at ' "$work/t1"
check "... where total = 0x1003" "^0x$total: 03 10 00 00\$" "$work/t1"
check "tlb: the watched page" "^sup +[0-9]+ +virt 0x${total:0:5}000 -> phys 0x${total:0:5}000 +rwx watched\$" "$work/t1"
check "walk with paging off" '^paging is off \(CR0.PG=0\)' "$work/t1"
# stepi: each stop is at the instruction listed after the one shown first.
awk '/^\(bt86\) si$/ { want = second; getline; getline; split($0, a, " at 0010:"); split(a[2], b, " ");
	if ("0x" b[1] != want) { print "stepi went to " b[1] ", expected " want; bad = 1 } n++ }
	/^  => / { first = 1; next } first && /^     0x/ { second = $1; first = 0 }
	END { if (n != 2) print "saw " n " stepi stops"; exit bad || n != 2 }' "$work/t1" &&
	echo "ok: stepi stops at the next instruction, twice" || { echo "FAIL: stepi"; fail=1; }
check "unknown command" "^unknown command 'nonsense'" "$work/t1"
check "the guest runs to its end" '^gdbtarget: total=4141 marker=cafef00d$' "$work/t1"

# The demo OS: paging on, then a SYSENTER from ring 3.
printf '%s\n' 'b cmd_syscalls' c 'walk cmd_syscalls' 'b user_sysenter' c s s q |
	timeout 60 "$BT86" -step -kernel guests/demo/demo.elf -append "run=syscalls 3;exit" \
	"${exitdev[@]}" > "$work/t2" 2>&1
st=$?
[ $st = 0 ] || { echo "FAIL: quit: exit status $st, expected 0"; fail=1; }
check "walk: the page directory entry" '^PDE\[0\] at 0x[0-9a-f]{8} = 0x[0-9a-f]{8} P W U' "$work/t2"
check "walk: the page table entry" '^PTE\[[0-9]+\] at 0x[0-9a-f]{8} = 0x[0-9a-f]{8} P' "$work/t2"
check "walk: the physical address" '^linear 0x[0-9a-f]{8} -> physical 0x[0-9a-f]{8}$' "$work/t2"
check "a ring-3 block ending in SYSENTER" '^ +0x[0-9a-f]{8} user_sysenter.* sysenter +\[virtualization-sensitive\]$' "$work/t2"
check "... and the monitor enters the kernel at ring 0" '^== stopped \(step\) at 0008:[0-9a-f]{8} sysenter_entry$' "$work/t2"
check "quit" '^\(bt86\) q$' "$work/t2"
! grep -q '^quit$' "$work/t2" || { echo "FAIL: quit is echoed twice"; fail=1; }
exit $fail
