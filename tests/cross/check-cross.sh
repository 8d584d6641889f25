#!/bin/bash
# check-cross.sh - "make check-cross": build bt86 for aarch64 (the portable
# backend, no SDL) in $BUILDDIR/build-aarch64 and run its whole "make check"
# there under qemu-aarch64-static: unit tests, guest tests with the expected
# outputs recorded on x86, and the shell tests.
#
# Environment: SRCDIR, BUILDDIR (from make); BT86_CACHE (default
# ~/.cache/bt86) holds the unpacked aarch64 libraries.
set -eu

triple=aarch64-linux-gnu
SRCDIR=$(cd "${SRCDIR:-.}" && pwd)
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
cache=${BT86_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bt86}

for tool in "$triple-gcc" qemu-aarch64-static dpkg-deb apt-get; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "check-cross: $tool is missing: run ./configure --install-deps (it installs gcc-aarch64-linux-gnu and qemu-user-static)" >&2
		exit 1
	fi
done

"$SRCDIR/tests/cross/sysroot.sh" arm64 "$cache/sysroot-arm64"

out=$BUILDDIR/build-aarch64
mkdir -p "$out"
cd "$out"
"$SRCDIR/configure" --cross="$triple" --cross-sysroot="$cache/sysroot-arm64"
make -j2
# e_machine 183 is EM_AARCH64.
[ "$(od -An -tu2 -j18 -N2 bt86 | tr -d " ")" = 183 ] || {
	echo "check-cross: $out/bt86 is not an aarch64 program" >&2
	exit 1
}
make check
