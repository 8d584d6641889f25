#!/usr/bin/env bash
# logs.test.sh - each -d item logs what it says, into -D FILE, with guest
# symbols: gdbtarget (symbols from its own ELF, then from a System.map made
# by nm) and sys_ring3 (system calls and faults at CPL 3, for int/monitor).
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
exitdev=(-display none -device isa-debug-exit,iobase=0xf4,iosize=0x04)
check() { # check DESCRIPTION ERE FILE
	if grep -qE -- "$2" "$3"; then
		echo "ok: $1"
	else
		echo "FAIL: $1 (no /$2/ in $3):"; head -40 "$3"; fail=1
	fi
}
run() { # run LOGFILE ARGS...: the guest must still behave (exit status 1)
	local log=$1
	shift
	timeout 60 "$BT86" "${exitdev[@]}" "$@" -D "$log" > "$log.out" 2>&1 < /dev/null
	local st=$?
	[ $st = 1 ] || { echo "FAIL: bt86 $* exited with $st"; cat "$log.out"; fail=1; }
}

g=guests/gdbtarget/gdbtarget.elf
run "$work/in_asm" -kernel "$g" -d in_asm
check "in_asm: a block header with its symbol" '^IN: add_step pc=0x[0-9a-f]{8} phys=0x[0-9a-f]{8} mode=32 cpl=0$' "$work/in_asm"
check "in_asm: a privileged instruction (cli)" '^0x[0-9a-f]{8}: +fa +cli +\[privileged\]$' "$work/in_asm"
check "in_asm: a control instruction (ret)" ' ret +\[control\]$' "$work/in_asm"
check "in_asm: innocuous instructions" ' \[innocuous\]$' "$work/in_asm"
check "in_asm: a port write is privileged" ' out dx, al +\[privileged\]$' "$work/in_asm"

run "$work/op" -kernel "$g" -d op
check "op: IR of a block" '^OP: pc=0x[0-9a-f]{8}$' "$work/op"
check "op: a load micro-op" '^ +ld32 ' "$work/op"
check "op: a monitor call micro-op" '^ +call ' "$work/op"
check "op: a conditional branch's exit says cond" '^ +exitcc +t[0-9]+ \? 0x[0-9a-f]{8} : 0x[0-9a-f]{8} \(cond\)$' "$work/op"
check "op: a near call's exit says call" '^ +exit +0x[0-9a-f]{8} \(call\)$' "$work/op"
check "op: a return's exit says ret" '^ +exitind +t[0-9]+ \(ret\)$' "$work/op"

run "$work/out_asm" -kernel "$g" -d out_asm
check "out_asm: the backend's code of a block" '^OUT: \[[a-z0-9_]+ backend, [0-9]+ guest insns\]$' "$work/out_asm"
if grep -q '^OUT: \[x86_64 backend' "$work/out_asm"; then
	check "out_asm: host code under each guest instruction" '^ -- guest 0x[0-9a-f]{8}$' "$work/out_asm"
	check "out_asm: x86-64 instructions from Capstone" '^ +0x[0-9a-f]+: +mov +dword ptr \[rbp' "$work/out_asm"
else
	check "out_asm: threaded ops by name" '^ +0x[0-9a-f]+: +(ld32|st32|exit) ' "$work/out_asm"
fi

run "$work/exec" -kernel "$g" -d exec
check "exec: each block with its symbol" '^Trace: \[[0-9a-f]{8}\] 0010:[0-9a-f]{8} add_step$' "$work/exec"
# add_step runs 5 times: 5 blocks start at it (no chaining while logging).
n=$(grep -c ' add_step$' "$work/exec")
[ "$n" = 5 ] && echo "ok: exec: add_step entered 5 times" || { echo "FAIL: exec: add_step $n times, want 5"; fail=1; }

run "$work/cpu" -kernel "$g" -d cpu
check "cpu: general registers" '^EAX=[0-9a-f]{8} EBX=[0-9a-f]{8} ECX=[0-9a-f]{8} EDX=[0-9a-f]{8} ESI=' "$work/cpu"
check "cpu: EIP, EFLAGS, CPL, control registers" '^EIP=[0-9a-f]{8} EFL=[0-9a-f]{8} CPL=0 CR0=[0-9a-f]{8} CR3=' "$work/cpu"
check "cpu: segments" '^CS=0010 SS=' "$work/cpu"

# Side exits (guests/sideexit): in the block at runs_outer, the rotated inner
# loop's back edge (a Jcc back into the block's own span) is a side exit and
# the block goes on; the outer loop's back edge, to the block's start, ends it.
s=guests/sideexit/sideexit.elf
run "$work/side" -kernel "$s" -d op
sym() { printf '0x%s' "$(nm "$s" | awk -v n="$1" '$3 == n { print $1 }')"; }
outer=$(sym runs_outer) body=$(sym runs_body)
awk -v pc="OP: pc=$outer" '$0 == pc { on = 1; next } on && /^OP:/ { exit } on' "$work/side" > "$work/side.outer"
check "op: a Jcc back into its block is a side exit" "^ +branch +t[0-9]+ \\? $body \\(cond\\)\$" "$work/side.outer"
check "op: a Jcc back to the block's start ends it" "^ +exitcc +t[0-9]+ \\? $outer : 0x[0-9a-f]{8} \\(cond\\)\$" "$work/side.outer"

r=guests/sys_ring3/sys_ring3.elf
run "$work/int" -kernel "$r" -d int
check "int: INT 0x80 from ring 3" '^INT: vector 0x80 \(software\) at 001b:[0-9a-f]{8} cpl=3 ' "$work/int"
check "int: #GP with its error code at CPL 3" '^INT: vector 0x0d \(exception\) at 001b:[0-9a-f]{8} cpl=3 .*error=0x0$' "$work/int"

run "$work/monitor" -kernel "$r" -d monitor
check "monitor: an OUT and its arguments" '^MONITOR: out +\[privileged\] at 0010:[0-9a-f]{8} serial_init\+0x[0-9a-f]+ cpl=0 args=\(3f9,' "$work/monitor"
check "monitor: IRET is sensitive-unprivileged" '^MONITOR: iret +\[sensitive-unprivileged\] at 0008:' "$work/monitor"
check "monitor: IRET to ring 3, and what it did" '^MONITOR:   -> iret .*IF 0->1 CPL 0->3 CS 8->1b' "$work/monitor"
check "monitor: SYSENTER (virtualization-sensitive)" '^MONITOR: sysenter +\[virtualization-sensitive\]' "$work/monitor"

# -symbols FILE: a System.map instead of the ELF's own table.
nm "$g" | awk '$2 ~ /^[Tt]$/ { printf "%s %s renamed_%s\n", $1, $2, $3 }' > "$work/System.map"
run "$work/map" -kernel "$g" -symbols "$work/System.map" -d exec
check "-symbols System.map" ' renamed_add_step$' "$work/map"
printf 'garbage\n' > "$work/bad.map"
out=$("$BT86" -kernel "$g" -symbols "$work/bad.map" 2>&1)
[ $? = 2 ] && grep -q 'expected "ADDRESS TYPE NAME"' <<< "$out" && echo "ok: a bad -symbols file: $out" ||
	{ echo "FAIL: bad -symbols: $out"; fail=1; }

# -d help lists every item; without -d nothing is logged.
"$BT86" -d help > "$work/help"
for item in in_asm op out_asm int exec cpu monitor; do
	check "-d help lists $item" "^$item " "$work/help"
done
run "$work/none" -kernel "$g"
[ -s "$work/none" ] && { echo "FAIL: log written without -d"; fail=1; }
exit $fail
