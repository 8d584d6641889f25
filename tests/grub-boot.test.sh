#!/usr/bin/env bash
# grub-boot.test.sh - a PC boot all the way, with no -kernel: SeaBIOS from the
# reset vector, El Torito from the ATAPI CD-ROM, GRUB (grub-mkrescue's ISO,
# made here), then Debian's i386 kernel and the busybox initramfs of
# tests/boot/boot.sh, which GRUB loads through the BIOS's INT 13h:
#
#   bt86 -cdrom grub.iso -nographic -m 256 -no-reboot
#
# and the same hybrid image again as an IDE disk (GRUB's MBR, INT 13h on ATA).
#
# Checks SeaBIOS's log (debugcon 0x402: it booted from the CD), GRUB's menu
# entry on the serial console, Linux finding the ACPI tables SeaBIOS placed
# from fw_cfg's table loader (RSDP in the F segment, the rest high), a shell,
# and "poweroff -f" (ACPI S5) ending bt86 with status 0.  Then once more with
# GRUB and Linux on the VGA console, commands typed on the PS/2 keyboard.  Exit 77 when the
# kernel cannot be fetched or GRUB's tools are missing, and for the runs that
# leave the Linux boots to the native check (qemu-user, BT86_SKIP_BOOT).
set -u
here=$(cd "$(dirname "$0")" && pwd)
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
cd "$BUILDDIR"
BT86=${BT86:-./bt86}
STEP_TIMEOUT=${STEP_TIMEOUT:-300}
# Two Linux boots: like the other Linux tests, left to the native check.
if [ -n "${RUN_WRAPPER:-}" ]; then
	echo "skipped: a cross build under qemu-user; the native make check boots Linux"
	exit 77
fi
if [ -n "${BT86_SKIP_BOOT:-}" ]; then
	echo "skipped: $BT86_SKIP_BOOT"
	exit 77
fi
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
# The same on the VGA console and the PS/2 keyboard: what a user at the
# screen sees, with no serial port at all.
mkdir -p "$work/vga/boot/grub"
cp "$work/vmlinuz" "$work/initrd.img" "$work/vga/boot/"
cat > "$work/vga/boot/grub/grub.cfg" << 'CFG'
set timeout=0
terminal_output console
menuentry "Debian on the VGA console" {
	linux /boot/vmlinuz console=tty0
	initrd /boot/initrd.img
}
CFG
grub-mkrescue -o "$work/vga.iso" "$work/vga" > "$work/mkrescue.log" 2>&1 ||
	{ echo "FAIL: grub-mkrescue (VGA):"; cat "$work/mkrescue.log"; exit 1; }

