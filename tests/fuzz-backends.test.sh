#!/usr/bin/env bash
# fuzz-backends.test.sh - random instruction sequences and the fuzz corpus
# give the same result on every backend.  Each fuzz target replays its
# seeds, the crashes fuzzing found and (fuzz_code) 3000 random inputs from a
# fixed seed (replay -r) on the interpreter and on each other backend
# (BT86_TEST_BACKEND), printing fuzz_result_hash() per input (replay -p):
# registers, flags, EIP, the exception taken, the instruction count and all
# of guest RAM.  Any input whose hash differs fails; a crash fails too.
set -u
cd "${BUILDDIR:-.}" || exit 1
SRCDIR=${SRCDIR:-.}
BT86=${BT86:-./bt86}
if [ -n "${BT86_TEST_BACKEND:-}" ]; then
	echo "skipped: it compares every backend already in the default backend's pass"
	exit 77
fi
mapfile -t backends < <("$BT86" -backend help | awk '{ print $1 }')
if [ ${#backends[@]} -lt 2 ]; then
	echo "skipped: this bt86 has one backend (${backends[*]}): nothing to compare"
	exit 77
fi
ref=interp
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
for name in code ports loader hypercall; do
	bin=tests/fuzz/fuzz_$name
	[ -x "$bin" ] || { echo "FAIL: $bin is not built (run make)"; fail=1; continue; }
	args=("$SRCDIR/tests/fuzz/seeds/$name" "$SRCDIR/tests/fuzz/crashes/$name")
	[ "$name" = code ] && args=(-r 3000 "${args[@]}")
	for be in "$ref" "${backends[@]}"; do
		[ -f "$work/$name.$be" ] && continue
		BT86_TEST_BACKEND=$be "$bin" -p "${args[@]}" > "$work/$name.$be" 2> "$work/$name.$be.err"
		st=$?
		[ $st = 0 ] || { echo "FAIL: $bin on $be: exit status $st"; tail -n 5 "$work/$name.$be.err"; fail=1; }
	done
	for be in "${backends[@]}"; do
		[ "$be" = "$ref" ] && continue
		n=$(wc -l < "$work/$name.$ref")
		if cmp -s "$work/$name.$ref" "$work/$name.$be"; then
			echo "ok: fuzz_$name: $n inputs alike on $ref and $be"
			continue
		fi
		fail=1
		echo "FAIL: fuzz_$name: results differ between $ref and $be (hash, input):"
		diff "$work/$name.$ref" "$work/$name.$be" | grep '^[<>]' | head -n 10
		echo "  rerun one: FUZZ_VERBOSE=1 BT86_TEST_BACKEND=$be $bin -p ${args[*]}"
	done
done
exit $fail
