#!/usr/bin/env bash
# pxe-boot.test.sh - -boot n: SeaBIOS runs the e1000's boot ROM (iPXE's
# efi-e1000.rom behind its PCI ROM BAR), iPXE gets an address and a boot
# file from slirp's DHCP server (-netdev user,bootfile=) and the file from
# its TFTP server (tftp=), and starts it at 0000:7C00: guests/pxeboot, which
# checks the PXENV+ and !PXE structures, asks the PXE API for the DHCP
# answer and for its own size by TFTP, prints each on the debug console and
# exits through isa-debug-exit (status 67).  Its lines must be
# guests/pxeboot/expected.txt, which QEMU (-boot n -nic user,model=e1000,
# tftp=,bootfile=) prints too.  Also: -boot order= puts the network before
# or after the disk, romfile= empty leaves the NIC without a ROM (no network
# boot, SeaBIOS says so), and bad romfile=, tftp= and bootfile= values are
# clear errors.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
SRCDIR=${SRCDIR:-.}
fwdir=$(sed -n 's/^#define BT86_FIRMWARE_DIR "\(.*\)"$/\1/p' config.h 2> /dev/null)
ipxedir=$(sed -n 's/^#define BT86_IPXE_DIR "\(.*\)"$/\1/p' config.h 2> /dev/null)
[ -f "$fwdir/bios-256k.bin" ] || { echo "skipped: no SeaBIOS in ${fwdir:-?} (install seabios)"; exit 77; }
grep -q '^CONFIG_SLIRP = y' config.mk 2> /dev/null ||
	{ echo "skipped: bt86 was built without libslirp (no -netdev user; install libslirp-dev)"; exit 77; }
[ -f "$fwdir/efi-e1000.rom" ] || [ -f "$ipxedir/efi-e1000.rom" ] ||
	{ echo "skipped: no efi-e1000.rom in $fwdir or ${ipxedir:-?} (install ipxe-qemu)"; exit 77; }
nbp=guests/pxeboot/pxeboot.0
if [ ! -f "$nbp" ]; then
	grep -q '^NASM = .' config.mk 2> /dev/null || { echo "skipped: $nbp needs nasm (install nasm)"; exit 77; }
	echo "FAIL: $nbp not built (run make)"
	exit 1
fi
want=$SRCDIR/guests/pxeboot/expected.txt
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null
	rm -rf "$work"
}
trap cleanup EXIT
fail=0
mkdir "$work/tftp"
cp "$nbp" "$work/tftp/pxeboot.0"
user="tftp=$work/tftp,bootfile=pxeboot.0"

# pxe NAME EMULATOR ARGS...: a boot that must end in the NBP's exit, 67, with its lines.
pxe() {
	local name=$1 emu=$2 st
	shift 2
	timeout 300 "$emu" -display none -debugcon "file:$work/$name.out" \
		-device isa-debug-exit "$@" > "$work/$name.log" 2>&1
	st=$?
	if [ $st != 67 ]; then
		echo "FAIL: $name: exit status $st, not 67 (the NBP's exit):"
		cat "$work/$name.log" "$work/$name.out"
		fail=1
	elif ! diff -u "$want" "$work/$name.out"; then
		echo "FAIL: $name: the NBP's lines differ from $want"
		fail=1
	else
		echo "ok: $name: the NBP ran and printed what it should"
	fi
}

# firmware_log NAME PATTERN ARGS...: bt86 until SeaBIOS's log (port 0x402)
# shows PATTERN, up to 120 s; the NBP must not have run.
firmware_log() {
	local name=$1 pattern=$2
	shift 2
	"$BT86" -display none -global isa-debugcon.iobase=0x402 -debugcon "file:$work/$name.out" \
		-serial "file:$work/$name.serial" -device isa-debug-exit "$@" > "$work/$name.log" 2>&1 &
	pid=$!
	local ok=0
	for _ in $(seq 1200); do
		cat "$work/$name.out" "$work/$name.serial" 2> /dev/null | grep -qE -- "$pattern" && { ok=1; break; }
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	kill "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	pid=
	if [ $ok = 1 ] && ! grep -q pxeboot "$work/$name.out"; then
		echo "ok: $name: /$pattern/"
	else
		echo "FAIL: $name: no /$pattern/ from SeaBIOS, or the NBP ran:"
		tail -n 30 "$work/$name.out" "$work/$name.serial" "$work/$name.log"
		fail=1
	fi
}

pxe bt86-nic "$BT86" -boot n -nic "user,model=e1000,$user"
# iPXE's legacy-only ROM, by path, on -device.
romdir=$ipxedir
[ -f "$fwdir/pxe-e1000.rom" ] && romdir=$fwdir
pxe bt86-romfile "$BT86" -netdev "user,id=n0,$user" \
	-device "e1000,netdev=n0,romfile=$romdir/pxe-e1000.rom" -boot order=n
disk=guests/bootsect/disk.img
if [ -f "$disk" ]; then
	# The disk is bootable: order=nc boots the network, order=cn the disk.
	pxe bt86-order-nc "$BT86" -hda "$disk" -snapshot -nic "user,model=e1000,$user" -boot order=nc
	firmware_log bt86-order-cn "bootsect: done" -hda "$disk" -snapshot \
		-nic "user,model=e1000,$user" -boot order=cn
else
	echo "skipped the disk-or-network order checks: $disk was not built"
fi
# No ROM: nothing to boot from, as SeaBIOS says in its log.
firmware_log bt86-no-rom "No bootable device" -netdev "user,id=n0,$user" \
	-device e1000,netdev=n0,romfile= -boot n

# Bad values: a clear error, a non-zero exit, no guest.
bad() { # bad NAME PATTERN ARGS...
	local name=$1 pattern=$2
	shift 2
	if timeout 20 "$BT86" -display none "$@" > "$work/$name.log" 2>&1; then
		echo "FAIL: $name: bt86 accepted $*"; fail=1
	elif ! grep -qE -- "$pattern" "$work/$name.log"; then
		echo "FAIL: $name: no /$pattern/ in:"; cat "$work/$name.log"; fail=1
	else
		echo "ok: $name: $(head -n 1 "$work/$name.log")"
	fi
}
bad romfile-missing "romfile=no-such.rom: not in" -netdev user,id=n0 \
	-device e1000,netdev=n0,romfile=no-such.rom -boot n
bad romfile-path "cannot open '$work/none.rom'" -netdev user,id=n0 \
	-device "e1000,netdev=n0,romfile=$work/none.rom"
bad tftp-not-dir "tftp=$work/tftp/pxeboot.0: not a directory" \
	-nic "user,model=e1000,tftp=$work/tftp/pxeboot.0"
bad bootfile-empty "bootfile=: expected" -nic "user,model=e1000,bootfile="

if command -v qemu-system-i386 > /dev/null; then
	pxe qemu-nic qemu-system-i386 -no-reboot -boot n -nic "user,model=e1000,$user"
else
	echo "skipped the QEMU cross-check: qemu-system-i386 is not installed"
fi
[ $fail = 0 ] && echo "pxe-boot: all checks passed"
exit $fail
