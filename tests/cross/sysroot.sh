#!/bin/bash
# sysroot.sh DEBARCH DIR - unpack Debian's Capstone and libelf (with what
# they link against) for DEBARCH (e.g. arm64) into DIR, for a cross build
# of bt86 (configure --cross-sysroot=DIR).
#
# The packages are fetched with "apt-get download" and unpacked with
# dpkg-deb, not installed: multiarch installs demand the same version of
# every shared package on both architectures, which a mirror in mid-sync
# does not always offer.  Needs root once, to add DEBARCH to dpkg's
# architectures and fetch its package lists (for arm64, configure
# --install-deps has done that already).
set -eu

arch=${1:?usage: sysroot.sh DEBARCH DIR}
dir=${2:?usage: sysroot.sh DEBARCH DIR}
pkgs="libcapstone-dev libcapstone4 libelf-dev libelf1 zlib1g libzstd1"

stamp=$dir/.bt86-sysroot
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ]; then
	exit 0
fi

if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
	if [ "$(id -u)" != 0 ]; then
		echo "sysroot.sh: dpkg does not know architecture $arch; as root run:" >&2
		echo "  dpkg --add-architecture $arch && apt-get update" >&2
		echo "(./configure --install-deps does it for arm64)" >&2
		exit 1
	fi
	dpkg --add-architecture "$arch"
	# A mirror in mid-sync may fail one index; the others still serve.
	apt-get update -qq || echo "sysroot.sh: warning: apt-get update reported errors" >&2
fi

debs=$(mktemp -d "${TMPDIR:-/tmp}/bt86-sysroot.XXXXXX")
trap 'rm -rf "$debs"' EXIT
# apt's sandbox user must be able to write where it downloads.
chmod 777 "$debs"
list=
for p in $pkgs; do
	list="$list $p:$arch"
done
# shellcheck disable=SC2086
if ! (cd "$debs" && apt-get download -qq $list); then
	echo "sysroot.sh: could not download$list" >&2
	exit 1
fi
rm -rf "$dir"
mkdir -p "$dir"
for d in "$debs"/*.deb; do
	dpkg-deb -x "$d" "$dir"
done
echo "$pkgs" > "$stamp"
echo "sysroot.sh: $arch libraries unpacked in $dir"
