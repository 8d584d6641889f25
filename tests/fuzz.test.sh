#!/bin/bash
# fuzz.test.sh - every fuzz target replays its seeds (tests/fuzz/seeds/NAME/),
# the crashes fuzzing ever found (tests/fuzz/crashes/NAME/, each fixed) and
# every guest ELF built here: each input must come back, neither crashing
# nor exiting, and give the same result whatever ran before it (replay -c:
# forward, backward, and each twice in a row).  A missing seed or crash
# folder fails the test: replaying nothing would pass unnoticed.
set -u
cd "${BUILDDIR:-.}" || exit 1
SRCDIR=${SRCDIR:-.}
fail=0
mapfile -t guests < <(ls guests/*/*.elf 2>/dev/null)
if [ ${#guests[@]} -eq 0 ]; then
	echo "FAIL: no guest ELFs in $PWD/guests/ (run make)"
	exit 1
fi
for name in code ports loader hypercall ide virtio e1000; do
	bin=tests/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "FAIL: $bin is not built (run make)"
		fail=1
		continue
	fi
	seeds=$SRCDIR/tests/fuzz/seeds/$name crashes=$SRCDIR/tests/fuzz/crashes/$name
	if [ ! -d "$seeds" ] || [ -z "$(ls "$seeds")" ]; then
		echo "FAIL: $seeds is missing or empty"
		fail=1
		continue
	fi
	if [ ! -d "$crashes" ]; then
		echo "FAIL: $crashes is missing (it holds past crashes; keep it even when empty)"
		fail=1
		continue
	fi
	# shellcheck disable=SC2086
	if ! out=$(timeout 300 ${RUN_WRAPPER:-} "$bin" -c "$seeds" "$crashes" "${guests[@]}" 2>&1); then
		echo "FAIL: $bin"
		echo "$out" | tail -n 20
		fail=1
		continue
	fi
	# "fuzz_NAME: N inputs replayed (S from seeds, C from crashes, G files), ..."
	echo "$out" | tail -n 1 | sed "s| from $SRCDIR/tests/fuzz/| from |g; s| files)| guests)|"
done
exit $fail
