#!/usr/bin/env bash
# gdb.test.sh - the gdb stub, driven by the real gdb in batch mode against
# guests/gdbtarget (built with debug info): connect with target remote,
# hbreak main, break add_step by name, read registers and memory, stepi
# exactly one instruction, watch and rwatch variables, continue to the end.
# With -smp 4 (guests/smp): each CPU a thread, a breakpoint hit by an AP, Hg.
# Then the raw protocol through bash's /dev/tcp: qSupported, the target
# description, a memory error, Ctrl-C while running, kill.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
command -v gdb > /dev/null || { echo "skipped: gdb is not installed (./configure --install-deps)"; exit 77; }
elf=guests/gdbtarget/gdbtarget.elf
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null
	rm -rf "$work"
}
trap cleanup EXIT
fail=0
check() { # check DESCRIPTION GREP-PATTERN FILE
	if grep -qE -- "$2" "$3"; then
		echo "ok: $1"
	else
		echo "FAIL: $1 (no /$2/ in $3):"; cat "$3"; fail=1
	fi
}

# start_bt86 ARGS...: bt86 -S on a random free port, retried when it is taken.
start_bt86() {
	for _ in 1 2 3 4 5 6 7 8; do
		port=$((20000 + RANDOM % 40000))
		# The previous bt86's log says "waiting for gdb" too: remove it, or
		# a loaded machine lets the grep below see it before this bt86's
		# shell truncates it, and gdb connects to a port nobody listens on.
		rm -f "$work/bt86.out" "$work/bt86.err"
		timeout 60 "$BT86" -S -gdb "tcp::$port" -display none \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" \
			> "$work/bt86.out" 2> "$work/bt86.err" &
		pid=$!
		for _ in $(seq 300); do # up to 30 s on a loaded machine
			grep -qs "waiting for gdb" "$work/bt86.err" && return 0
			kill -0 "$pid" 2> /dev/null || break
			sleep 0.1
		done
		grep -qs "cannot listen" "$work/bt86.err" || { cat "$work/bt86.err" 2> /dev/null; return 1; }
		wait "$pid"
	done
	echo "no free port found"; return 1
}

# ---------------------------------------------------------------- gdb itself
start_bt86 -kernel "$elf" || exit 1
cat > "$work/script.gdb" << EOF
set pagination off
set confirm off
target remote 127.0.0.1:$port
hbreak main
continue
break add_step
continue
info registers eax
print total
print/x marker
x/2i \$pc
stepi
print/x \$pc
watch total
continue
print total
delete
rwatch marker
continue
delete
continue
EOF
timeout 60 gdb -batch -nx -x "$work/script.gdb" "$elf" > "$work/gdb.out" 2>&1
wait "$pid"
status=$?
pid=
check "connect: stopped at the entry point" '^0x00100[0-9a-f]+ in _start' "$work/gdb.out"
check "hardware breakpoint (Z1) on main" '^Breakpoint 1, main \(cmdline=' "$work/gdb.out"
check "software breakpoint (Z0) by name" '^Breakpoint 2, add_step \(n=3\)' "$work/gdb.out"
check "register read: EAX holds the argument" '^eax +0x3 +3$' "$work/gdb.out"
check "memory read: total" '^\$1 = 4096$' "$work/gdb.out"
check "memory read: marker" '^\$2 = 0xcafef00d$' "$work/gdb.out"
# stepi must land on the instruction after the one at the breakpoint.
next=$(grep -A1 '^=> 0x' "$work/gdb.out" | sed -n '2s/^ *\(0x[0-9a-f]*\).*/\1/p')
if [ -n "$next" ] && grep -q "^\$3 = $next\$" "$work/gdb.out"; then
	echo "ok: stepi ran exactly one instruction (to $next)"
else
	echo "FAIL: stepi: expected \$pc = '$next'"; cat "$work/gdb.out"; fail=1
fi
check "write watchpoint (Z2) triggers" 'Old value = 4096' "$work/gdb.out"
check "... with the new value" 'New value = 4099' "$work/gdb.out"
check "... and gdb reads it back" '^\$4 = 4099$' "$work/gdb.out"
check "read watchpoint (Z3) triggers on the printf" 'Value = 3405705229' "$work/gdb.out"
check "continue to the end: the exit code reaches gdb" 'exited with code 01' "$work/gdb.out"
check "the guest ran to the end" '^gdbtarget: total=4141 marker=cafef00d$' "$work/bt86.out"
[ "$status" = 1 ] || { echo "FAIL: bt86 exit status $status, expected 1"; fail=1; }

