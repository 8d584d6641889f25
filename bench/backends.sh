# backends.sh - sourced by bench/compare.sh and bench/boot.sh: which bt86
# backends to measure. Every backend `bt86 -backend help` lists (one a line,
# the name first), so that a new backend is benchmarked, and checked by
# tests/bench-checksums.test.sh, from the day it is listed.
#
#   bench_backends BT86   prints the names, one a line; returns 1, with the
#                         reason on stderr, when there are none or when
#                         BENCH_BACKENDS names one that is not listed.
#
# Environment: BENCH_BACKENDS (names separated by commas or spaces) narrows
# the list, e.g. BENCH_BACKENDS=x86_64 for one backend.

bench_backends() {
	local bt86=$1 listed want b
	listed=$("$bt86" -backend help 2>/dev/null < /dev/null |
		awk '/^[^ \t]/ && $1 ~ /^[A-Za-z0-9_]+$/ { print $1 }')
	if [ -z "$listed" ]; then
		echo "$bt86 -backend help lists no backend" >&2
		return 1
	fi
	want=${BENCH_BACKENDS:-}
	if [ -z "$want" ]; then
		echo "$listed"
		return 0
	fi
	for b in ${want//,/ }; do
		if ! grep -qx -- "$b" <<< "$listed"; then
			echo "BENCH_BACKENDS: '$b' is not a backend of $bt86 (it lists: $(echo $listed))" >&2
			return 1
		fi
		echo "$b"
	done
}
