#!/usr/bin/env bash
# compare.sh - the same code natively, under each bt86 backend and under
# qemu-system-i386, side by side: time per iteration, ratios, a JSON file
# and an SVG chart (bench/results/latest.*). The timings never fail it; it
# fails (exit 1) when an engine prints a different checksum from the others
# (WRONG), when any run fails (a crash, a timeout, a sanitizer report, the
# program's own self-check), when bt86 stops on something unimplemented on a
# row not listed in BENCH_EXPECT_UNSUPPORTED, or when the runner breaks.
#
# Engines, in report order:
#   native-i686   bench/progs/NAME-i686: the guest's own object as a static
#                 i386 Linux program (bench/twin32.c), the fair baseline;
#                 bench/sys/sysnative-i686 for the system rows
#   native-host   bench/progs/NAME-native: the same C built for the host
#                 with gcc -O2 and glibc (x86-64 code on this machine)
#   bt86-NAME     bt86 -backend NAME, for every backend `bt86 -backend help`
#                 lists (bench/backends.sh; BENCH_BACKENDS narrows it)
#   qemu          qemu-system-i386 (TCG)
#
# Method: each benchmark takes an iteration count N. A whole process is timed
# at N and at 2N and the difference divided by N, so that boot and start-up
# costs cancel. Each engine gets its own N, grown until the difference is
# about TARGET seconds (a native run needs far more iterations than a
# translated one for the same accuracy). Every repetition runs every engine
# once, starting from a different one each time, so that a burst of noise
# on this shared machine hits them all alike; the report takes the median.
# Before timing, every engine runs the same small N once: all must print
# the same checksum.
#
# Usage: compare.sh [--check] [--only NAME,...]
#   --check   only the checksum pass (the test suite's use)
# Env: BT86, BUILDDIR, SRCDIR (as in make check), QUICK=1 (fewer, shorter
# runs), REPS, TARGET (seconds), BENCH_OUT (bench/results), QEMU (path or
# "none"), BENCH_TIMEOUT (seconds per run, 120), BENCH_BACKENDS,
# BENCH_CLOCK (wall, the default, or cpu: the user plus system time of each
# run's processes, which a machine shared with other work disturbs far
# less than wall-clock time; every thread of an engine counts).

set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)

BUILDDIR=${BUILDDIR:-.}
cd "$BUILDDIR" || exit 1
BT86=${BT86:-./bt86}
SRCDIR=${SRCDIR:-.}
QUICK=${QUICK:-}
if [ -n "$QUICK" ] && [ "$QUICK" != 0 ]; then
	REPS=${REPS:-1}
	TARGET=${TARGET:-0.03}
else
	QUICK=
	REPS=${REPS:-5}
	TARGET=${TARGET:-0.15}
fi
OUT=${BENCH_OUT:-bench/results}
TMO=${BENCH_TIMEOUT:-120}
check_only=
only=
while [ $# -gt 0 ]; do
	case $1 in
	--check) check_only=1 ;;
	--only) only=,$2, && shift ;;
	*) echo "compare.sh: unknown argument '$1' (--check, --only NAME,...)" >&2; exit 2 ;;
	esac
	shift
done

# name kind base-N: base N is a few tens of milliseconds of bt86 -backend interp.
BENCHMARKS="
crc32 int 50
sha256 int 200
matmul int 20
qsort int 50
list int 100
bytecode int 500
strsearch int 200
lz int 20
nbody x87 20000
mandel x87 200
fft x87 50
int80 sys 20000
sysenter sys 20000
portio sys 20000
cr3 sys 20000
pagefault sys 10000
invlpg sys 20000
divide sys 20000
"