elapsed() { awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

fail() {
	echo "FAIL: $*"
	kill "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	pid=
	echo "serial log (last lines):"; tail -n 25 "$log" | tr -d '\r'
	echo "SeaBIOS log (last lines):"; tail -n 10 "$work/$name.seabios"
	cat "$work/$name.err"
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

# boot NAME SEABIOS-SAYS ARGS...: the whole way to the shell and S5.
boot() {
	name=$1
	local says=$2
	shift 2
	log=$work/$name.serial
	rm -f "$work/stdin"
	mkfifo "$work/stdin"
	"$BT86" "$@" -nographic -m 256 -no-reboot \
		-debugcon "file:$work/$name.seabios" -global isa-debugcon.iobase=0x402 \
		< "$work/stdin" > "$log" 2> "$work/$name.err" &
	pid=$!
	exec 3> "$work/stdin"
	start=$(date +%s.%N)
	wait_for "^$says" "$STEP_TIMEOUT" "$work/$name.seabios" || fail "$name: SeaBIOS did not say '$says'"
	echo "ok: $name: SeaBIOS: $says, after $(elapsed) s"
	wait_for "Booting .Debian through SeaBIOS" "$STEP_TIMEOUT" || fail "$name: no GRUB menu entry on the serial console"
	echo "ok: $name: GRUB starts its menu entry after $(elapsed) s"
	wait_for '^\[ *[0-9.]+\] Linux version 6\.1\.' "$STEP_TIMEOUT" || fail "$name: the kernel did not start"
	echo "ok: $name: the kernel runs after $(elapsed) s"
	wait_for '^init: up after' "$STEP_TIMEOUT" || fail "$name: no shell"
	wait_for 'bt86-linux# ' 60 || fail "$name: no prompt"
	echo "ok: $name: a shell after $(elapsed) s ($(grep -a -o 'init: up after .*' "$log" | tr -d '\r'))"
	acpi=$(tr -d '\r' < "$log" | grep -a -E 'ACPI: (RSDP|RSDT|FACP|DSDT|FACS|APIC|HPET) 0x')
	for t in RSDP RSDT FACP DSDT FACS APIC HPET; do
		grep -q "ACPI: $t " <<< "$acpi" || fail "$name: Linux found no $t: $acpi"
	done
	grep -q 'ACPI: RSDP 0x00000000000F' <<< "$acpi" || fail "$name: the RSDP is not in the F segment: $acpi"
	tr -d '\r' < "$log" | grep -a -q 'ACPI: Interpreter enabled' || fail "$name: no ACPI interpreter"
	echo "ok: $name: Linux finds the ACPI tables SeaBIOS placed:"
	sed 's/^/    /' <<< "$acpi"
	printf 'poweroff -f\n' >&3
	for _ in $(seq 300); do kill -0 "$pid" 2> /dev/null || break; sleep 0.2; done
	kill -0 "$pid" 2> /dev/null && fail "$name: poweroff -f did not end bt86"
	wait "$pid"
	local st=$?
	pid=
	exec 3>&-
	[ $st = 0 ] || { echo "FAIL: $name: bt86 exit status $st after poweroff -f, want 0"; cat "$work/$name.err"; exit 1; }
	echo "ok: $name: poweroff -f (ACPI S5) ends bt86 with status 0 after $(elapsed) s"
}

boot cdrom "Booting from DVD/CD" -cdrom "$work/grub.iso"
# grub-mkrescue's image is hybrid: the same file is a disk with GRUB's MBR.
boot hda "Booting from Hard Disk" -drive "file=$work/grub.iso,format=raw,if=ide,snapshot=on"
# vga: GRUB's menu and Linux's console on the VGA text screen; keys typed on
# the PS/2 keyboard once the prompt shows there.  The screen bt86 leaves
# (-screendump at exit, read by tests/screentext) must hold the command and
# its answer, computed by the guest's shell.
name=vga
start=$(date +%s.%N)
timeout "$((STEP_TIMEOUT * 2))" "$BT86" -cdrom "$work/vga.iso" -m 256 -no-reboot -display none \
	-serial none -screendump "$work/vga.ppm" -sendkeys-when 'bt86-vga# ' \
	-sendkeys 'echo VGA-$((6*7)) $(cat /proc/cmdline)\npoweroff -f\n' \
	< /dev/null > "$work/vga.out" 2> "$work/vga.err"
st=$?
[ $st = 0 ] || { echo "FAIL: vga: bt86 exit status $st, want 0 (poweroff -f typed at the prompt)"; cat "$work/vga.err"; exit 1; }
tests/screentext "$work/vga.ppm" > "$work/vga.txt" 2>> "$work/vga.err" ||
	{ echo "FAIL: vga: screentext could not read the screen:"; cat "$work/vga.err"; exit 1; }
grep -q '^bt86-vga# echo VGA-' "$work/vga.txt" && grep -q '^VGA-42 .*console=tty0' "$work/vga.txt" || {
	echo "FAIL: vga: the screen does not show the typed command and its answer:"
	cat "$work/vga.txt"; exit 1
}
echo "ok: vga: a shell on the VGA console answered what the keyboard typed; poweroff -f ended bt86 after $(elapsed) s"
echo "grub-boot: all checks passed"
