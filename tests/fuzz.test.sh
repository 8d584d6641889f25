#!/bin/bash
# fuzz.test.sh - every fuzz target replays its seeds, the crashes fuzzing
# ever found (tests/fuzz/crashes/NAME/, each fixed) and inputs made from the
# guests built here: each must come back, neither crashing nor exiting.
set -u
cd "${BUILDDIR:-.}" || exit 1
SRCDIR=${SRCDIR:-.}
fail=0
guests=$(ls guests/*/*.elf 2>/dev/null | head -n 12)
for name in code ports loader; do
	bin=tests/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "$bin is not built (run make)"
		exit 1
	fi
	inputs=()
	for d in "$SRCDIR/tests/fuzz/seeds/$name" "$SRCDIR/tests/fuzz/crashes/$name"; do
		[ -d "$d" ] && inputs+=("$d")
	done
	# shellcheck disable=SC2206
	inputs+=($guests)
	# shellcheck disable=SC2086
	if ! out=$(timeout 300 ${RUN_WRAPPER:-} "$bin" "${inputs[@]}" 2>&1); then
		echo "FAIL: $bin"
		echo "$out" | tail -n 20
		fail=1
		continue
	fi
	echo "$out" | tail -n 1
done
exit $fail