# Rows bt86 may answer "unsupported" on (comma-separated names): none, since
# bt86 runs every benchmark; a row it cannot run any more is a regression.
export BENCH_EXPECT_UNSUPPORTED=${BENCH_EXPECT_UNSUPPORTED:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
raw=$work/raw.tsv
: > "$raw"

# ---------------------------------------------------------------- engines
if [ ! -x "$BT86" ]; then
	echo "compare.sh: $BT86 is missing (run make first)" >&2
	exit 2
fi
. "$here/backends.sh"
backends=$(bench_backends "$BT86") || { echo "compare.sh: no backend to run" >&2; exit 2; }
ENGINES="native-i686 native-host"
for b in $backends; do ENGINES="$ENGINES bt86-$b"; done
ENGINES="$ENGINES qemu"
declare -A absent label
label[native-i686]="native i686"
label[native-host]="native $(uname -m)"
label[qemu]="QEMU TCG"
for b in $backends; do label[bt86-$b]="bt86 $b"; done
if [ ! -x bench/progs/crc32-i686 ]; then
	absent[native-i686]="no i686 twin: built on x86 hosts only"
else
	# An x86-64 kernel built without IA32_EMULATION, or booted with
	# ia32_emulation=off, refuses every 32-bit program (ENOEXEC): bash's
	# own exec says 126, where timeout's execvp would hand the ELF to
	# /bin/sh.  Any other failure is the twin's, and its rows say so.
	(exec bench/progs/crc32-i686 n=1) > /dev/null 2>&1
	if [ $? = 126 ]; then
		absent[native-i686]="this kernel cannot run i386 programs (32-bit emulation disabled)"
	fi
fi
QEMU=${QEMU:-$(command -v qemu-system-i386 || true)}
if [ -z "$QEMU" ] || [ "$QEMU" = none ] || [ ! -x "$QEMU" ]; then
	absent[qemu]="qemu-system-i386 not installed"
	QEMU=
fi
for e in $ENGINES; do
	printf 'E\t%s\t%s\n' "$e" "${label[$e]}" >> "$raw"
done

now() { echo "${EPOCHREALTIME/,/.}"; }

CLOCK=${BENCH_CLOCK:-wall}
case $CLOCK in
wall | cpu) ;;
*) echo "compare.sh: BENCH_CLOCK must be wall or cpu, not '$CLOCK'" >&2; exit 2 ;;
esac
# clock: sets clk to the time a run is measured with, in seconds. For cpu,
# the shell's children's user + system time (bash's times, in ms); never
# call it in a subshell, whose children are not the runs.
clock() {
	if [ "$CLOCK" = wall ]; then
		clk=${EPOCHREALTIME/,/.}
		return
	fi
	times > "$work/times"
	clk=$(awk 'function s(x, m) { m = x; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", x);
		sub(/s$/, "", x); return m * 60 + x }
		NR == 2 { printf "%.3f", s($1) + s($2) }' "$work/times")
}

