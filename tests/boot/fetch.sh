#!/usr/bin/env bash
# fetch.sh - Debian 12's i386 kernel and a busybox initramfs, for the boot
# test and the boot benchmark.  Usage: fetch.sh OUTDIR
#
# The packages come from Debian with `apt-get download` (linux-image-686 names
# the versioned kernel package; busybox-static:i386) into a cache outside the
# tree, ${BT86_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bt86}/boot, and are
# fetched again only when apt knows a newer version.  Writes OUTDIR/vmlinuz,
# OUTDIR/initrd.img and OUTDIR/payload (a file of known content, also in the
# initramfs as /payload).  Exit status 77 (with "skipped: reason" on stdout)
# when the packages cannot be had; 1 on other errors.
set -eu -o pipefail

out=${1:?usage: fetch.sh OUTDIR}
cache=${BT86_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bt86}/boot
mkdir -p "$out" "$cache"

skip() {
	echo "skipped: $*"
	exit 77
}

command -v apt-get >/dev/null || skip "apt-get not found (Debian's i386 kernel is fetched with it)"
for tool in dpkg-deb cpio gzip; do
	command -v $tool >/dev/null || skip "$tool not installed (./configure --install-deps)"
done

# The kernel package the linux-image-686 metapackage depends on today.
kpkg=$(apt-cache depends linux-image-686:i386 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-6\.1\.[^:]*-686\)\(:i386\)\{0,1\}$/\1/p' | head -n 1)
[ -n "$kpkg" ] || skip "apt knows no linux-image-686:i386 (as root: dpkg --add-architecture i386 && apt-get update; or ./configure --install-deps)"

fetch() { # package: the cached .deb's path on stdout
	local pkg=$1 ver deb
	ver=$(apt-cache policy "$pkg:i386" | sed -n 's/^ *Candidate: //p')
	deb=$(ls "$cache/${pkg}_"*"_i386.deb" 2>/dev/null | grep -F -- "_${ver//:/%3a}_" | head -n 1 || true)
	if [ -z "$deb" ]; then
		(cd "$cache" && apt-get download "$pkg:i386" >&2) || return 1
		deb=$(ls "$cache/${pkg}_"*"_i386.deb" | grep -F -- "_${ver//:/%3a}_" | head -n 1)
	fi
	echo "$deb"
}
kdeb=$(fetch "$kpkg") || skip "apt-get download $kpkg:i386 failed"
bdeb=$(fetch busybox-static) || skip "apt-get download busybox-static:i386 failed"

x=$out/extract
rm -rf "$x"
mkdir -p "$x/k" "$x/bb"
dpkg-deb -x "$kdeb" "$x/k"
dpkg-deb -x "$bdeb" "$x/bb"
cp "$x/k"/boot/vmlinuz-* "$out/vmlinuz"

# The initramfs: busybox, an /init that mounts the pseudo file systems and
# gives a shell on ttyS0 and one on the VGA console (tty1), and a payload
# whose checksum the test knows.
root=$out/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc,root}
cp "$x/bb/bin/busybox" "$root/bin/busybox"
seq 1 20000 | sed 's/$/ bt86 boot test payload line/' > "$out/payload"
cp "$out/payload" "$root/payload"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
export PATH=/bin:/sbin HOME=/root PS1='bt86-linux# '
# On both consoles, whichever of them /dev/console is.
up="init: up after $(cut -d' ' -f1 /proc/uptime) s"
echo "$up" >/dev/ttyS0
echo "$up" >/dev/tty1
cd /root
# One shell per console: ttyS0, and the VGA console (tty1) for the keyboard
# (the test types there).  Each opens its tty as a new session's leader, which
# makes it the controlling tty; cttyhack would not do: it opens the console
# the kernel names (/dev/tty0 under console=tty0), not the tty it is given,
# and two shells on tty1 split the keys between them.
(while true; do
	PS1='bt86-vga# ' setsid sh -c 'exec sh -i </dev/tty1 >/dev/tty1 2>&1'
done) &
while true; do
	setsid sh -c 'exec sh -i </dev/ttyS0 >/dev/ttyS0 2>&1'
done
INIT
chmod 755 "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 > "$out/initrd.img"
rm -rf "$x" "$root"
echo "kernel: $kpkg ($(basename "$kdeb")), busybox: $(basename "$bdeb")"
