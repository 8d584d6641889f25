# linux-test.sh - sourced by the tests that boot Debian's kernel with an
# initramfs of their own (ide-linux, virtio-linux, net-linux): the runs that
# leave Linux boots to the native check skip, the kernel and busybox
# packages come from tests/boot/fetch.sh's cache, and the initramfs tree is
# started.  Not a test itself (no .test.sh): the runner does not run it.
#
#   linux_test_start NAME   skips (exit 77) under qemu-user or BT86_SKIP_BOOT;
#                           sets work ($BUILDDIR/tests/NAME-work, emptied),
#                           x (the packages unpacked: $x/k the kernel's),
#                           root (the initramfs: busybox, bin dev proc sys
#                           tmp mnt lib), kdeb (the kernel package)
#   linux_test_modules M... copies each module M.ko of the kernel package to
#                           $root/lib, in the order given (load order)
# The caller sets here, BUILDDIR and BT86 first.

linux_test_start() {
	if [ -n "${RUN_WRAPPER:-}" ]; then
		echo "skipped: a cross build under qemu-user; the native make check boots Linux"
		exit 77
	fi
	if [ -n "${BT86_SKIP_BOOT:-}" ]; then
		echo "skipped: $BT86_SKIP_BOOT"
		exit 77
	fi
	work=$BUILDDIR/tests/$1-work
	rm -rf "$work"
	mkdir -p "$work"
	local st
	"$here/boot/fetch.sh" "$work/boot" > "$work/fetch.log" 2>&1
	st=$?
	if [ $st = 77 ]; then
		grep '^skipped:' "$work/fetch.log"
		exit 77
	elif [ $st != 0 ]; then
		echo "FAIL: fetching the kernel:"
		cat "$work/fetch.log"
		exit 1
	fi
	local cache f bdeb
	cache=${BT86_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bt86}/boot
	kdeb=$cache/$(sed -n 's/^kernel: [^ ]* (\(.*\)), busybox: .*/\1/p' "$work/fetch.log")
	bdeb=$cache/$(sed -n 's/.*, busybox: //p' "$work/fetch.log")
	for f in "$kdeb" "$bdeb"; do
		if [ ! -f "$f" ]; then
			echo "FAIL: $f: not in the cache fetch.sh filled"
			exit 1
		fi
	done
	x=$work/x root=$work/root
	mkdir -p "$x/k" "$x/bb" "$root"/{bin,dev,proc,sys,tmp,mnt,lib}
	dpkg-deb -x "$kdeb" "$x/k"
	dpkg-deb -x "$bdeb" "$x/bb"
	cp "$x/bb/bin/busybox" "$root/bin/"
}

linux_test_modules() {
	local m f
	for m in "$@"; do
		f=$(find "$x/k/lib/modules" -name "$m.ko" | head -n 1)
		if [ -z "$f" ]; then
			echo "FAIL: $m.ko is not in $(basename "$kdeb")"
			exit 1
		fi
		cp "$f" "$root/lib/"
	done
}