# run ENGINE NAME KIND N: one whole process, timed. Sets run_t (seconds),
# run_sum (the checksum, empty if none) and run_msg (why not).
run() {
	local engine=$1 name=$2 kind=$3 n=$4 elf args st t0 t1
	case $kind in
	sys) elf=bench/sys/sysbench.elf args="t=$name n=$n" ;;
	*) elf=bench/progs/$name.elf args="n=$n" ;;
	esac
	clock
	t0=$clk
	case $engine in
	native-i686)
		if [ "$kind" = sys ]; then
			timeout "$TMO" bench/sys/sysnative-i686 "$name" "$n"
		else
			# The twin takes the guest's command line as its arguments.
			timeout "$TMO" "bench/progs/$name-i686" $args
		fi ;;
	native-host)
		if [ "$kind" = sys ]; then
			timeout "$TMO" bench/sys/sysnative "$name" "$n"
		else
			timeout "$TMO" "bench/progs/$name-native" "$n"
		fi ;;
	bt86-*)
		timeout "$TMO" "$BT86" -backend "${engine#bt86-}" -kernel "$elf" -append "$args" \
			-nographic -device isa-debug-exit,iobase=0xf4,iosize=0x04 ;;
	qemu)
		timeout "$TMO" "$QEMU" -kernel "$elf" -append "$args" -nographic \
			-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 ;;
	esac < /dev/null > "$work/out" 2> "$work/err"
	st=$?
	clock
	t1=$clk
	run_t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
	run_sum=$(tr -d '\r' < "$work/out" | grep -o 'checksum [0-9a-f]*' | head -n 1 | cut -d' ' -f2)
	run_msg=
	# A sanitizer build may report an error and still print a checksum.
	if grep -qE 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$work/err"; then
		run_msg="failed: sanitizer report: $(grep -m1 -E 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$work/err" | tr '\t' ' ')"
		return 1
	fi
	if [ "$run_sum" = 00000bad ]; then
		# The programs return 0xbad when their own self-check fails.
		run_msg="failed: the program's self-check failed (checksum 00000bad)"
		return 1
	fi
	[ -n "$run_sum" ] && return 0
	if [ "${engine%-*}" = native ] && [ "$st" = 3 ]; then
		run_msg="absent: no native twin"
	elif [ "$st" = 124 ]; then
		run_msg="failed: timed out after ${TMO}s"
	elif [ "$st" = 70 ] && [ "${engine#bt86-}" != "$engine" ]; then
		# bt86 stops on what it does not implement yet, naming it.
		run_msg="unsupported: $(grep -m1 . "$work/err" | sed 's/^bt86: //' | tr '\t' ' ')"
	else
		run_msg="failed: status $st: $(cat "$work/err" "$work/out" | tr -d '\r' | grep -m1 . | tr '\t' ' ')"
	fi
	return 1
}

# ---------------------------------------------------------------- one benchmark
wrong=0

