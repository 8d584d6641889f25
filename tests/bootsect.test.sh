#!/usr/bin/env bash
# bootsect.test.sh - SeaBIOS boots guests/bootsect, a boot sector that uses
# INT 10h, 13h and 16h, from the IDE disk (-hda) and, El Torito, from the
# ATAPI CD-ROM (-cdrom, an ISO made here with xorriso); -boot order= picks
# between them.  What it leaves on the VGA text screen (-screendump read by
# tests/screentext) must be guests/bootsect/expected-*.txt, which QEMU's
# screen (its monitor's screendump) proves too.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
fwdir=$(sed -n 's/^#define BT86_FIRMWARE_DIR "\(.*\)"$/\1/p' config.h 2> /dev/null)
[ -f "$fwdir/bios-256k.bin" ] || { echo "skipped: no SeaBIOS in ${fwdir:-?} (install seabios)"; exit 77; }
disk=guests/bootsect/disk.img
if [ ! -f "$disk" ]; then
	grep -q '^NASM = .' config.mk 2> /dev/null || { echo "skipped: $disk needs nasm"; exit 77; }
	echo "FAIL: $disk not built (run make)"
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

iso=
if command -v xorriso > /dev/null; then
	mkdir "$work/iso"
	head -c 2048 "$disk" > "$work/iso/boot.bin"
	if xorriso -as mkisofs -quiet -b boot.bin -no-emul-boot -boot-load-size 4 \
		-o "$work/cd.iso" "$work/iso" > "$work/xorriso.log" 2>&1; then
		iso=$work/cd.iso
	else
		echo "FAIL: xorriso could not make the ISO:"; cat "$work/xorriso.log"; fail=1
	fi
fi

# wait_done SERIALFILE: until the boot sector's last line, up to 60 s.
wait_done() {
	for _ in $(seq 600); do
		grep -qs "bootsect: done" "$1" && return 0
		kill -0 "$pid" 2> /dev/null || return 1
		sleep 0.1
	done
	return 1
}

# compare NAME WANT PPM
compare() {
	if ! ${RUN_WRAPPER:-} tests/screentext "$3" > "$work/$1.txt" 2> "$work/$1.err"; then
		echo "FAIL: $1: screentext could not read the screen:"; cat "$work/$1.err"; fail=1
	elif ! diff -u "$2" "$work/$1.txt"; then
		echo "FAIL: $1: the screen differs from $2"; fail=1
	else
		echo "ok: $1: the screen as expected"
	fi
}

# bt86_boot NAME WANT ARGS...
bt86_boot() {
	local name=$1 want=$2
	shift 2
	timeout 60 "$BT86" -display none -serial "file:$work/$name.serial" \
		-screendump "$work/$name.ppm" "$@" > "$work/$name.out" 2> "$work/$name.err" &
	pid=$!
	wait_done "$work/$name.serial" || { echo "FAIL: $name: no 'bootsect: done' on COM1:"; cat "$work/$name.serial" "$work/$name.err"; fail=1; }
	sleep 0.3 # a screen refresh after the last line
	kill "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	pid=
	compare "$name" "$want" "$work/$name.ppm"
}

# qemu_boot NAME WANT ARGS...
qemu_boot() {
	local name=$1 want=$2
	shift 2
	rm -f "$work/mon"
	mkfifo "$work/mon"
	qemu-system-i386 -display none -serial "file:$work/$name.serial" -monitor stdio \
		-no-reboot "$@" < "$work/mon" > "$work/$name.mon" 2>&1 &
	pid=$!
	exec 3> "$work/mon"
	wait_done "$work/$name.serial" || { echo "FAIL: $name: QEMU printed no 'bootsect: done'"; fail=1; }
	sleep 0.5
	echo "screendump $work/$name.ppm" >&3
	sleep 1
	echo quit >&3
	exec 3>&-
	wait "$pid" 2> /dev/null
	pid=
	compare "$name" "$want" "$work/$name.ppm"
}

hd=$SRCDIR/guests/bootsect/expected-hd.txt
cd=$SRCDIR/guests/bootsect/expected-cd.txt
bt86_boot bt86-hda "$hd" -hda "$disk" -snapshot
bt86_boot bt86-hda-order-c "$hd" -drive "file=$disk,format=raw,if=ide,snapshot=on" -boot order=c
# SeaBIOS's own virtio-blk driver (int 13h on a virtio disk).  The image
# must hold a cylinder (16 heads x 63 sectors): SeaBIOS refuses 64 KiB.
cp "$disk" "$work/virtio.img"
truncate -s 8M "$work/virtio.img"
bt86_boot bt86-virtio "$hd" -drive "file=$work/virtio.img,format=raw,if=virtio"
if [ -n "$iso" ]; then
	bt86_boot bt86-cdrom "$cd" -cdrom "$iso" -boot d
	# Both: the default order (QEMU's cad) takes the disk, order=d the CD.
	bt86_boot bt86-both-default "$hd" -hda "$disk" -snapshot -cdrom "$iso"
	bt86_boot bt86-both-order-dc "$cd" -hda "$disk" -snapshot -cdrom "$iso" -boot order=dc
fi
if command -v qemu-system-i386 > /dev/null; then
	qemu_boot qemu-hda "$hd" -drive "file=$disk,format=raw,if=ide,snapshot=on"
	qemu_boot qemu-virtio "$hd" -drive "file=$work/virtio.img,format=raw,if=virtio"
	[ -n "$iso" ] && qemu_boot qemu-cdrom "$cd" -cdrom "$iso" -boot d
else
	echo "skipped the QEMU cross-check: qemu-system-i386 is not installed"
fi
[ -n "$iso" ] || echo "skipped the CD-ROM boots: xorriso is not installed"
[ $fail = 0 ] && echo "bootsect: all checks passed"
exit $fail
