#!/usr/bin/env bash
# disk-images.test.sh - image safety: a missing, unsuitable or locked image
# gets one clear line and exit status 2, and is left exactly as it was; a
# second bt86 cannot open an image the first is writing; the guest's writes
# reach the file without -snapshot and never with it.
#
# The guest is guests/pciide (it writes sectors 100-102, 300-305, 0x1e00,
# 2000-2003 and 2100-2102), run on copies of its image.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
fail=0
guest=guests/pciide/pciide.elf
disk=guests/pciide/disk.img
for f in "$guest" "$disk"; do
	if [ ! -f "$f" ]; then
		echo "FAIL: $f not built (run make)"
		exit 1
	fi
done
exit_dev=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)

# A kernel that idles with interrupts off: it holds its disks until killed.
printf '.text\n.globl _start\n_start:\n.long 0x1badb002, 0, -0x1badb002\ncli\n1: hlt\njmp 1b\n' \
	> "$work/idle.S"
if ! cc -nostdlib -static -m32 -Wl,-Ttext=0x100000 -Wl,--build-id=none \
	-o "$work/idle.elf" "$work/idle.S" 2> "$work/cc.err"; then
	echo "FAIL: cannot build the idle kernel: $(head -3 "$work/cc.err")"
	exit 1
fi
idle=$work/idle.elf

check() { # status pattern args...
	local want=$1 pat=$2
	shift 2
	local out status lines
	out=$(timeout 20 "$BT86" "$@" 2>&1 </dev/null)
	status=$?
	lines=$(grep -c . <<<"$out")
	if [ "$status" != "$want" ] || ! grep -Eqi -- "$pat" <<<"$out" ||
		{ [ "$want" = 2 ] && [ "$lines" != 1 ]; }; then
		echo "FAIL: bt86 $*"
		echo "  status $status (want $want), output ($lines lines, want /$pat/):"
		sed 's/^/    /' <<<"$out" | head -20
		fail=1
	else
		echo "ok: bt86 $* -> $status: $(head -1 <<<"$out")"
	fi
}
same() { # what file sum
	if [ "$(md5sum < "$2")" != "$3" ]; then
		echo "FAIL: $1: $2 changed"
		fail=1
	else
		echo "ok: $1: $2 unchanged"
	fi
}

head -c 1000 /dev/zero > "$work/odd.img"
: > "$work/empty.img"
cp "$disk" "$work/a.img"
mkdir "$work/dir.img"
sum_odd=$(md5sum < "$work/odd.img")
sum_a=$(md5sum < "$work/a.img")
run=(-kernel "$idle" -nographic)

check 2 "^bt86: -drive file=.*missing.img: cannot open" "${run[@]}" -hda "$work/missing.img"
check 2 "multiple of 512" "${run[@]}" -hda "$work/odd.img"
same "a wrong size" "$work/odd.img" "$sum_odd"
check 2 "is 0 bytes" "${run[@]}" -drive "file=$work/empty.img,format=raw"
check 2 "Is a directory|not a regular file" "${run[@]}" -hdb "$work/dir.img"
check 2 "format=qcow2: bt86 reads raw images only" "${run[@]}" \
	-drive "file=$work/a.img,format=qcow2"
check 2 "^bt86: -drive file=.*missing.img: cannot open" "${run[@]}" \
	-drive "file=$work/missing.img,if=virtio,format=raw"
check 2 "are for IDE drives" "${run[@]}" -drive "file=$work/a.img,if=virtio,index=1"
check 2 "if=none needs id=ID" "${run[@]}" -drive "file=$work/a.img,if=none"
check 2 "virtio-blk-pci needs drive=ID" "${run[@]}" -device virtio-blk-pci
check 2 "drive=d0: no -drive if=none,id=d0" "${run[@]}" -device virtio-blk-pci,drive=d0
check 2 "drive=d0: the drive is in use" "${run[@]}" -drive "file=$work/a.img,if=none,id=d0" \
	-device virtio-blk-pci,drive=d0 -device virtio-blk-pci,drive=d0
check 2 "unknown property 'bogus' of virtio-rng-pci" "${run[@]}" -device virtio-rng-pci,bogus=1
check 2 "virtconsole needs a -device virtio-serial-pci" "${run[@]}" -device virtconsole,chardev=c
check 2 "chardev=c: no -chardev with id=c" "${run[@]}" -device virtio-serial-pci \
	-device virtconsole,chardev=c
