#!/usr/bin/env bash
# perfmap.test.sh - -perfmap names every block the x86_64 backend generates
# in /tmp/perf-PID.map, the file perf(1) reads for code without symbols
# ("START SIZE NAME" in hex, as QEMU's -perfmap writes it): the hello guest's
# entry block must be there, at a size that is not zero, and without
# -perfmap no file is written.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
if ! "$BT86" -backend help 2> /dev/null | grep -q '^x86_64 '; then
	echo "skipped: this bt86 has no x86_64 backend, the one that writes a perf map"
	exit 77
fi
hello=guests/hello/hello.elf
entry=$(od -An -tx4 -j24 -N4 "$hello" | tr -d ' ')
fail=0
run() { # OPTIONS...: runs hello in the background; its map's path on stdout
	"$BT86" -kernel "$hello" -nographic -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-backend x86_64 "$@" > /dev/null 2>&1 < /dev/null &
	local pid=$!
	wait $pid
	echo "/tmp/perf-$pid.map"
}
map=$(run -perfmap)
if [ ! -s "$map" ]; then
	echo "FAIL: -perfmap wrote no $map"
	fail=1
elif bad=$(grep -v -E '^[0-9a-f]+ [0-9a-f]*[1-9a-f][0-9a-f]* guest_[0-9a-f]{8}$' "$map" | head -n 3) && [ -n "$bad" ]; then
	echo "FAIL: lines of $map that are not 'START SIZE guest_EIP':"
	echo "$bad"
	fail=1
elif ! grep -q " guest_$entry\$" "$map"; then
	echo "FAIL: no block at the guest's entry point 0x$entry in $map"
	fail=1
else
	echo "ok: -perfmap: $(wc -l < "$map") blocks in $map, the entry 0x$entry among them"
fi
rm -f "$map"
map=$(run)
if [ -e "$map" ]; then
	echo "FAIL: $map written without -perfmap"
	rm -f "$map"
	fail=1
else
	echo "ok: no perf map without -perfmap"
fi
exit $fail