# ---------------------------------------------------------------- detach
start_bt86 -kernel "$elf" || exit 1
printf '%s\n' 'set confirm off' "target remote 127.0.0.1:$port" 'break add_step' continue \
	'print n' detach > "$work/detach.gdb"
timeout 60 gdb -batch -nx -x "$work/detach.gdb" "$elf" > "$work/detach.out" 2>&1
wait "$pid"
status=$?
pid=
check "detach: stopped at the breakpoint first" '^\$1 = 3$' "$work/detach.out"
check "detach: the guest runs on without gdb" '^gdbtarget: total=4141 marker=cafef00d$' "$work/bt86.out"
[ "$status" = 1 ] || { echo "FAIL: after detach, bt86 exit status $status, expected 1"; fail=1; }

# ---------------------------------------------------------------- -smp: CPUs as threads
start_bt86 -kernel guests/smp/smp.elf -smp 4 || exit 1
printf '%s\n' 'set pagination off' 'set confirm off' "target remote 127.0.0.1:$port" \
	'info threads' 'break ap_main' continue 'info threads' 'thread 1' 'print/x $cs' \
	'thread 4' 'print/x $cs' delete continue > "$work/smp.gdb"
timeout 60 gdb -batch -nx -x "$work/smp.gdb" guests/smp/smp.elf > "$work/smp.out" 2>&1
wait "$pid"
status=$?
pid=
check "-smp 4: four threads, the APs waiting for SIPI" '^ +4 +Thread 4 \(CPU#3 \[wait-for-SIPI\]\)' "$work/smp.out"
check "-smp 4: the first AP hits the breakpoint as thread 2" '^Thread 2 hit Breakpoint 1, .* in ap_main' "$work/smp.out"
check "-smp 4: Hg to the BSP: its protected-mode CS" '^\$1 = 0x8$' "$work/smp.out"
check "-smp 4: Hg to an AP still in wait-for-SIPI: the reset CS" '^\$2 = 0xf000$' "$work/smp.out"
check "-smp 4: the guest ran to the end" '^IPIs taken: 1 2 2 2$' "$work/bt86.out"
[ "$status" = 1 ] || { echo "FAIL: -smp 4 under gdb: bt86 exit status $status, expected 1"; fail=1; }

# ---------------------------------------------------------------- raw protocol
start_bt86 -kernel "$elf" -append spin || exit 1
exec 3<> "/dev/tcp/127.0.0.1/$port" || { echo "FAIL: cannot connect"; exit 1; }
# send PAYLOAD: one packet with its checksum.
send() {
	local s=$1 sum=0 i
	for ((i = 0; i < ${#s}; i++)); do
		sum=$(( (sum + $(printf '%d' "'${s:i:1}")) & 255 ))
	done
	printf '$%s#%02x' "$s" "$sum" >&3
}
# reply: the next packet's payload (acks skipped), within 10 s.
reply() {
	local c data=
	while IFS= read -r -d '' -n 1 -t 10 c <&3; do
		[ "$c" = '$' ] && break
	done
	while IFS= read -r -d '' -n 1 -t 10 c <&3; do
		[ "$c" = '#' ] && break
		data+=$c
	done
	read -r -d '' -n 2 -t 10 c <&3
	printf '+' >&3
	printf '%s\n' "$data"
}
{
	send 'qSupported:swbreak+;hwbreak+'; reply
	send 'qXfer:features:read:target.xml:0,1000'; reply
	send '?'; reply
	send 'mf0000000,4'; reply
	send 'p8'; reply
	send 'c'; sleep 0.5; printf '\003' >&3; reply
	send 'k'
} > "$work/raw.out" 2>&1
exec 3>&-
wait "$pid"
pid=
check "qSupported announces PacketSize" '^PacketSize=[0-9a-f]+;.*qXfer:features:read\+' "$work/raw.out"
check "target.xml: architecture i386" '<architecture>i386</architecture>' "$work/raw.out"
check "target.xml: gdb's 32-bit core feature" 'org.gnu.gdb.i386.core' "$work/raw.out"
check "? after -S: stopped with SIGTRAP" '^T05' "$work/raw.out"
check "memory outside RAM: an error" '^E[0-9a-f]{2}$' "$work/raw.out"
check "p8 (EIP) is 8 hex digits" '^[0-9a-f]{8}$' "$work/raw.out"
check "Ctrl-C while running: stopped with SIGINT" '^T02' "$work/raw.out"
exit $fail
