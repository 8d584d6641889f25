#!/bin/bash
# guest-test.sh - run one test guest and check its serial output and exit status.
#
# usage: guest-test.sh [-q] [-o OUT] EMULATOR GUESTSRCDIR BUILDDIR
#
#   EMULATOR     path of bt86, or of qemu-system-i386 when -q is given
#   GUESTSRCDIR  $SRCDIR/guests/NAME: holds expected.out and optionally
#                cmdline (the -append string), expected.status (default 1),
#                options (extra options for both emulators, e.g. a disk image
#                the build made: -hda guests/NAME/disk.img -snapshot) and
#                qemu-options (for QEMU only), requires ("slirp": skipped, status
#                77, on a bt86 built without libslirp); a file "firmware" makes it a
#                ROM, guests/NAME/NAME.bin, run with -bios instead of -kernel
#                (skipped when it was not built: no nasm); a file "reboots",
#                a guest that resets the PC on purpose: QEMU without -no-reboot
#   BUILDDIR     the build dir holding guests/NAME/NAME.elf
#   -q           QEMU mode: add -no-reboot -m 128 and drop the firmware's
#                console output (SeaBIOS prints to COM1 up to "Booting from ROM..")
#   -o OUT       also save the guest's output (after that filtering) to OUT
#
# The guest runs from BUILDDIR as guests/NAME/NAME.elf, like the documented
# command, because a multiboot loader puts the kernel path in front of the
# command line, so the guest sees "guests/NAME/NAME.elf CMDLINE".
#
# Exit status: 0 pass, 1 fail (a diff and the statuses are printed), 2 usage.

set -u

qemu=0
save=
while getopts qo: opt; do
	case $opt in
	q) qemu=1 ;;
	o) save=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 3 ]; then
	echo "usage: $0 [-q] [-o OUT] EMULATOR GUESTSRCDIR BUILDDIR" >&2
	exit 2
fi
emu=$1 gdir=${2%/} builddir=$3
name=$(basename "$gdir")
elf=guests/$name/$name.elf
timeout_s=${GUEST_TIMEOUT:-30}

if [ -f "$gdir/firmware" ]; then
	elf=guests/$name/$name.bin
	if [ ! -f "$builddir/$elf" ] && ! grep -q '^NASM = .' "$builddir/config.mk" 2>/dev/null; then
		echo "skipped: $elf is a nasm program, and configure found no nasm"
		exit 77
	fi
fi
if [ ! -f "$builddir/$elf" ]; then
	echo "$builddir/$elf not built (run make)"
	exit 1
fi

if [ -f "$gdir/firmware" ]; then
	args=(-bios "$elf")
else
	args=(-kernel "$elf")
fi
[ -f "$gdir/cmdline" ] && args+=(-append "$(cat "$gdir/cmdline")")
args+=(-nographic -device "isa-debug-exit,iobase=0xf4,iosize=0x04")
# Extra options a guest needs (e.g. -no-reboot), one line, split on spaces.
[ -f "$gdir/options" ] && read -r -a extra < "$gdir/options" && args+=("${extra[@]}")
# QEMU only: what makes its CPU the one bt86 is for this guest (e.g. -cpu ...,+nx),
# or keeps QEMU's timing independent of the host's load (-icount for a guest
# whose interrupt storm can livelock QEMU on a busy host: guests/escape).
[ $qemu = 1 ] && [ -f "$gdir/qemu-options" ] && read -r -a qextra < "$gdir/qemu-options" &&
	args+=("${qextra[@]}")
[ $qemu = 1 ] && [ ! -f "$gdir/reboots" ] && args+=(-no-reboot)
[ $qemu = 1 ] && args+=(-m 128)

# A guest that needs a part of bt86 the build may leave out ("requires":
# slirp, the user network) is skipped on a bt86 built without it.
if [ $qemu = 0 ] && grep -qx slirp "$gdir/requires" 2>/dev/null &&
	! grep -q '^CONFIG_SLIRP = y' "$builddir/config.mk" 2>/dev/null; then
	echo "skipped: bt86 was built without libslirp (no -netdev user; install libslirp-dev)"
	exit 77
fi

want_status=1
[ -f "$gdir/expected.status" ] && want_status=$(tr -d ' \n' < "$gdir/expected.status")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/guest-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

(cd "$builddir" && exec timeout "$timeout_s" "$emu" "${args[@]}") \
	< /dev/null > "$tmp/raw" 2> "$tmp/err"
status=$?

if [ $qemu = 1 ]; then
	# Keep only what follows SeaBIOS's last message.
	marker='Booting from ROM..'
	off=$(grep -abo -F "$marker" "$tmp/raw" | tail -n 1 | cut -d: -f1)
	if [ -n "$off" ]; then
		# Under load SeaBIOS may print more progress dots after the marker,
		# with or without a line break or a carriage return: drop them (no
		# guest output starts with a dot or a CR), and the line too if
		# nothing else was on it.
		tail -c +$((off + ${#marker} + 1)) "$tmp/raw" |
			awk 'NR == 1 { if (sub(/^[.\r]+/, "") && $0 == "") next } { print }' > "$tmp/out"
	else
		cp "$tmp/raw" "$tmp/out"
	fi
else
	cp "$tmp/raw" "$tmp/out"
fi
[ -n "$save" ] && cp "$tmp/out" "$save"

ok=1
if ! cmp -s "$gdir/expected.out" "$tmp/out"; then
	ok=0
	echo "  output differs from $gdir/expected.out:"
	diff -u --label expected.out --label actual "$gdir/expected.out" "$tmp/out" |
		head -n 40 | sed 's/^/  /'
fi
if [ "$status" != "$want_status" ]; then
	ok=0
	if [ "$status" = 124 ]; then
		echo "  timed out after ${timeout_s}s (expected status $want_status)"
	else
		echo "  exit status $status, expected $want_status"
	fi
fi
if [ $ok = 0 ]; then
	printf -v cmd '%q ' "$emu" "${args[@]}"
	echo "  command: (cd $builddir && $cmd)"
	if [ -s "$tmp/err" ]; then
		echo "  stderr:"
		head -n 20 "$tmp/err" | sed 's/^/  /'
	fi
	exit 1
fi
exit 0
