#!/bin/bash
# run-tests.sh - bt86's test runner, run by "make check".
#
# Environment: BT86 (emulator binary), BUILDDIR (build dir), SRCDIR (source
# root); defaults suit an in-tree build run from the top of the tree.
# RUN_WRAPPER (config.mk), when set, runs the binaries of a cross build (e.g.
# "qemu-aarch64-static -L /usr/aarch64-linux-gnu"): the unit tests directly,
# bt86 through a wrapper script that $BT86 then names.
#
# Runs, in order:
#   1. unit tests: every executable $BUILDDIR/tests/unit/test_* binary;
#   2. guest tests: each $SRCDIR/guests/NAME/ with an expected.out, under bt86;
#   3. qemu-agrees:NAME: the same guest under qemu-system-i386, proving the
#      expected files are real (skipped when QEMU is not installed); or
#      bochs-agrees:NAME, under Bochs, for a guest whose file "reference"
#      says bochs; none for one whose "reference" says bt86-abi (bt86's own
#      hypercalls, which no other emulator has: docs/paravirt.md is what
#      its expected.out is checked against);
#   4. every executable $SRCDIR/tests/*.test.sh script, then
#      bochs-agrees:limits (limits.test.sh --bochs): what QEMU cannot vouch
#      for, proven against Bochs (skipped when Bochs is not installed);
#   5. the Linux boot test, tests/boot/boot.sh (skipped when the Debian
#      packages cannot be fetched);
#   6. steps 2, 4 and 5 again for every backend other than the default one
#      (bt86 -backend help), named NAME@BACKEND; BT86_BACKENDS="a b" limits
#      which.
# Exit status 0 passes, 77 skips, anything else fails. A test file that is
# not executable fails (it would otherwise silently not run), and so does any
# test during which a sanitizer reported an error: see "Sanitizers" below.
# One line per test, then the number of tests of each kind (so that a drop
# shows in CI logs), then a summary line "N passed, N failed, N skipped".
# Exits 0 iff nothing failed.

set -u

here=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "${SRCDIR:-$here/..}" && pwd)
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
BT86=${BT86:-$BUILDDIR/bt86}
case $BT86 in /*) ;; *) BT86=$(pwd)/$BT86 ;; esac
RUN_WRAPPER=${RUN_WRAPPER:-}
export SRCDIR BUILDDIR BT86
export RUN_WRAPPER

passed=0 failed=0 skipped=0
out=$(mktemp "${TMPDIR:-/tmp}/run-tests.XXXXXX")
sanlog=$(mktemp -d "${TMPDIR:-/tmp}/run-tests-san.XXXXXX")
trap 'rm -rf "$out" "$sanlog"' EXIT

# Sanitizers. A passing guest exits with status 1 through isa-debug-exit, and
# ASan, LSan and UBSan exit with 1 by default: a sanitizer error could pass.
# So they get exit codes of their own (91: ASan and its leak checker, whose
# LSAN_OPTIONS common flags override ASAN_OPTIONS' in the same runtime; 92:
# UBSan, halting at the first error), and ASan and LSan write their reports to
# files in $sanlog, which are checked after every test: a test script that
# sends bt86's stderr to a file, or ignores its exit status, still fails.
# UBSan in a build that also has ASan (GCC's two runtimes) ignores log_path
# and reports on stderr only: for it, the test's output is searched.
# Appended, so that these win over the same options set by the user.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=91:log_path=$sanlog/report"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}exitcode=91:log_path=$sanlog/report"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=92:halt_on_error=1:log_path=$sanlog/report"
san_report='ERROR: [A-Za-z]+Sanitizer|SUMMARY: [A-Za-z]+Sanitizer|runtime error:'

declare -A kind_count
kinds="unit guest qemu-agrees bochs-agrees script boot"

if [ -n "$RUN_WRAPPER" ]; then
	wrapped=$BUILDDIR/bt86.run
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$RUN_WRAPPER" "$BT86" > "$wrapped"
	chmod +x "$wrapped"
	BT86=$wrapped
fi

# result KIND NAME STATUS: report one test from its exit status and output in
# $out, and from the sanitizer reports it left in $sanlog.
result() {
	local kind=$1 name=$2 status=$3 reason f
	kind_count[$kind]=$((${kind_count[$kind]:-0} + 1))
	if grep -qE "$san_report" "$out"; then
		{
			echo "  a sanitizer reported an error (exit status $status):"
			grep -E -m 5 "$san_report" "$out" | sed "s/^/  /"
		} > "$out.san"
		status=1
	fi
	for f in "$sanlog"/*; do
		[ -e "$f" ] || continue
		{
			echo "  a sanitizer report from process ${f##*.}:"
			head -n 40 "$f"
		} >> "$out.san"
		rm -f "$f"
		status=1
	done
	case $3 in
	91 | 92) echo "  exit status $3: a sanitizer error (see run-tests.sh)" >> "$out.san" ;;
	esac
	case $status in
	0)
		echo "PASS $name"
		passed=$((passed + 1))
		;;
	77)
		reason=$(grep -v '^[[:space:]]*$' "$out" | tail -n 1)
		echo "SKIP $name: ${reason:-no reason given}"
		skipped=$((skipped + 1))
		;;
	*)
		echo "FAIL $name"
		[ "$status" = 124 ] && echo "  timed out"
		[ -f "$out.san" ] && cat "$out.san"
		head -n 60 "$out"
		failed=$((failed + 1))
		;;
	esac
	rm -f "$out.san"
}

# not_executable KIND FILE: a test that would not run fails instead.
not_executable() {
	echo "$2 is not executable (chmod +x it): it was not run" > "$out"
	result "$1" "$(basename "$2")" 1
}

for t in "$BUILDDIR"/tests/unit/test_*; do
	case $t in *.c | *.o | *.d | *.h) continue ;; esac
	[ -f "$t" ] || continue
	if [ ! -x "$t" ]; then
		not_executable unit "$t"
		continue
	fi
	# shellcheck disable=SC2086
	(cd "$BUILDDIR" && timeout 600 $RUN_WRAPPER "$t") > "$out" 2>&1
	st=$?
	result unit "$(basename "$t")" $st
done

qemu=$(command -v qemu-system-i386)

# guests [SUFFIX]: every guest under $BT86; without a suffix (the default
# backend) also under its reference emulator.
guests() {
	local sfx=${1:-} g name st
	for g in "$SRCDIR"/guests/*/; do
		[ -f "$g/expected.out" ] || continue
		name=$(basename "$g")

		if [ -x "$BT86" ]; then
			"$here/guest-test.sh" "$BT86" "$g" "$BUILDDIR" > "$out" 2>&1
			result guest "$name$sfx" $?
		else
			echo "$BT86 is missing or not executable (build it first)" > "$out"
			result guest "$name$sfx" 1
		fi
		[ -z "$sfx" ] || continue

		# A guest whose "reference" file says bochs was recorded from Bochs
		# (QEMU gets that behaviour wrong or aborts on it): Bochs must agree.
		if [ "$(cat "$g/reference" 2>/dev/null)" = bochs ]; then
			(
				cd "$BUILDDIR" || exit 1
				"$here/bochs-run.sh" "guests/$name/$name.elf" "$(cat "$g/cmdline" 2>/dev/null)" \
					"$out.bochs" > /dev/null || exit
				diff -u --label expected.out --label bochs "$g/expected.out" "$out.bochs"
			) > "$out" 2>&1
			st=$?
			[ $st = 77 ] && grep -v '^$' "$out" | tail -n 1 | sed 's/^/skipped: /' > "$out.why" &&
				mv "$out.why" "$out"
			rm -f "$out.bochs"
			result bochs-agrees "bochs-agrees:$name" $st
		elif [ "$(cat "$g/reference" 2>/dev/null)" = bt86-abi ]; then
			continue
		elif [ -n "$RUN_WRAPPER" ]; then
			echo "skipped: a cross build; the native make check compares with QEMU" > "$out"
			result qemu-agrees "qemu-agrees:$name" 77
		elif [ -n "$qemu" ]; then
			"$here/guest-test.sh" -q "$qemu" "$g" "$BUILDDIR" > "$out" 2>&1
			result qemu-agrees "qemu-agrees:$name" $?
		else
			echo "skipped: qemu-system-i386 not installed" > "$out"
			result qemu-agrees "qemu-agrees:$name" 77
		fi
	done
}

