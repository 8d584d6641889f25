#!/usr/bin/env bash
# grub-boot.test.sh - a PC boot all the way, with no -kernel: SeaBIOS from the
# reset vector, El Torito from the ATAPI CD-ROM, GRUB (grub-mkrescue's ISO,
# made here), then Debian's i386 kernel and the busybox initramfs of
# tests/boot/boot.sh, which GRUB loads through the BIOS's INT 13h:
#
#   bt86 -cdrom grub.iso -nographic -m 256 -no-reboot
#
# Checks SeaBIOS's log (debugcon 0x402: it booted from the CD), GRUB's menu
# entry on the serial console, Linux finding the ACPI tables SeaBIOS placed
# from fw_cfg's table loader (RSDP in the F segment, the rest high), a shell,
# and "poweroff -f" (ACPI S5) ending bt86 with status 0.  Exit 77 when the
# kernel cannot be fetched or GRUB's tools are missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
cd "$BUILDDIR"
BT86=${BT86:-./bt86}
STEP_TIMEOUT=${STEP_TIMEOUT:-300}
fwdir=$(sed -n 's/^#define BT86_FIRMWARE_DIR "\(.*\)"$/\1/p' config.h 2> /dev/null)
[ -f "$fwdir/bios-256k.bin" ] || { echo "skipped: no SeaBIOS in ${fwdir:-?} (install seabios)"; exit 77; }
for tool in grub-mkrescue xorriso mformat; do
	command -v $tool > /dev/null ||
		{ echo "skipped: $tool not installed (grub-pc-bin, xorriso, mtools: ./configure --install-deps)"; exit 77; }
done
[ -f /usr/lib/grub/i386-pc/cdboot.img ] || { echo "skipped: no BIOS GRUB (grub-pc-bin)"; exit 77; }
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null
	rm -rf "$work"
}
trap cleanup EXIT

"$here/boot/fetch.sh" "$work" > "$work/fetch.log" 2>&1
st=$?
if [ $st = 77 ]; then
	grep '^skipped:' "$work/fetch.log"
	exit 77
elif [ $st != 0 ]; then
	echo "FAIL: fetching the kernel and building the initramfs:"; cat "$work/fetch.log"
	exit 1
fi

mkdir -p "$work/iso/boot/grub"
cp "$work/vmlinuz" "$work/initrd.img" "$work/iso/boot/"
cat > "$work/iso/boot/grub/grub.cfg" << 'CFG'
set timeout=0
serial --unit=0 --speed=115200
terminal_output serial console
menuentry "Debian through SeaBIOS" {
	linux /boot/vmlinuz console=ttyS0
	initrd /boot/initrd.img
}
CFG
grub-mkrescue -o "$work/grub.iso" "$work/iso" > "$work/mkrescue.log" 2>&1 ||
	{ echo "FAIL: grub-mkrescue:"; cat "$work/mkrescue.log"; exit 1; }

log=$work/serial.log
mkfifo "$work/stdin"
"$BT86" -cdrom "$work/grub.iso" -nographic -m 256 -no-reboot \
	-debugcon "file:$work/seabios.log" -global isa-debugcon.iobase=0x402 \
	< "$work/stdin" > "$log" 2> "$work/err" &
pid=$!
exec 3> "$work/stdin"
start=$(date +%s.%N)
elapsed() { awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

fail() {
	echo "FAIL: $*"
	kill "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	pid=
	echo "serial log (last lines):"; tail -n 25 "$log" | tr -d '\r'
	echo "SeaBIOS log (last lines):"; tail -n 10 "$work/seabios.log"
	cat "$work/err"
	exit 1
}
wait_for() { # PATTERN SECONDS [FILE]
	local i f=${3:-$log}
	for ((i = 0; i < $2 * 5; i++)); do
		[ -f "$f" ] && tr -d '\r' < "$f" | grep -a -q -E -- "$1" && return 0
		kill -0 "$pid" 2> /dev/null || return 1
		sleep 0.2
	done
	return 1
}

wait_for '^Booting from DVD/CD' "$STEP_TIMEOUT" "$work/seabios.log" || fail "SeaBIOS did not boot the CD-ROM"
echo "ok: SeaBIOS boots the CD-ROM after $(elapsed) s"
wait_for "Booting .Debian through SeaBIOS" "$STEP_TIMEOUT" || fail "no GRUB menu entry on the serial console"
echo "ok: GRUB starts its menu entry after $(elapsed) s"
wait_for '^\[ *[0-9.]+\] Linux version 6\.1\.' "$STEP_TIMEOUT" || fail "the kernel did not start"
echo "ok: the kernel runs after $(elapsed) s"
wait_for '^init: up after' "$STEP_TIMEOUT" || fail "no shell"
wait_for 'bt86-linux# ' 60 || fail "no prompt"
echo "ok: a shell after $(elapsed) s ($(grep -a -o 'init: up after .*' "$log" | tr -d '\r'))"
acpi=$(tr -d '\r' < "$log" | grep -a -E 'ACPI: (RSDP|RSDT|FACP|DSDT|FACS|APIC|HPET) 0x')
for t in RSDP RSDT FACP DSDT FACS APIC HPET; do
	grep -q "ACPI: $t " <<< "$acpi" || fail "Linux found no $t: $acpi"
done
grep -q 'ACPI: RSDP 0x00000000000F' <<< "$acpi" || fail "the RSDP is not in the F segment: $acpi"
tr -d '\r' < "$log" | grep -a -q 'ACPI: Interpreter enabled' || fail "no ACPI interpreter"
echo "ok: Linux finds the ACPI tables SeaBIOS placed:"
sed 's/^/    /' <<< "$acpi"
printf 'poweroff -f\n' >&3
for _ in $(seq 300); do kill -0 "$pid" 2> /dev/null || break; sleep 0.2; done
if kill -0 "$pid" 2> /dev/null; then
	fail "poweroff -f did not end bt86"
fi
wait "$pid"
st=$?
pid=
[ $st = 0 ] || { echo "FAIL: bt86 exit status $st after poweroff -f, want 0"; cat "$work/err"; exit 1; }
echo "ok: poweroff -f (ACPI S5) ends bt86 with status 0 after $(elapsed) s"
echo "grub-boot: all checks passed"
