#!/usr/bin/env bash
# boot.sh - Linux boot to a shell, and a shell workload inside it, on bt86
# with each backend `bt86 -backend help` lists (bench/backends.sh;
# BENCH_BACKENDS narrows it) and on qemu-system-i386 (TCG) when installed,
# printed with each backend's ratio to QEMU.  Not a test: figures only.
# Same kernel and initramfs as tests/boot/boot.sh (Debian 12's
# linux-image-686 and busybox-static:i386, fetched into the cache by
# tests/boot/fetch.sh); times are host wall-clock seconds seen from outside
# the guest; "total" (boot plus workload) is what issue 19's target compares.
#
# Env: BT86 (./bt86), BUILDDIR (.), SRCDIR (.), BOOT_WORK (scratch dir),
# BENCH_BACKENDS, QEMU (path, or "none" for bt86 alone).
set -u
SRCDIR=$(cd "${SRCDIR:-$(dirname "$0")/..}" && pwd)
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
. "$SRCDIR/bench/backends.sh"
backends=$(bench_backends "$BT86") || exit 1
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
	if waitfor '^@@W=0' 600; then
		t2=$(now)
	else
		t2=
	fi
	printf 'reboot -f\n' >&4
	for ((i = 0; i < 600; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	exec 4>&-
	echo "$(sub "$t0" "$t1") $([ -n "$t2" ] && sub "$t1" "$t2" || echo -)"
}

echo "== Linux boot: $(head -n 1 "$work/fetch.log")"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx", a / b }'; }
total() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%.2f", a + b }'; }
row() { printf '%-24s %10s %12s %10s\n' "$@"; }
row "" "boot (s)" "workload (s)" "total (s)"
declare -A boot wl
for b in $backends; do
	read -r "boot[$b]" "wl[$b]" <<<"$(measure "bt86-$b" "$BT86" -backend "$b")"
	row "bt86 -backend $b" "${boot[$b]}" "${wl[$b]}" "$(total "${boot[$b]}" "${wl[$b]}")"
done
QEMU=${QEMU:-$(command -v qemu-system-i386 || true)}
if [ -n "$QEMU" ] && [ "$QEMU" != none ]; then
	read -r q_boot q_work <<<"$(measure qemu "$QEMU")"
	q_total=$(total "$q_boot" "$q_work")
	row "qemu-system-i386 (TCG)" "$q_boot" "$q_work" "$q_total"
	for b in $backends; do
		row "bt86 $b / QEMU" "$(ratio "${boot[$b]}" "$q_boot")" "$(ratio "${wl[$b]}" "$q_work")" \
			"$(ratio "$(total "${boot[$b]}" "${wl[$b]}")" "$q_total")"
	done
else
	echo "qemu-system-i386 not installed (or QEMU=none): no ratio"
fi
