#!/usr/bin/env bash
# bios.test.sh - -bios: -S stops at the reset vector F000:FFF0 with the CPU
# in real mode as gdb sees it (CS 0xf000, EIP 0xfff0, EDX the
# CPUID signature), and one stepi runs the ROM's first instruction, the far
# jump at 0xFFFFFFF0.  The ROM is guests/romboot (its own guest test checks
# what it prints against QEMU).
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
command -v gdb > /dev/null || { echo "skipped: gdb is not installed (./configure --install-deps)"; exit 77; }
rom=guests/romboot/romboot.bin
if [ ! -f "$rom" ]; then
	grep -q '^NASM = .' config.mk 2> /dev/null || { echo "skipped: $rom needs nasm"; exit 77; }
	echo "FAIL: $rom not built (run make)"
	exit 1
fi
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

started=0
for _ in 1 2 3 4 5 6 7 8; do
	port=$((20000 + RANDOM % 40000))
	rm -f "$work/bt86.err"
	timeout 60 "$BT86" -S -gdb "tcp::$port" -display none -bios "$rom" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 > "$work/bt86.out" 2> "$work/bt86.err" &
	pid=$!
	for _ in $(seq 300); do
		grep -qs "waiting for gdb" "$work/bt86.err" && started=1 && break 2
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	grep -qs "cannot listen" "$work/bt86.err" || { cat "$work/bt86.err"; exit 1; }
	wait "$pid"
done
[ $started = 1 ] || { echo "FAIL: bt86 did not wait for gdb"; exit 1; }

cat > "$work/script.gdb" << EOF
set pagination off
set confirm off
set architecture i8086
target remote 127.0.0.1:$port
printf "at cs=%#x eip=%#x\n", \$cs, \$eip
printf "edx=%#x\n", \$edx
stepi
printf "then cs=%#x eip=%#x\n", \$cs, \$eip
kill
EOF
timeout 60 gdb -nx -batch -x "$work/script.gdb" > "$work/gdb.out" 2>&1
check "-S stops at the reset vector" "^at cs=0xf000 eip=0xfff0$" "$work/gdb.out"
check "EDX holds a CPU signature (family 6)" "^edx=0x6[0-9a-f]{2}$" "$work/gdb.out"
check "stepi runs the far jump to F000:0000" "^then cs=0xf000 eip=0$" "$work/gdb.out"
wait "$pid" 2> /dev/null
pid=
[ $fail = 0 ] && echo "bios: all checks passed"
exit $fail
