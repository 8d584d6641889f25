#!/usr/bin/env bash
# display.test.sh - what a guest writes into VGA text memory is what the
# screen shows: guests/vgatext writes text at known places and exits;
# bt86 -screendump saves the screen; tests/screentext reads the text back
# from the image, which must be guests/vgatext/expected.txt.  The same
# guest on QEMU (its monitor's screendump) proves expected.txt, and the
# SDL window is exercised once under Xvfb when xvfb-run is installed.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null' EXIT
want=$SRCDIR/guests/vgatext/expected.txt
fail=0

check_text() { # NAME PPM
	if ! ${RUN_WRAPPER:-} tests/screentext "$2" > "$work/$1.txt"; then
		echo "$1: screentext could not read $2"
		fail=1
	elif ! diff -u "$want" "$work/$1.txt"; then
		echo "$1: the screen does not show what the guest wrote"
		fail=1
	else
		echo "$1: screen text as written"
	fi
}

# 1. Headless.
timeout 30 "$BT86" -kernel guests/vgatext/vgatext.elf -nographic \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -screendump "$work/bt86.ppm" \
	< /dev/null > "$work/out" 2> "$work/err"
st=$?
cat "$work/err"
[ $st = 1 ] || { echo "bt86: exit status $st, expected 1"; fail=1; }
head -c 15 "$work/bt86.ppm" | head -2 | tr '\n' ' '; echo
check_text bt86 "$work/bt86.ppm"

# 2. QEMU's screen for the same guest, through its monitor.
if command -v qemu-system-i386 > /dev/null; then
	mkfifo "$work/mon"
	qemu-system-i386 -kernel guests/vgatext/vgatext.elf -append wait -display none \
		-serial "file:$work/qemu.serial" -monitor stdio -no-reboot < "$work/mon" \
		> "$work/qemu.mon" 2>&1 &
	qpid=$!
	exec 3> "$work/mon"
	for _ in $(seq 300); do
		grep -q 'vgatext: done' "$work/qemu.serial" 2> /dev/null && break
		sleep 0.1
	done
	sleep 0.5 # let QEMU's display refresh once after the last write
	echo "screendump $work/qemu.ppm" >&3
	sleep 1
	echo quit >&3
	exec 3>&-
	wait "$qpid"
	qpid=
	if [ -s "$work/qemu.ppm" ]; then
		check_text qemu "$work/qemu.ppm"
	else
		echo "qemu: no screendump"; cat "$work/qemu.mon"; fail=1
	fi
else
	echo "skipped the QEMU cross-check: qemu-system-i386 is not installed"
fi

# 3. The SDL window, under a virtual X server.
if command -v xvfb-run > /dev/null && grep -q '^CONFIG_SDL = y' config.mk 2> /dev/null; then
	# Under ASan, SDL's D-Bus and X11 libraries leak at exit, partly from
	# modules unloaded before LeakSanitizer looks, so no suppression can
	# name them: leak checking is off for this one run (ASan stays on).
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}detect_leaks=0" \
	timeout 60 xvfb-run -a "$BT86" -kernel guests/vgatext/vgatext.elf -display sdl \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -screendump "$work/sdl.ppm" \
		< /dev/null > "$work/sdl.out" 2> "$work/sdl.err"
	st=$?
	if grep -q headless "$work/sdl.err" || [ $st != 1 ]; then
		echo "sdl: no window under Xvfb (status $st):"; cat "$work/sdl.err"; fail=1
	else
		echo "sdl: window opened under Xvfb"
		check_text sdl "$work/sdl.ppm"
	fi
else
	echo "skipped the SDL window check: xvfb-run or SDL2 missing (configure --install-deps)"
fi
[ $fail = 0 ] || exit 1
exit 0