# bench NAME KIND N0
bench() {
	local name=$1 kind=$2 n0=$3 e ref= refe= n d f rep i k
	local -A ok nn sum tcheck
	printf "M\t%s\t%s\n" "$name" "$kind" >> "$raw"
	# 1. the checksum pass: every engine, the same N.
	for e in $ENGINES; do
		if [ -n "${absent[$e]:-}" ]; then
			printf 'S\t%s\t%s\tabsent\t%s\n' "$name" "$e" "${absent[$e]}" >> "$raw"
			continue
		fi
		if run "$e" "$name" "$kind" "$n0"; then
			ok[$e]=1
			sum[$e]=$run_sum
			tcheck[$e]=$run_t
		else
			printf 'S\t%s\t%s\t%s\t%s\n' "$name" "$e" "${run_msg%%:*}" "${run_msg#*: }" >> "$raw"
		fi
	done
	# The reference: the i686 twin (the very code the guest runs), else the
	# host twin, else QEMU, else the first bt86 backend.
	for e in native-i686 native-host qemu $ENGINES; do
		if [ -n "${ok[$e]:-}" ]; then
			ref=${sum[$e]} refe=$e
			break
		fi
	done
	for e in $ENGINES; do
		[ -n "${ok[$e]:-}" ] || continue
		if [ "${sum[$e]}" != "$ref" ]; then
			printf 'S\t%s\t%s\tWRONG\tchecksum %s at n=%s, %s printed %s\n' \
				"$name" "$e" "${sum[$e]}" "$n0" "$refe" "$ref" >> "$raw"
			echo "WRONG: $name under $e: checksum ${sum[$e]} at n=$n0, $refe printed $ref" >&2
			unset "ok[$e]"
			wrong=1
		else
			printf 'S\t%s\t%s\tok\tchecksum %s at n=%s\n' "$name" "$e" "${sum[$e]}" "$n0" >> "$raw"
		fi
	done
	[ -z "$check_only" ] || return 0

	# 2. calibrate: grow N until t(2N) - t(N) is about TARGET. The check
	# pass gave t(n0); the pair that ends the search is repetition 1.
	local t1 s1 rounds=5
	[ -z "$QUICK" ] || rounds=2
	for e in $ENGINES; do
		[ -n "${ok[$e]:-}" ] || continue
		n=$n0 t1=${tcheck[$e]} s1=${sum[$e]}
		for ((k = 1; k <= rounds; k++)); do
			if [ -z "$t1" ]; then
				run "$e" "$name" "$kind" "$n" || break
				t1=$run_t s1=$run_sum
			fi
			run "$e" "$name" "$kind" $((2 * n)) || break
			f=$(awk -v a="$t1" -v b="$run_t" -v t="$TARGET" 'BEGIN {
				d = b - a
				if (d >= t * 0.7) { print 1; exit }
				# Below 10 ms the difference is mostly noise: grow blindly.
				f = (d > 0.01) ? t / d : 16; p = 2
				while (p < f && p < 64) p *= 2
				print p }')
			if [ "$f" = 1 ] || [ $k = $rounds ] || [ $((n * f)) -ge 1000000000 ]; then
				printf 'R\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$e" "$n" \
					"$t1" "$run_t" "$s1" "$run_sum" >> "$raw"
				nn[$e]=$n
				break
			fi
			n=$((n * f)) t1=
		done
		if [ -z "${nn[$e]:-}" ]; then
			printf 'S\t%s\t%s\t%s\t%s\n' "$name" "$e" "${run_msg%%:*}" "${run_msg#*: } (n=$n)" >> "$raw"
		fi
	done

	# 3. the timed repetitions, engines in a rotating order.
	local order=() engs=()
	for e in $ENGINES; do [ -n "${ok[$e]:-}" ] && [ -n "${nn[$e]:-}" ] && engs+=("$e"); done
	for ((rep = 1; rep < REPS; rep++)); do
		order=()
		for ((i = 0; i < ${#engs[@]}; i++)); do
			order+=("${engs[(i + rep) % ${#engs[@]}]}")
		done
		for e in "${order[@]}"; do
			n=${nn[$e]}
			local ta tb sa sb
			if ((rep % 2)); then
				run "$e" "$name" "$kind" $((2 * n)) || continue
				tb=$run_t sb=$run_sum
				run "$e" "$name" "$kind" "$n" || continue
				ta=$run_t sa=$run_sum
			else
				run "$e" "$name" "$kind" "$n" || continue
				ta=$run_t sa=$run_sum
				run "$e" "$name" "$kind" $((2 * n)) || continue
				tb=$run_t sb=$run_sum
			fi
			printf 'R\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$e" "$n" "$ta" "$tb" "$sa" "$sb" >> "$raw"
		done
	done
}

start=$(now)
echo "# bt86 benchmarks: ${QUICK:+QUICK, }$REPS repetition(s), about ${TARGET}s of work per timed run" >&2
while read -r name kind n0; do
	[ -n "$name" ] || continue
	case $only in "" | *,"$name",*) ;; *) continue ;; esac
	printf '  %-10s' "$name" >&2
	bench "$name" "$kind" "$n0"
	echo " done" >&2
done <<< "$BENCHMARKS"

if [ -n "$check_only" ]; then
	bench/benchtool check "$raw" || exit 1
	exit $wrong
fi

mkdir -p "$OUT"
cp "$raw" "$OUT/latest.tsv"
elapsed=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')
bench/benchtool report "$raw" "$OUT/latest.json" "$OUT/latest.svg" \
	"date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" "host=$(uname -m) $(nproc) cpu $(uname -r)" \
	"reps=$REPS" "target_s=$TARGET" "quick=${QUICK:-0}" "elapsed_s=$elapsed" "clock=$CLOCK" \
	"qemu=$( [ -n "$QEMU" ] && "$QEMU" --version | head -n 1)"
case $? in
0) ;;
1) wrong=1 ;;
*) echo "compare.sh: benchtool report failed" >&2; exit 2 ;;
esac
echo "wrote $OUT/latest.json and $OUT/latest.svg (${elapsed}s)"
exit $wrong