check 2 "backend 'socket': bt86 has stdio, null and file" "${run[@]}" -chardev socket,id=c
check 2 "if=scsi" "${run[@]}" -drive "file=$work/a.img,if=scsi"
check 2 "media=tape: expected disk or cdrom" "${run[@]}" -drive "file=$work/a.img,media=tape"
check 2 "-cdrom .*missing.iso: cannot open" "${run[@]}" -cdrom "$work/missing.iso"
check 2 "index=2\) exists" "${run[@]}" -cdrom "$work/a.img" -hdc "$work/a.img"
check 2 "index=4: expected 0 to 3" "${run[@]}" -drive "file=$work/a.img,index=4"
check 2 "unknown property 'bogus'" "${run[@]}" -drive "file=$work/a.img,bogus=1"
check 2 "readonly=maybe: expected on or off" "${run[@]}" -drive "file=$work/a.img,readonly=maybe"
check 2 "no image" "${run[@]}" -drive "format=raw"
check 2 "index=1\) exists" "${run[@]}" -hdb "$work/a.img" -drive "file=$work/odd.img,index=1"
check 2 "-hda needs an argument" "${run[@]}" -hda
if [ "$(id -u)" != 0 ]; then
	cp "$disk" "$work/ro.img"
	chmod 444 "$work/ro.img"
	check 2 "cannot open .* for writing" "${run[@]}" -hda "$work/ro.img"
	chmod 000 "$work/ro.img"
	check 2 "cannot open .*Permission denied" "${run[@]}" -hda "$work/ro.img" -snapshot
else
	echo "note: running as root: the unreadable and unwritable image rows need another user"
fi

# A CD-ROM is read-only: it shares its image with other readers.
check 1 "^00:01.1 8086:7010" -kernel "$guest" -nographic "${exit_dev[@]}" \
	-hda "$work/a.img" -snapshot -cdrom "$work/a.img"

# Locked: while one bt86 writes a.img, a second cannot open it at all;
# while one reads it (readonly=on or -snapshot), another may only read it.
# The first bt86 holds its lock once /proc/locks lists an OFD lock on the inode.
locked() { # KIND FILE
	local ino
	ino=$(stat -c %i "$2")
	for _ in $(seq 100); do
		grep -Eq "OFDLCK +ADVISORY +$1 +-1 +[0-9a-f]+:[0-9a-f]+:$ino " /proc/locks && return 0
		sleep 0.1
	done
	echo "FAIL: no $1 lock on $2 after 10 s"
	fail=1
}
"$BT86" "${run[@]}" -hda "$work/a.img" </dev/null >/dev/null 2>&1 &
pids+=($!)
locked WRITE "$work/a.img"
check 2 "a.img' is locked: another bt86 or QEMU is writing it" "${run[@]}" -hda "$work/a.img"
check 2 "is locked: .* writing it" "${run[@]}" -hda "$work/a.img" -snapshot
check 2 "is locked: .* writing it" "${run[@]}" -drive "file=$work/a.img,format=raw,readonly=on"
check 2 "^bt86: -cdrom .*is locked: .* writing it" "${run[@]}" -cdrom "$work/a.img"
kill "${pids[@]}"
wait 2>/dev/null
pids=()
same "a locked image" "$work/a.img" "$sum_a"
"$BT86" "${run[@]}" -drive "file=$work/a.img,readonly=on" </dev/null >/dev/null 2>&1 &
pids+=($!)
locked READ "$work/a.img"
check 2 "locked: another bt86 or QEMU is reading it" "${run[@]}" -hda "$work/a.img"
check 1 "^00:01.1 8086:7010" -kernel "$guest" -nographic "${exit_dev[@]}" \
	-drive "file=$work/a.img,format=raw,readonly=on" -snapshot
kill "${pids[@]}"
wait 2>/dev/null
pids=()
same "read-only users" "$work/a.img" "$sum_a"

# -snapshot: the guest's writes stay out of the image.
check 1 "^SRST: status 50" -kernel "$guest" -nographic "${exit_dev[@]}" \
	-hda "$work/a.img" -snapshot
same "-snapshot" "$work/a.img" "$sum_a"
# Without it they reach the file: sector 100 now holds the pattern ^ 0x5a.
check 1 "^SRST: status 50" -kernel "$guest" -nographic "${exit_dev[@]}" \
	-drive "file=$work/a.img,format=raw,index=0"
want=
for b in $(od -An -tx1 -j $((100 * 512)) -N4 "$disk"); do
	want+=$(printf ' %02x' $((0x$b ^ 0x5a)))
done
got=$(od -An -tx1 -j $((100 * 512)) -N4 "$work/a.img" | tr -s ' ' | sed 's/ *$//')
if [ "$got" = "$want" ]; then
	echo "ok: the guest's PIO write reached the image (sector 100:$got)"
else
	echo "FAIL: sector 100 of the written image is '$got', want '$want'"
	fail=1
fi
if cmp -s "$disk" "$work/a.img"; then
	echo "FAIL: the image did not change without -snapshot"
	fail=1
fi
exit $fail
