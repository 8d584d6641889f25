#!/bin/bash
# check-cross.sh - "make check-cross": build bt86 for aarch64 (the portable
# backend, no SDL) with clang --target=aarch64-linux-gnu in
# $BUILDDIR/build-aarch64 and run its whole "make check" there under
# qemu-aarch64-static: unit tests, guest tests with the expected outputs
# recorded on x86, and the shell tests.
#
# Environment: SRCDIR, BUILDDIR (from make); BT86_CACHE (default
# ~/.cache/bt86) holds the unpacked aarch64 libraries.
set -eu

triple=aarch64-linux-gnu
SRCDIR=$(cd "${SRCDIR:-.}" && pwd)
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
cache=${BT86_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bt86}

# clang, not aarch64-linux-gnu-gcc: Debian's gcc-aarch64-linux-gnu conflicts
# with gcc-multilib, which the 32-bit guests need. Each check names the
# package that ./configure --install-deps installs for it.
missing=
need() {	# need PACKAGE WHAT-IS-MISSING
	missing="$missing
  $1  ($2)"
	pkgs="${pkgs:+$pkgs }$1"
}
command -v clang >/dev/null 2>&1 || need clang "clang"
command -v "$triple-ld" >/dev/null 2>&1 || need binutils-$triple "$triple-ld"
[ -f /usr/$triple/lib/Scrt1.o ] || need libc6-dev-arm64-cross "/usr/$triple/lib/Scrt1.o"
compgen -G "/usr/lib/gcc-cross/$triple/*/crtbeginS.o" >/dev/null ||
	need libgcc-12-dev-arm64-cross "/usr/lib/gcc-cross/$triple/*/crtbeginS.o"
command -v qemu-aarch64-static >/dev/null 2>&1 || need qemu-user-static "qemu-aarch64-static"
command -v dpkg-deb >/dev/null 2>&1 || need dpkg "dpkg-deb"
command -v apt-get >/dev/null 2>&1 || need apt "apt-get"
if [ -n "$missing" ]; then
	echo "check-cross: missing:$missing" >&2
	echo "check-cross: run ./configure --install-deps, or apt-get install --no-install-recommends $pkgs" >&2
	exit 1
fi

"$SRCDIR/tests/cross/sysroot.sh" arm64 "$cache/sysroot-arm64"

out=$BUILDDIR/build-aarch64
mkdir -p "$out"
cd "$out"
"$SRCDIR/configure" --cross="$triple" --cc="clang --target=$triple" --cross-sysroot="$cache/sysroot-arm64"
make -j2
# e_machine 183 is EM_AARCH64.
[ "$(od -An -tu2 -j18 -N2 bt86 | tr -d " ")" = 183 ] || {
	echo "check-cross: $out/bt86 is not an aarch64 program" >&2
	exit 1
}
make check
