#!/usr/bin/env bash
# virtio-linux.test.sh - Debian's own i386 kernel drives bt86's virtio
# devices: virtio_pci, virtio_blk, virtio-rng and virtio_console (and what
# they need), from the same kernel package as tests/boot/boot.sh's, are
# loaded from the initramfs next to the IDE disk's drivers.  The virtio disk
# holds the same bytes as the IDE disk: Linux must read both whole with the
# md5sum the host computed, write a sector that then is in the virtio
# disk's image file, see a readonly=on virtio disk as read-only, read
# /dev/hwrng from virtio-rng, and write to hvc0 and read from it, whose
# chardev is bt86's standard output and input (COM1 goes to a file).
# One Linux boot.  Non-interactive: the initramfs's init prints and reboots.
# Exit 77 ("skipped: reason") when the packages cannot be fetched, or for
# the runs that leave the Linux boots to the native check.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
BT86=${BT86:-$BUILDDIR/bt86}
. "$here/boot/linux-test.sh"
linux_test_start virtio-linux
# In dependency order (the modules' depends= lines): the IDE disk's SCSI,
# libata, PIIX and sd stack, then virtio's ring, core, PCI transport (with
# its modern and legacy helpers) and the three device drivers.
mods="scsi_common scsi_mod libata ata_piix crct10dif_common crct10dif_generic
	crc-t10dif crc64 crc64-rocksoft t10-pi sd_mod
	virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
	virtio_blk virtio-rng virtio_console"
# shellcheck disable=SC2086
linux_test_modules $mods
cat > "$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(echo $mods); do insmod /lib/\$m.ko || echo "@@insmod \$m failed"; done
for i in \$(seq 120); do [ -e /sys/block/sda ] && [ -e /sys/block/vdb ] && [ -e /dev/hvc0 ] && break; sleep 1; done
dmesg | grep -E 'virtio|vd[ab]' | sed 's/^\[[ 0-9.]*\] /@@dmesg /'
echo "@@sda \$(md5sum < /dev/sda)"
for d in vda vdb; do
	echo "@@\$d ro=\$(cat /sys/block/\$d/ro) size=\$(cat /sys/block/\$d/size) \$(md5sum < /dev/\$d)"
	echo bt86-wrote-this-to-\$d | dd of=/dev/\$d bs=512 seek=1000 count=1 conv=sync,fsync 2>/dev/null ||
		echo "@@\$d write refused"
done
echo "@@rng \$(cat /sys/class/misc/hw_random/rng_current) \$(head -c 4096 /dev/hwrng | wc -c)"
echo "@@irq \$(grep -c -E 'PCI-MSI.*virtio' /proc/interrupts) MSI-X vectors"
grep virtio /proc/interrupts | sed 's/^/@@interrupts /'
exec 3<>/dev/hvc0
echo hello-from-hvc0 >&3
read -t 60 line <&3
echo "@@hvc0-in \$line"
sync
echo "@@done"
reboot -f
EOF
chmod 755 "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip > "$work/initrd.img"
rm -rf "$x" "$root"

head -c 8M /dev/urandom > "$work/disk.img"
cp "$work/disk.img" "$work/vdisk.img"
head -c 1M /dev/urandom > "$work/ro.img"
want=$(md5sum < "$work/disk.img")
want_ro=$(md5sum < "$work/ro.img")

log=$work/serial.log
# hvc0's input: typed once the guest has the tty open (it says hello first).
mkfifo "$work/in"
(for _ in $(seq 900); do grep -q hello-from-hvc0 "$work/hvc0.log" 2>/dev/null && break; sleep 1
done; echo typed-into-hvc0; sleep 120) > "$work/in" &
typist=$!
start=$(date +%s)
timeout "${BOOT_TIMEOUT:-900}" "$BT86" -kernel "$work/boot/vmlinuz" -initrd "$work/initrd.img" \
	-append "console=ttyS0 quiet" -nographic -m 256 -no-reboot \
	-drive "file=$work/disk.img,if=ide,format=raw" \
	-drive "file=$work/vdisk.img,if=virtio,format=raw" \
	-drive "file=$work/ro.img,if=none,id=ro,format=raw,readonly=on" \
	-device virtio-blk-pci,drive=ro \
	-device virtio-rng-pci \
	-serial "file:$log" -chardev stdio,id=con -device virtio-serial-pci \
	-device virtconsole,chardev=con < "$work/in" > "$work/hvc0.log" 2>&1
status=$?
kill $typist 2>/dev/null
wait $typist 2>/dev/null
echo "bt86 ran for $(($(date +%s) - start)) s, status $status"
tr -d '\r' < "$log" > "$log.txt"
fail=0
expect() { # what pattern
	if grep -Eq -- "$2" "$log.txt"; then
		echo "ok: $1: $(grep -E -m 1 -- "$2" "$log.txt" | sed 's/^@@[a-z0-9-]* //')"
	else
		echo "FAIL: $1 (no line matching /$2/)"
		fail=1
	fi
}
# Which disk is vda is Linux's probe order: the test does not care.
expect "the virtio disks" "^@@dmesg virtio_blk virtio[0-9]+: \[vd[ab]\] 16384 512-byte logical blocks"
expect "all of /dev/sda read" "^@@sda ${want%% *}"
expect "the virtio disk read whole, the same bytes" "^@@vd[ab] ro=0 size=16384 ${want%% *}"
expect "the read-only disk read whole" "^@@vd[ab] ro=1 size=2048 ${want_ro%% *}"
expect "the read-only disk refuses writes" "^@@vd[ab] write refused"
expect "the end" "^@@done"
expect "virtio-rng is the hwrng" "^@@rng virtio_rng\.[0-9]+ 4096$"
expect "MSI-X" "^@@irq [1-9][0-9]* MSI-X vectors"
expect "hvc0 reads the chardev's input" "^@@hvc0-in typed-into-hvc0$"
if grep -q "^@@insmod" "$log.txt"; then
	echo "FAIL: $(grep -m 1 "^@@insmod" "$log.txt")"
	fail=1
fi
if dd if="$work/vdisk.img" bs=512 skip=1000 count=1 2>/dev/null | grep -aq '^bt86-wrote-this-to-vd[ab]$'; then
	echo "ok: the guest's write is in the virtio disk's image"
else
	echo "FAIL: sector 1000 of vdisk.img does not hold what the guest wrote"
	fail=1
fi
if [ "$(md5sum < "$work/ro.img")" != "$want_ro" ]; then
	echo "FAIL: the read-only image changed"
	fail=1
fi
if grep -q "^hello-from-hvc0" "$work/hvc0.log" 2>/dev/null; then
	echo "ok: hvc0's output is in the chardev's file"
else
	echo "FAIL: bt86's output ($work/hvc0.log) does not hold what the guest wrote to /dev/hvc0"
	fail=1
fi
if [ "$status" != 0 ]; then
	echo "FAIL: bt86 exited with status $status (expected 0 after reboot -f with -no-reboot)"
	fail=1
fi
if [ $fail != 0 ]; then
	echo "serial log: $log (last lines below)"
	tail -n 25 "$log.txt"
	exit 1
fi
rm -rf "$work"
exit 0
