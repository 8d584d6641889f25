#!/usr/bin/env bash
# firmware-boot.sh - booting as a PC does, timed on bt86 (each backend
# `bt86 -backend help` lists; BENCH_BACKENDS narrows it) and on
# qemu-system-i386 (TCG) when installed.  Not a test: figures only.
#
#   firmware   SeaBIOS from the reset vector to a boot sector of its own
#              (guests/bootsect on -hda) printing its last line: POST,
#              the VGA BIOS, the disk probe, INT 13h reads
#   grub       SeaBIOS, El Torito from -cdrom, GRUB (grub-mkrescue's ISO),
#              Debian's i386 kernel and busybox initramfs (tests/boot/fetch.sh)
#              to the shell prompt
#   -kernel    the same kernel and initramfs started by the emulator itself
#              (bt86's loader; QEMU's linuxboot option ROM through SeaBIOS)
#
# Times are host wall-clock seconds from the emulator's start, seen from
# outside (the serial console), each the best of BENCH_RUNS (default 3).
# Env: BT86 (./bt86), BUILDDIR (.), SRCDIR (.), BOOT_WORK (scratch dir),
# BENCH_BACKENDS, BENCH_RUNS, QEMU (path, or "none").
set -u
SRCDIR=$(cd "${SRCDIR:-$(dirname "$0")/..}" && pwd)
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
. "$SRCDIR/bench/backends.sh"
backends=$(bench_backends "$BT86") || exit 1
runs=${BENCH_RUNS:-3}
work=${BOOT_WORK:-$PWD/tests/boot-work}
mkdir -p "$work"
disk=guests/bootsect/disk.img
[ -f "$disk" ] || { echo "firmware boot benchmark: $disk not built (make; needs nasm)"; exit 0; }

have_linux=0
if "$SRCDIR/tests/boot/fetch.sh" "$work" > "$work/fetch.log" 2>&1 && command -v grub-mkrescue > /dev/null; then
	rm -rf "$work/fwiso"
	mkdir -p "$work/fwiso/boot/grub"
	cp "$work/vmlinuz" "$work/initrd.img" "$work/fwiso/boot/"
	printf '%s\n' 'set timeout=0' 'serial --unit=0 --speed=115200' 'terminal_output serial console' \
		'menuentry "Debian" {' '	linux /boot/vmlinuz console=ttyS0' '	initrd /boot/initrd.img' '}' \
		> "$work/fwiso/boot/grub/grub.cfg"
	grub-mkrescue -o "$work/fw-grub.iso" "$work/fwiso" > "$work/mkrescue.log" 2>&1 && have_linux=1
fi

now() { date +%s.%N; }

# once PATTERN EMULATOR ARGS...: seconds until the serial output matches, or "-".
once() {
	local pat=$1 log=$work/fwbench.log fifo=$work/fwbench.in pid t0 i
	shift
	rm -f "$fifo" "$log"
	mkfifo "$fifo"
	t0=$(now)
	"$@" -serial "file:$log" -display none -no-reboot < "$fifo" > /dev/null 2>&1 &
	pid=$!
	exec 4> "$fifo"
	for ((i = 0; i < 600 * 50; i++)); do
		[ -f "$log" ] && tr -d '\r' < "$log" | grep -a -q -E -- "$pat" && break
		kill -0 "$pid" 2> /dev/null || { i=-1; break; }
		sleep 0.02
	done
	local t1
	t1=$(now)
	kill "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	exec 4>&-
	[ "$i" -ge 0 ] && [ "$i" -lt $((600 * 50)) ] && awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }' || echo -
}

# best PATTERN EMULATOR ARGS...: the best of $runs.
best() {
	local b=- t r
	for ((r = 0; r < runs; r++)); do
		t=$(once "$@")
		[ "$t" = - ] && continue
		b=$(awk -v a="$b" -v t="$t" 'BEGIN { print (a == "-" || t < a) ? t : a }')
	done
	echo "$b"
}

measure() { # EMULATOR ARGS...: "firmware grub kernel"
	local fw grub=- kern=-
	fw=$(best 'bootsect: done' "$@" -hda "$disk" -snapshot -m 256)
	if [ $have_linux = 1 ]; then
		grub=$(best 'bt86-linux# ' "$@" -cdrom "$work/fw-grub.iso" -m 256)
		kern=$(best 'bt86-linux# ' "$@" -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
			-append console=ttyS0 -m 256)
	fi
	echo "$fw $grub $kern"
}

row() { printf '%-24s %10s %10s %10s\n' "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx", a / b }'; }
echo "== Booting through the firmware (best of $runs, seconds to the last line)"
[ $have_linux = 1 ] || echo "(no kernel or no grub-mkrescue: the firmware column only)"
row "" "firmware" "grub" "-kernel"
declare -A fw grub kern
for b in $backends; do
	read -r "fw[$b]" "grub[$b]" "kern[$b]" <<< "$(measure "$BT86" -backend "$b")"
	row "bt86 -backend $b" "${fw[$b]}" "${grub[$b]}" "${kern[$b]}"
done
QEMU=${QEMU:-$(command -v qemu-system-i386 || true)}
if [ -n "$QEMU" ] && [ "$QEMU" != none ]; then
	read -r qfw qgrub qkern <<< "$(measure "$QEMU")"
	row "qemu-system-i386 (TCG)" "$qfw" "$qgrub" "$qkern"
	for b in $backends; do
		row "bt86 $b / QEMU" "$(ratio "${fw[$b]}" "$qfw")" "$(ratio "${grub[$b]}" "$qgrub")" \
			"$(ratio "${kern[$b]}" "$qkern")"
	done
else
	echo "qemu-system-i386 not installed (or QEMU=none): no ratio"
fi
