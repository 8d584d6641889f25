#!/usr/bin/env bash
# wx.test.sh - W^X while generated code runs, and code perf can name.
#
# While the x86_64 backend runs a guest (matmul, long enough to look at
# it, with -perfmap), bt86's /proc/PID/maps must show:
#   - no mapping both writable and executable, although the backend
#     patches the jumps of code it wrote earlier (it writes through a
#     second, writable mapping of the code cache);
#   - each block -perfmap names inside a mapping that is executable and
#     that perf(1) takes for anonymous memory (no name, "[anon...",
#     "//anon" or "/dev/zero"), for otherwise perf looks for symbols in a
#     file and ignores /tmp/perf-PID.map.
# Then the same W^X check with the interpreter, whose code cache is data.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
if [ -n "${RUN_WRAPPER:-}" ]; then
	echo "skipped: a cross build: the maps would be the emulator's that runs bt86"
	exit 77
fi
if [ ! -r /proc/self/maps ]; then
	echo "skipped: no /proc/self/maps to look at"
	exit 77
fi
elf=bench/progs/matmul.elf
fail=0
work=$(mktemp -d "${TMPDIR:-/tmp}/wx.XXXXXX")
trap 'rm -rf "$work"' EXIT

# look BACKEND [OPTIONS...]: runs matmul for long, copies its maps (and
# its perf map, with -perfmap) into $work once blocks have run, kills it.
look() {
	local be=$1 pid i
	shift
	"$BT86" -backend "$be" -kernel "$elf" -append n=100000000 -nographic \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" > /dev/null 2>&1 < /dev/null &
	pid=$!
	# matmul's loop is translated within a second even at high load
	for ((i = 0; i < 100; i++)); do
		sleep 0.1
		[ -f "/tmp/perf-$pid.map" ] && [ "$(grep -c . "/tmp/perf-$pid.map")" -ge 20 ] && break
		[ $# -eq 0 ] && [ $i -ge 10 ] && break
	done
	cp "/proc/$pid/maps" "$work/maps-$be" 2> /dev/null
	kill "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	if [ -f "/tmp/perf-$pid.map" ]; then
		mv "/tmp/perf-$pid.map" "$work/perf-$be"
	fi
	if [ ! -s "$work/maps-$be" ]; then
		echo "FAIL: -backend $be: bt86 (pid $pid) ended before its maps were read"
		fail=1
		return 1
	fi
}

check_wx() { # BACKEND
	local bad
	bad=$(awk '$2 ~ /w/ && $2 ~ /x/' "$work/maps-$1")
	if [ -n "$bad" ]; then
		echo "FAIL: -backend $1: mappings both writable and executable:"
		echo "$bad"
		fail=1
	else
		echo "ok: -backend $1: no mapping is both writable and executable"
	fi
}

if "$BT86" -backend help 2> /dev/null | grep -q '^x86_64 '; then
	if look x86_64 -perfmap; then
		check_wx x86_64
		n=0 bad=0
		while read -r start size name; do
			n=$((n + 1))
			addr=$((16#$start)) hit=
			while read -r range perms _ _ _ mname; do
				if [ "$addr" -ge $((16#${range%-*})) ] && [ "$addr" -lt $((16#${range#*-})) ]; then
					hit="$perms $mname"
					break
				fi
			done < "$work/maps-x86_64"
			case "$hit" in
			"r-x"?" "|"r-x"?" /dev/zero"*|"r-x"?" [anon"*|"r-x"?" //anon"*) ;;
			*)
				[ $bad -lt 3 ] && echo "FAIL: $name at 0x$start is in a mapping perf would not read the map for: '${hit:-none}'"
				bad=$((bad + 1)) ;;
			esac
		done < "$work/perf-x86_64"
		if [ $n -eq 0 ]; then
			echo "FAIL: -perfmap named no block while matmul ran"
			fail=1
		elif [ $bad -gt 0 ]; then
			fail=1
		else
			echo "ok: the $n blocks -perfmap names are in executable anonymous memory"
		fi
	fi
else
	echo "note: no x86_64 backend in this bt86: W^X checked with the interpreter only"
fi
if look interp; then
	check_wx interp
fi
exit $fail