# scripts [SUFFIX]: every tests/*.test.sh.
scripts() {
	local sfx=${1:-} t st
	for t in "$SRCDIR"/tests/*.test.sh; do
		[ -f "$t" ] || continue
		if [ ! -x "$t" ]; then
			not_executable script "$t"
			continue
		fi
		(cd "$BUILDDIR" && timeout 1800 "$t") > "$out" 2>&1
		st=$?
		result script "$(basename "$t" .test.sh)$sfx" $st
	done
}

# boot [SUFFIX]: the Linux boot test.
# A boot takes 30 s natively: under qemu-user or a sanitizer build it would take
# many minutes, so those runs leave it to the native check (BT86_SKIP_BOOT=why).
boot() {
	local sfx=${1:-}
	if [ -n "$RUN_WRAPPER" ]; then
		echo "skipped: a cross build under qemu-user; the native make check boots Linux" > "$out"
		result boot "linux-boot$sfx" 77
	elif [ -n "${BT86_SKIP_BOOT:-}" ]; then
		echo "skipped: $BT86_SKIP_BOOT" > "$out"
		result boot "linux-boot$sfx" 77
	else
		(cd "$BUILDDIR" && timeout 1800 "$SRCDIR/tests/boot/boot.sh") > "$out" 2>&1
		result boot "linux-boot$sfx" $?
	fi
}

guests
scripts
(cd "$BUILDDIR" && timeout 600 "$SRCDIR/tests/limits.test.sh" --bochs) > "$out" 2>&1
result bochs-agrees bochs-agrees:limits $?
boot

# Every other backend this bt86 has runs the guests, the scripts and the boot
# again, as NAME@BACKEND: bt86 through a wrapper that selects it (an explicit
# -backend later on the command line still wins), the test harnesses that
# link the translator (diff_bt86, the fuzz replays) through
# BT86_TEST_BACKEND, which only they read.
default_backend=$("$BT86" -backend help 2>/dev/null | awk '/\(default\)$/ { print $1 }')
for be in $("$BT86" -backend help 2>/dev/null | awk '{ print $1 }'); do
	[ "$be" = "$default_backend" ] && continue
	[ -z "${BT86_BACKENDS:-}" ] || [[ " $BT86_BACKENDS " == *" $be "* ]] || continue
	default_bt86=$BT86
	BT86=$BUILDDIR/bt86.$be
	printf '#!/bin/sh\nexec "%s" -backend %s "$@"\n' "$default_bt86" "$be" > "$BT86"
	chmod +x "$BT86"
	export BT86 BT86_TEST_BACKEND=$be
	guests "@$be"
	scripts "@$be"
	boot "@$be"
	BT86=$default_bt86
	unset BT86_TEST_BACKEND
done

# One line, never mistaken for the summary: a test that stops being found
# (renamed, not built, lost its execute bit) shows as a smaller number here.
line="tests run by kind:"
for k in $kinds; do
	line="$line $k ${kind_count[$k]:-0},"
done
echo "${line%,}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
