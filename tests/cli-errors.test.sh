#!/usr/bin/env bash
# cli-errors.test.sh - bad command lines and bad kernel files get a clear
# message and a non-zero status, never a crash.  Table-driven: each row is
# the expected status, a pattern the message must contain, and the options.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# A 64-bit ELF that carries a multiboot header: "not i386" must be said.
printf '.text\n.globl _start\n_start:\n.long 0x1badb002, 0, -0x1badb002\nhlt\n' > "$work/mb.S"
cc -nostdlib -static -o "$work/x86_64.elf" "$work/mb.S" 2>/dev/null
# An i386 multiboot ELF whose .bss does not fit in 4 MiB of RAM.
printf '.text\n.globl _start\n_start:\n.long 0x1badb002, 0, -0x1badb002\nhlt\n.bss\n.lcomm big, 8388608\n' > "$work/big.S"
cc -m32 -nostdlib -static -Wl,-Ttext=0x100000 -o "$work/big.elf" "$work/big.S" 2>/dev/null
printf 'this is not a kernel\n' > "$work/text.bin"
# A multiboot header in a file that is not ELF and gives no load addresses.
printf '\x02\xb0\xad\x1b\x00\x00\x00\x00\xfe\x4f\x52\xe4' > "$work/noelf.bin"

hello=guests/hello/hello.elf
check() { # status pattern args...
	local want=$1 pat=$2
	shift 2
	local out status
	out=$(timeout 10 "$BT86" "$@" 2>&1 </dev/null)
	status=$?
	if [ "$status" != "$want" ] || ! grep -qi -- "$pat" <<<"$out"; then
		echo "FAIL: bt86 $*"
		echo "  status $status (want $want), output: $out"
		fail=1
	else
		echo "ok: bt86 $* -> $status: $(head -1 <<<"$out")"
	fi
}

check 1 "unknown option" -bogus
check 1 "no guest" -nographic
check 1 "needs an argument" -kernel
check 1 "cannot open" -kernel "$work/missing.elf"
check 1 "not a multiboot kernel" -kernel "$work/text.bin"
check 1 "not an ELF" -kernel "$work/noelf.bin"
[ -f "$work/x86_64.elf" ] && check 1 "not an i386" -kernel "$work/x86_64.elf"
[ -f "$work/big.elf" ] && check 1 "does not fit" -kernel "$work/big.elf" -m 4
check 1 "not a size" -kernel "$hello" -m lots
check 1 "between 2 MiB" -kernel "$hello" -m 1
check 1 "unknown device" -kernel "$hello" -device e1000
check 1 "bad property" -kernel "$hello" -device isa-debug-exit,iobase=zz
check 1 "" -kernel "$hello" -serial file:/nonexistent/dir/x
check 1 "tcg only" -kernel "$hello" -accel kvm
check 1 "only the PC" -kernel "$hello" -machine q35
check 1 "expected shift" -kernel "$hello" -icount lots
check 1 "cannot open" -kernel "$hello" -initrd "$work/missing.img"
check 1 "cannot open" -kernel "$hello" -debugcon file:/nonexistent/dir/x
check 1 "stats-json.*cannot open" -kernel "$hello" -stats-json /nonexistent/dir/x.json
check 1 "\-D .*cannot open" -kernel "$hello" -D /nonexistent/dir/log -d int
check 1 "unknown -d item" -kernel "$hello" -d bogus
check 1 "between 2 MiB" -kernel "$hello" -m 9999999
check 1 "unknown character device" -kernel "$hello" -serial bogus:x
check 1 "cannot read" -kernel /etc
check 1 "needs an argument" -kernel "$hello" -append
check 1 "give -sendkeys" -kernel "$hello" -sendkeys-when "login:"
check 1 "is empty" -kernel "$hello" -sendkeys x -sendkeys-when ""
check 1 "unknown display" -kernel "$hello" -display vnc
check 1 "unknown -d item" -kernel "$hello" -d nonsense
check 1 "unknown backend" -kernel "$hello" -backend jit
check 0 "in_asm" -d help
check 1 "std.*or none" -kernel "$hello" -vga cirrus
check 1 "base=utc" -kernel "$hello" -rtc base=yesterday
check 1 "needs an argument" -kernel "$hello" -screendump
check 1 "needs an argument" -kernel "$hello" -sendkeys
check 1 "expected tcp::PORT" -kernel "$hello" -gdb tcp::99999
check 1 "expected tcp::PORT" -kernel "$hello" -gdb pipe
check 1 "give -s or -gdb" -kernel "$hello" -S
# -screendump to a place that cannot be written: the guest still runs and
# exits normally, and bt86 says why there is no image.
check 1 "screendump.*No such file" -kernel "$hello" -display none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -screendump /nonexistent/dir/s.ppm
exit $fail
