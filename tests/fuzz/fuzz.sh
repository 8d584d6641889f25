#!/bin/bash
# fuzz.sh NAME... - "make fuzz-NAME": build the libFuzzer version of each
# target in $BUILDDIR/build-fuzz (clang, ASan, UBSan) and fuzz it for
# FUZZ_TIME seconds (default 60), starting from its seeds, the saved corpus
# and the crashes found before.  A crash leaves its input in
# build-fuzz/crashes-NAME/; copy it to tests/fuzz/crashes/NAME/ with the fix,
# so that make check replays it for ever.  Then the corpus is replayed by
# the plain build with -c (each input alike in any order).
set -eu

SRCDIR=$(cd "${SRCDIR:-.}" && pwd)
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
time=${FUZZ_TIME:-60}
[ $# -gt 0 ] || { echo "usage: fuzz.sh NAME..." >&2; exit 2; }

command -v clang >/dev/null 2>&1 || {
	echo "fuzz.sh: clang is missing: run ./configure --install-deps" >&2
	exit 1
}
out=$BUILDDIR/build-fuzz
mkdir -p "$out"
cd "$out"
# Configured again when configure changed: config.h must know every option.
if [ ! -f config.mk ] || ! grep -q '^CONFIG_FUZZ = y' config.mk || [ "$SRCDIR/configure" -nt config.mk ]; then
	"$SRCDIR/configure" --cc=clang --enable-fuzz --enable-asan --enable-ubsan --disable-sdl >/dev/null
fi
for name in "$@"; do
	make -j2 "tests/fuzz/fuzz_$name" >/dev/null
	mkdir -p "corpus-$name" "crashes-$name"
	seeds=()
	for d in "$SRCDIR/tests/fuzz/seeds/$name" "$SRCDIR/tests/fuzz/crashes/$name"; do
		[ -d "$d" ] || { echo "fuzz.sh: $d is missing" >&2; exit 1; }
		seeds+=("$d")
	done
	# Kernels are bigger than code snippets or port sequences: the guest ELF
	# seeds (13-19 KiB) would be cut short at 2 KiB.
	max_len=2048
	[ "$name" = loader ] && max_len=32768
	echo "fuzz-$name: $time s"
	# The first directory is where libFuzzer adds what it finds.
	ASAN_OPTIONS=detect_leaks=0 "./tests/fuzz/fuzz_$name" -max_total_time="$time" \
		-timeout=10 -rss_limit_mb=2048 -max_len=$max_len -print_final_stats=1 \
		-artifact_prefix="crashes-$name/" "corpus-$name" "${seeds[@]}" 2>&1 |
		grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' || true
	if [ -n "$(ls -A "crashes-$name")" ]; then
		echo "fuzz-$name: FAILED: inputs that crash bt86 are in $out/crashes-$name/" >&2
		exit 1
	fi
	# The plain build replays the corpus in several orders: an input whose
	# result depends on the one before makes crashes unreproducible.
	make -C "$BUILDDIR" "tests/fuzz/fuzz_$name" >/dev/null
	if ! res=$("$BUILDDIR/tests/fuzz/fuzz_$name" -c "corpus-$name" 2>&1); then
		echo "$res" | grep -v '^bt86: note' | tail -n 5
		echo "fuzz-$name: FAILED: results depend on the input before (replay -c above)" >&2
		exit 1
	fi
	echo "$res" | tail -n 1
done
