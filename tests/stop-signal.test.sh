#!/usr/bin/env bash
# stop-signal.test.sh - a signal stops bt86 cleanly, even when it comes
# twice at once, as timeout(1) sends it (to the command, then to its
# process group): the -screendump file is written and bt86 exits with the
# status it gives for a stop by signal, not killed by the second one.
# Ten rounds with two SIGTERMs back to back, each with a guest that runs
# (matmul) and one that has halted (bootsect's boot sector, after its
# last line); then the same through timeout(1) itself.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
if [ -n "${RUN_WRAPPER:-}" ]; then
	echo "skipped: a cross build: the signals would go to the wrapper, not to bt86"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/stopsig.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0 bad=0 n=0

# caught PID: until PID catches SIGTERM (its handler is set: SigCgt has bit
# 15-1), up to 60 s, so that a slow start (a sanitizer build, a loaded
# machine) is not taken for a lost stop.
caught() {
	local i mask
	for ((i = 0; i < 600; i++)); do
		mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2> /dev/null)
		[ -n "$mask" ] && (( (16#$mask >> 14) & 1 )) && return 0
		sleep 0.1
	done
	return 1
}

# round NAME ARGS...: bt86 until it has run a moment, then two SIGTERMs
# at once; checks the screendump and the status.
round() {
	local name=$1 pid st
	shift
	rm -f "$work/s.ppm"
	"$BT86" -display none -screendump "$work/s.ppm" "$@" > "$work/out" 2> "$work/err" < /dev/null &
	pid=$!
	caught "$pid"
	sleep 0.3
	kill -TERM "$pid"
	kill -TERM "$pid"
	wait "$pid"
	st=$?
	n=$((n + 1))
	if [ ! -s "$work/s.ppm" ] || [ "$st" -ne "$want_status" ]; then
		bad=$((bad + 1))
		[ $bad -le 3 ] && echo "FAIL: $name: status $st (want $want_status), screendump $( [ -s "$work/s.ppm" ] && echo written || echo missing): $(head -c 200 "$work/err")"
	fi
}

matmul=(-kernel bench/progs/matmul.elf -append n=100000000 -device isa-debug-exit,iobase=0xf4,iosize=0x04)
halted=(-hda guests/bootsect/disk.img -snapshot)
# the status of a clean stop by one signal, as bt86 gives it
"$BT86" -display none -screendump "$work/s.ppm" "${matmul[@]}" > /dev/null 2>&1 < /dev/null &
pid=$!
caught "$pid"
sleep 0.3
kill -TERM "$pid"
wait "$pid"
want_status=$?
if [ ! -s "$work/s.ppm" ]; then
	echo "FAIL: one SIGTERM: no screendump"
	fail=1
fi
bad=0 n=0
for i in $(seq 10); do
	round "matmul, two SIGTERMs" "${matmul[@]}"
	round "halted, two SIGTERMs" "${halted[@]}"
done
# timeout(1), whose own signal reaches bt86 twice (after 5 s: started by then)
rm -f "$work/s.ppm"
timeout -s TERM 5 "$BT86" -display none -screendump "$work/s.ppm" "${matmul[@]}" > /dev/null 2>&1 < /dev/null
st=$?
n=$((n + 1))
if [ ! -s "$work/s.ppm" ]; then
	bad=$((bad + 1))
	echo "FAIL: under timeout(1): no screendump (status $st)"
fi
if [ $bad -gt 0 ]; then
	echo "FAIL: $bad of $n stops lost the screendump or the status"
	fail=1
else
	echo "ok: $n stops by SIGTERM, twice at once, each with its screendump and status $want_status"
fi
exit $fail
