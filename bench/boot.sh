#!/usr/bin/env bash
# boot.sh - Linux boot to a shell, and a shell workload inside it, on bt86
# and on qemu-system-i386 (TCG) when installed, printed as ratios.  Not a
# test: figures only.  Same kernel and initramfs as tests/boot/boot.sh
# (Debian 12's linux-image-686 and busybox-static:i386, fetched into the
# cache by tests/boot/fetch.sh); times are host wall-clock seconds seen
# from outside the guest.
#
# Env: BT86 (./bt86), BUILDDIR (.), SRCDIR (.), BOOT_WORK (scratch dir).
set -u
SRCDIR=$(cd "${SRCDIR:-$(dirname "$0")/..}" && pwd)
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=${BOOT_WORK:-$PWD/tests/boot-work}
mkdir -p "$work"
if ! "$SRCDIR/tests/boot/fetch.sh" "$work" > "$work/fetch.log" 2>&1; then
	echo "boot benchmark: no kernel: $(tail -n 1 "$work/fetch.log")"
	exit 0
fi
# Integer shell arithmetic, then compression and hashing of the 670 KB payload.
workload='i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; gzip -c /payload | gunzip -c | sha256sum'

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# measure NAME EMULATOR...: prints "boot_seconds workload_seconds", or "- -".
measure() {
	local name=$1 log=$work/bench-$1.log fifo=$work/bench-$1.in pid t0 t1 t2 i
	shift
	rm -f "$fifo" "$log"
	mkfifo "$fifo"
	"$@" -kernel "$work/vmlinuz" -initrd "$work/initrd.img" -append console=ttyS0 \
		-nographic -m 256 -no-reboot < "$fifo" > "$log" 2>&1 &
	pid=$!
	exec 4> "$fifo"
	t0=$(now)
	waitfor() {
		for ((i = 0; i < $2 * 20; i++)); do
			tr -d '\r' < "$log" | grep -q -E -- "$1" && return 0
			kill -0 "$pid" 2>/dev/null || return 1
			sleep 0.05
		done
		return 1
	}
	if ! waitfor 'bt86-linux# ' 600; then
		kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; exec 4>&-
		echo "- -"; return
	fi
	t1=$(now)
	printf '%s; echo @@W=$?\n' "$workload" >&4
	waitfor '^@@W=0' 600
	t2=$(now)
	printf 'reboot -f\n' >&4
	for ((i = 0; i < 600; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	exec 4>&-
	echo "$(sub "$t0" "$t1") $(sub "$t1" "$t2")"
}

echo "== Linux boot: $(head -n 1 "$work/fetch.log")"
read -r b_boot b_work <<<"$(measure bt86 "$BT86")"
printf '%-24s %10s %12s\n' "" "boot (s)" "workload (s)"
printf '%-24s %10s %12s\n' bt86 "$b_boot" "$b_work"
qemu=$(command -v qemu-system-i386)
if [ -n "$qemu" ]; then
	read -r q_boot q_work <<<"$(measure qemu "$qemu")"
	printf '%-24s %10s %12s\n' "qemu-system-i386 (TCG)" "$q_boot" "$q_work"
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.1fx", a / b }'; }
	printf '%-24s %10s %12s\n' "bt86 / QEMU" "$(ratio "$b_boot" "$q_boot")" "$(ratio "$b_work" "$q_work")"
else
	echo "qemu-system-i386 not installed: no ratio"
fi
