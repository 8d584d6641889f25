# native-twin.sh - sourced by the *-native.test.sh scripts: runs a guest
# (guests/NAME/NAME.elf) under bt86 and its native twin
# (guests/NAME/NAME-native, the same core as a Linux program) on this x86
# host's real CPU, leaving their outputs for the script to compare.
#
#   twin_run NAME   sets tmp (a directory removed at exit) with tmp/native
#                   and tmp/bt86, and status (bt86's exit status); exits 77
#                   where there is no twin to compare with, 1 when something
#                   is not built or the twin fails.
#
# Environment (from run-tests.sh): BT86, BUILDDIR.

twin_run() {
	local name=$1
	local native=guests/$name/$name-native elf=guests/$name/$name.elf
	BUILDDIR=${BUILDDIR:-.}
	BT86=${BT86:-$BUILDDIR/bt86}
	cd "$BUILDDIR" || exit 1

	case $(uname -m) in
	x86_64 | i?86) ;;
	*)
		echo "host $(uname -m) is not x86: no native twin to compare with"
		exit 77
		;;
	esac
	if [ ! -x "$native" ]; then
		echo "$BUILDDIR/$native not built (HOST_ARCH in config.mk not x86?)"
		exit 77
	fi
	if [ ! -f "$elf" ]; then
		echo "$BUILDDIR/$elf not built (run make)"
		exit 1
	fi
	if [ ! -x "$BT86" ]; then
		echo "$BT86 is missing or not executable (build it first)"
		exit 1
	fi

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT

	# bash's own exec: where the kernel refuses a 32-bit program (x86-64
	# without IA32_EMULATION, or booted with ia32_emulation=off) it fails
	# with 126, where timeout's execvp would hand the ELF to /bin/sh.
	timeout 60 bash -c 'exec "$0"' "./$native" > "$tmp/native" 2> "$tmp/native.err"
	local st=$?
	if [ $st = 126 ] && grep -q 'Exec format error\|cannot execute binary' "$tmp/native.err"; then
		echo "skipped: this kernel cannot run the i386 twin: $(head -n 1 "$tmp/native.err")"
		exit 77
	fi
	if [ $st != 0 ]; then
		echo "the native twin failed:"
		head -n 20 "$tmp/native.err"
		exit 1
	fi

	timeout "${GUEST_TIMEOUT:-60}" "$BT86" -kernel "$elf" -nographic \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		< /dev/null > "$tmp/bt86" 2> "$tmp/bt86.err"
	status=$?
}
