#!/usr/bin/env bash
# ide-linux.test.sh - Debian's own i386 kernel drives bt86's IDE: ata_piix,
# sd_mod and sr_mod (and what they need), taken from the same kernel package
# as tests/boot/boot.sh's, are loaded from the initramfs; the kernel must
# find the hard disk and the CD-ROM, read both whole with the md5sums the
# host computed, write a sector that then is in the image file, and mount
# an ISO 9660 CD (made with xorriso, when it is installed) and read a file
# from it.  Non-interactive: the initramfs's init prints and reboots.
# Exit 77 ("skipped: reason") when the packages cannot be fetched, or for
# the runs that leave the Linux boots to the native check.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
BT86=${BT86:-$BUILDDIR/bt86}
. "$here/boot/linux-test.sh"
linux_test_start ide-linux
# In dependency order (modinfo's depends= lines): SCSI, libata, the PIIX
# driver, the CD-ROM layer, the disk with its integrity checksums.
mods="scsi_common scsi_mod libata ata_piix cdrom sr_mod crct10dif_common crct10dif_generic
	crc-t10dif crc64 crc64-rocksoft t10-pi sd_mod isofs"
# shellcheck disable=SC2086
linux_test_modules $mods
cat > "$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(echo $mods); do insmod /lib/\$m.ko || echo "@@insmod \$m failed"; done
for i in \$(seq 120); do [ -e /sys/block/sda ] && [ -e /sys/block/sr0 ] && break; sleep 1; done
dmesg | grep -E 'ata[12]\.00: |sr0|sda\]' | sed 's/^\[[ 0-9.]*\] /@@dmesg /'
echo "@@sda \$(md5sum < /dev/sda)"
echo "@@sr0 \$(md5sum < /dev/sr0)"
echo bt86-wrote-this | dd of=/dev/sda bs=512 seek=1000 count=1 conv=sync 2>/dev/null
sync
if mount -t iso9660 -o ro /dev/sr0 /mnt 2>/dev/null; then
	echo "@@iso \$(md5sum < /mnt/data.bin)"
	umount /mnt
fi
echo "@@done"
reboot -f
EOF
chmod 755 "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip > "$work/initrd.img"

head -c 8M /dev/urandom > "$work/disk.img"
head -c 300000 /dev/urandom > "$work/data.bin"
iso=0
if command -v xorriso > /dev/null; then
	mkdir -p "$x/iso"
	cp "$work/data.bin" "$x/iso/"
	xorriso -as mkisofs -quiet -o "$work/cd.iso" "$x/iso" > "$work/xorriso.log" 2>&1 && iso=1
fi
if [ $iso = 0 ]; then
	echo "note: no xorriso: the CD-ROM is a plain image, not mounted"
	head -c $((2048 * 200)) /dev/urandom > "$work/cd.iso"
fi
rm -rf "$x" "$root"
want_sda=$(md5sum < "$work/disk.img")
want_sr0=$(md5sum < "$work/cd.iso")
want_iso=$(md5sum < "$work/data.bin")

log=$work/serial.log
start=$(date +%s)
timeout "${BOOT_TIMEOUT:-900}" "$BT86" -kernel "$work/boot/vmlinuz" -initrd "$work/initrd.img" \
	-append "console=ttyS0 quiet" -nographic -m 256 -no-reboot \
	-drive "file=$work/disk.img,if=ide,format=raw" -cdrom "$work/cd.iso" < /dev/null > "$log" 2>&1
status=$?
echo "bt86 ran for $(($(date +%s) - start)) s, status $status"
tr -d '\r' < "$log" > "$log.txt"
fail=0
expect() { # what pattern
	if grep -Eq -- "$2" "$log.txt"; then
		echo "ok: $1: $(grep -E -m 1 -- "$2" "$log.txt" | sed 's/^@@[a-z0-9]* //')"
	else
		echo "FAIL: $1 (no line matching /$2/)"
		fail=1
	fi
}
expect "the disk" "^@@dmesg ata1\.00: ATA-7: BT86 HARDDISK"
expect "the CD-ROM" "^@@dmesg ata2\.00: ATAPI: BT86 CD-ROM"
expect "sda's size" "^@@dmesg sd .*\[sda\] 16384 512-byte logical blocks"
expect "all of /dev/sda read" "^@@sda ${want_sda%% *}"
expect "all of /dev/sr0 read" "^@@sr0 ${want_sr0%% *}"
[ $iso = 1 ] && expect "a file on the ISO" "^@@iso ${want_iso%% *}"
expect "the end" "^@@done"
if grep -q "^@@insmod" "$log.txt"; then
	echo "FAIL: $(grep -m 1 "^@@insmod" "$log.txt")"
	fail=1
fi
if [ "$(dd if="$work/disk.img" bs=512 skip=1000 count=1 2>/dev/null | head -c 15)" = bt86-wrote-this ]; then
	echo "ok: the guest's write is in the image"
else
	echo "FAIL: sector 1000 of the image does not hold what the guest wrote"
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
