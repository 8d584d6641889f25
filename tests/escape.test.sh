#!/bin/bash
# escape.test.sh - the escape guest (guests/escape: huge string counts into
# missing pages, a PTE onto MMIO, self-modifying code in a loop, a timer
# interrupt storm) must not make bt86 grow: its peak resident size stays
# under guest RAM plus a fixed allowance for translated code and devices.
# (What the guest prints is checked against QEMU by the guest test.)
set -u
cd "${BUILDDIR:-.}" || exit 1
BT86=${BT86:-./bt86}
elf=guests/escape/escape.elf
ram_mb=64
allow_mb=160 # the block cache arena, Capstone, the VGA, the stacks

[ -f "$elf" ] || { echo "$elf not built (run make)"; exit 1; }
if [ -n "${RUN_WRAPPER:-}" ]; then
	echo "skipped: under qemu-user the resident size is qemu's, not bt86's"
	exit 77
fi
if grep -q '^SANITIZE = -fsanitize' config.mk 2>/dev/null; then
	echo "skipped: a sanitizer build's shadow memory says nothing about bt86's own growth"
	exit 77
fi
"$BT86" -kernel "$elf" -m $ram_mb -nographic -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	> /dev/null 2>&1 < /dev/null &
pid=$!
peak=0
for ((i = 0; i < 600; i++)); do
	kb=$(awk '/^VmHWM:/ { print $2 }' /proc/$pid/status 2>/dev/null)
	[ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
if kill -0 $pid 2>/dev/null; then
	kill $pid
	echo "FAIL: the escape guest did not finish within 60 s"
	exit 1
fi
wait $pid
st=$?
[ $st = 1 ] || { echo "FAIL: bt86 exited with $st (want 1, the guest's isa-debug-exit 0)"; exit 1; }
limit=$(((ram_mb + allow_mb) * 1024))
echo "peak resident size $((peak / 1024)) MiB with -m $ram_mb (limit $((limit / 1024)) MiB)"
[ "$peak" -gt 0 ] || { echo "FAIL: could not read VmHWM"; exit 1; }
[ "$peak" -le "$limit" ] || { echo "FAIL: bt86 grew beyond the limit"; exit 1; }
