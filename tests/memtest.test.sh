#!/usr/bin/env bash
# memtest.test.sh - a real guest no one here wrote: Debian's memtest86+
# (memtest86+ia32.bin, a bzImage whose file is 8 bytes shorter than its
# setup header's syssize says) booted with -kernel, its screen on the serial
# port (console=ttyS0,115200).  It must reach its first test screen: the
# header with the CPU bt86 describes and "#0  [Address test, walking ones",
# what qemu-system-i386 -kernel shows with the same command line.  Then it
# boots from a GRUB CD through SeaBIOS and must complete its first pass.
#
# The package comes with `apt-get download memtest86+` into
# ${BT86_CACHE:-~/.cache/bt86}/memtest, as tests/boot/fetch.sh fetches the
# kernel.  Exit 77 ("skipped: reason") when it cannot be had.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
MEMTEST_TIMEOUT=${MEMTEST_TIMEOUT:-600}
cache=${BT86_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bt86}/memtest

skip() {
	echo "skipped: $*"
	exit 77
}
[ -n "${RUN_WRAPPER:-}" ] && skip "a cross build under qemu-user; the native make check runs memtest86+"
command -v apt-get >/dev/null || skip "apt-get not found (memtest86+ is fetched with it)"
command -v dpkg-deb >/dev/null || skip "dpkg-deb not installed"
mkdir -p "$cache" || skip "cannot create the cache $cache"

# The i386 package, as for the kernel (the i386 architecture is in dpkg);
# the amd64 one holds the same memtest86+ia32.bin.
deb=
for pkg in memtest86+:i386 memtest86+; do
	ver=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || continue
	deb=$(ls "$cache"/memtest86+_"${ver//:/%3a}"_*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		(cd "$cache" && apt-get download "$pkg" >/dev/null 2>&1) || continue
		deb=$(ls "$cache"/memtest86+_"${ver//:/%3a}"_*.deb 2>/dev/null | head -n 1)
	fi
	[ -n "$deb" ] && break
done
[ -n "$deb" ] || skip "apt-get download memtest86+ failed (apt knows no memtest86+, or no network)"

work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/x" || { echo "FAIL: dpkg-deb -x $deb"; exit 1; }
bin=$work/x/boot/memtest86+ia32.bin
[ -f "$bin" ] || { echo "FAIL: $(basename "$deb") has no boot/memtest86+ia32.bin"; exit 1; }
echo "memtest86+: $(basename "$deb"), memtest86+ia32.bin $(stat -c %s "$bin") bytes"

screen() { tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]/\n/g'; }
# run_until WHAT PATTERN BT86-ARGS...: memtest86+'s serial screen in $log
# until PATTERN (grep -E) shows there; then bt86 is stopped.
run_until() {
	local what=$1 pattern=$2 ok=0
	shift 2
	"$BT86" "$@" -nographic -no-reboot </dev/null >"$log" 2>&1 &
	pid=$!
	start=$(date +%s)
	while [ $(($(date +%s) - start)) -lt "$MEMTEST_TIMEOUT" ]; do
		if screen | grep -q -E -- "$pattern"; then
			ok=1
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
	if [ $ok != 1 ]; then
		echo "FAIL: no $what within ${MEMTEST_TIMEOUT}s; the serial output:"
		screen | grep -v '^[[:space:]]*$' | tail -n 30
		exit 1
	fi
}

log=$work/serial.log
run_until "first test screen (#0 Address test)" '#0  \[Address test, walking ones' \
	-kernel "$bin" -append "console=ttyS0,115200" -m 256
fail=0
for want in 'Memtest86+ v' 'bt86 virtual i686 CPU' 'Status: Testing'; do
	if ! screen | grep -q -F -- "$want"; then
		echo "FAIL: the first screen lacks '$want'"
		fail=1
	fi
done
[ $fail = 0 ] && echo "ok: memtest86+ reached test #0 after $(($(date +%s) - start)) s: $(screen | grep -o -m 1 -F '#0  [Address test, walking ones, no cache]')"
[ $fail = 0 ] || exit 1

# Then the PC way, a whole pass: SeaBIOS from the reset vector, El Torito,
# GRUB's linux16 (as Debian's /etc/grub.d/20_memtest86+ boots it), and every
# test of the first pass to "Pass: 1  Errors: 0", the bit fade test's two
# 80 s sleeps included.  Those are TSC loops, so -icount shift=10 (1 us per
# instruction, as a QEMU user would pass) gets through them in seconds.
# A sanitizer build is about ten times slower: the in-tree check does the pass.
if [ -n "${BT86_SKIP_BOOT:-}" ]; then
	echo "skipped: the pass through firmware: $BT86_SKIP_BOOT"
	exit 0
fi
fwdir=$(sed -n 's/^#define BT86_FIRMWARE_DIR "\(.*\)"$/\1/p' config.h 2>/dev/null)
if [ ! -f "$fwdir/bios-256k.bin" ]; then
	echo "skipped: the pass through firmware: no SeaBIOS in ${fwdir:-?} (install seabios)"
	exit 0
fi
for tool in grub-mkrescue xorriso mformat; do
	command -v $tool >/dev/null || { echo "skipped: the pass through firmware: $tool not installed"; exit 0; }
done
mkdir -p "$work/iso/boot/grub"
cp "$bin" "$work/iso/boot/"
cat >"$work/iso/boot/grub/grub.cfg" <<'CFG'
set timeout=0
menuentry "memtest86+ through SeaBIOS" {
	linux16 /boot/memtest86+ia32.bin console=ttyS0,115200
}
CFG
grub-mkrescue -o "$work/memtest.iso" "$work/iso" >"$work/mkrescue.log" 2>&1 ||
	{ echo "FAIL: grub-mkrescue:"; cat "$work/mkrescue.log"; exit 1; }
log=$work/pass.log
run_until "complete pass through firmware" 'Pass: +1 +Errors: 0' \
	-cdrom "$work/memtest.iso" -m 16 -icount shift=10
for t in '#0 ' '#9 ' '#10 \[Bit fade test'; do
	screen | grep -q -E -- "$t" || { echo "FAIL: the pass never showed test '$t'"; exit 1; }
done
screen | grep -q -F 'Errors: 0' && ! screen | grep -q -E 'Errors: +[1-9]' ||
	{ echo "FAIL: memtest86+ found errors:"; screen | grep -E 'Errors: +[1-9]' | head -3; exit 1; }
echo "ok: memtest86+ through SeaBIOS and GRUB completed a pass (tests #0 to #10), no errors, after $(($(date +%s) - start)) s"
