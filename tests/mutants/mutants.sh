#!/usr/bin/env bash
# mutants.sh - make check-mutants: does the test suite catch real bugs?
#
# Plants one representative bug at a time, one per subsystem, in a scratch
# copy of the tree (the tracked and untracked-but-not-ignored files of
# SRCDIR, so uncommitted test improvements count), rebuilds, runs the
# check, and prints a table of which bugs the check caught. A bug the check
# misses is a hole in the tests: write the test that catches it.
#
# Each mutant replaces one whole line, which must occur exactly once in its
# file: when the source moves, the mutant fails loudly before anything is
# built, so the list cannot rot into bugs that are no longer planted.
#
# Slow on purpose: the default check is the whole `make check`, once for the
# unmutated tree (it must pass, or the table means nothing) and once per
# mutant. Not part of make check.
#
# Environment:
#   MUTANTS=name,...   only these (default: all; MUTANTS=list prints them)
#   CHECK='command'    the check run in the scratch tree (default:
#                      make -j2 check), e.g. for development:
#                      CHECK='tests/guest-test.sh ./bt86 guests/com2/ .'
#   BASELINE=0         skip the check of the unmutated tree
#   CONFIGURE_ARGS     passed to ./configure in the scratch tree
#   MUTANT_DIR         the scratch directory (default: a new one in /tmp)
#   KEEP=1             keep the scratch directory and its logs
# Exit status: 0 every mutant caught, 1 one missed (or did not build), 2 a
# mutant no longer applies or the set-up failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "${SRCDIR:-$here/../..}" && pwd)
CHECK=${CHECK:-make -j2 check}
MUTANTS=${MUTANTS:-}
BASELINE=${BASELINE:-1}
CONFIGURE_ARGS=${CONFIGURE_ARGS:-}
KEEP=${KEEP:-}

names=()
declare -A m_sub m_file m_old m_new m_what

# mutant NAME SUBSYSTEM FILE WHAT OLD-LINE NEW-LINE
mutant() {
	names+=("$1")
	m_sub[$1]=$2 m_file[$1]=$3 m_what[$1]=$4 m_old[$1]=$5 m_new[$1]=$6
}

# ---------------------------------------------------------------- the bugs
# The first four are the ones issue 17 found passing the suite.
mutant adc-carry-in flags translator/frontend_alu.c \
	"ADC ignores the carry in" \
	'        r = f_op(c, IR_ADD, f_op(c, IR_ADD, a, b), cf);' \
	'        r = f_op(c, IR_ADD, a, b); (void)cf;'
mutant uart-fifo-15 uart hw/uart16550.c \
	"the receive FIFO holds 15 bytes, not 16" \
	'    return fifo_enabled(u) ? FIFO_SIZE : 1;' \
	'    return fifo_enabled(u) ? FIFO_SIZE - 1 : 1;'
mutant pit-period pit hw/pit8254.c \
	"modes 2 and 3 count one CLK too many per period" \
	'        *n = c->n;' \
	'        *n = c->n + 1;'
mutant popf-ac monitor monitor/monitor_io.c \
	"POPF at CPL 0 cannot set EFLAGS.AC (bit 18)" \
	'        mask |= F_IOPL | F_IF;' \
	'        mask = (mask | F_IOPL | F_IF) & ~F_AC;'
mutant sar-as-shr decoder translator/decode.c \
	"SAR decodes as SHR" \
	'    case X86_INS_SAR: return (struct op_map){ OP_SAR, 0 };' \
	'    case X86_INS_SAR: return (struct op_map){ OP_SHR, 0 };'
mutant user-reads-supervisor softmmu softmmu/paging.c \
	"CPL 3 may access supervisor pages" \
	'    if (user && !usr)' \
	'    if (0 && user && !usr)'
mutant pic-eoi pic hw/pic8259.c \
	"a non-specific EOI clears the ISR bit above the highest one" \
	'            c->isr &= ~(1 << irq);' \
	'            c->isr &= ~(2 << irq);'
mutant rtc-bcd rtc hw/rtc_mc146818.c \
	"BCD: the low digit is written in binary (15 reads 0x1f)" \
	'    return binary_mode(r) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);' \
	'    return binary_mode(r) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 16);'
mutant vga-bright-fg vga hw/vga_render.c \
	"text mode loses the bright foreground colours" \
	'            uint32_t fg = pal[attr & 0x0f], bg = pal[attr >> 4];' \
	'            uint32_t fg = pal[attr & 0x07], bg = pal[attr >> 4];'
mutant i8042-sys i8042 hw/i8042.c \
	"the status register's system flag is inverted" \
	'    if (k->sys)' \
	'    if (!k->sys)'
mutant mb-mem-upper loader machine/loader_multiboot.c \
	"multiboot mem_upper is 1 KiB short" \
	'    put32(m, mbi + 8, (m->ram_size - 0x20000 - 0x100000) / 1024);' \
	'    put32(m, mbi + 8, (m->ram_size - 0x20000 - 0x100000) / 1024 - 1);'

# ---------------------------------------------------------------- which ones
if [ "$MUTANTS" = list ]; then
	for n in "${names[@]}"; do
		printf '%-22s %-8s %s\n' "$n" "${m_sub[$n]}" "${m_what[$n]}"
	done
	exit 0
fi
selected=()
if [ -n "$MUTANTS" ]; then
	IFS=, read -r -a want <<< "$MUTANTS"
	for n in "${want[@]}"; do
		if [ -z "${m_file[$n]:-}" ]; then
			echo "mutants.sh: no mutant '$n' (MUTANTS=list lists them)" >&2
			exit 2
		fi
		selected+=("$n")
	done
else
	selected=("${names[@]}")
fi

# Every selected mutant must still apply before anything is built.
stale=0
for n in "${selected[@]}"; do
	f=$SRCDIR/${m_file[$n]}
	c=$(grep -cxF -- "${m_old[$n]}" "$f" 2> /dev/null)
	if [ "${c:-0}" != 1 ]; then
		echo "mutants.sh: mutant $n no longer applies: the line below occurs ${c:-0} times in ${m_file[$n]}, not once;" >&2
		echo "  the source moved: update tests/mutants/mutants.sh" >&2
		echo "  ${m_old[$n]}" >&2
		stale=1
	fi
done
[ $stale = 0 ] || exit 2

# ---------------------------------------------------------------- scratch tree
work=${MUTANT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/bt86-mutants.XXXXXX")}
mkdir -p "$work/logs" || exit 2
[ -n "$KEEP" ] || trap 'rm -rf "$work"' EXIT
tree=$work/tree
rm -rf "$tree"
mkdir -p "$tree"
if git -C "$SRCDIR" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	(cd "$SRCDIR" && git ls-files -z -c -o --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -xf - -C "$tree" || exit 2
else
	cp -a "$SRCDIR/." "$tree/" && make -C "$tree" distclean > /dev/null 2>&1
fi
echo "mutants.sh: scratch tree $tree; check: $CHECK"
cd "$tree" || exit 2
# shellcheck disable=SC2086
if ! { ./configure $CONFIGURE_ARGS && make -j2; } > "$work/logs/build.log" 2>&1; then
	echo "mutants.sh: the unmutated scratch tree does not build:" >&2
	tail -n 20 "$work/logs/build.log" >&2
	exit 2
fi

# run_check LOG: the check, its failing test names on stdout; returns its status.
run_check() {
	# The scratch tree's, not those make check-mutants was started with.
	SRCDIR=$tree BUILDDIR=$tree BT86=$tree/bt86 bash -c "$CHECK" > "$1" 2>&1
	local st=$?
	grep -E '^FAIL ' "$1" | cut -d' ' -f2 | tr -d : | head -n 4 | paste -sd, -
	return $st
}

if [ "$BASELINE" != 0 ]; then
	echo "mutants.sh: the check on the unmutated tree ..."
	if ! run_check "$work/logs/baseline.log" > /dev/null; then
		echo "mutants.sh: the unmutated tree fails the check, so no mutant can be judged:" >&2
		grep -E '^FAIL ' "$work/logs/baseline.log" >&2
		tail -n 5 "$work/logs/baseline.log" >&2
		KEEP=1
		exit 2
	fi
fi

# ---------------------------------------------------------------- each bug
missed=0
rows=()
for n in "${selected[@]}"; do
	f=${m_file[$n]}
	cp "$f" "$work/orig"
	awk -v old="${m_old[$n]}" -v new="${m_new[$n]}" '$0 == old { print new; next } { print }' \
		"$work/orig" > "$f"
	if cmp -s "$f" "$work/orig"; then
		echo "mutants.sh: mutant $n changed nothing in $f" >&2
		exit 2
	fi
	echo "mutants.sh: $n (${m_sub[$n]}): ${m_what[$n]} ..."
	if ! make -j2 > "$work/logs/$n.build.log" 2>&1; then
		verdict="NOT BUILT" by="see $work/logs/$n.build.log"
		missed=1
	elif by=$(run_check "$work/logs/$n.log"); then
		verdict=MISSED by="-"
		missed=1
	else
		verdict=caught
		[ -n "$by" ] || by="(the check failed: $(tail -n 1 "$work/logs/$n.log"))"
	fi
	rows+=("$(printf '%-22s %-8s %-9s %s' "$n" "${m_sub[$n]}" "$verdict" "$by")")
	# The original back, newer than the objects built from the mutant.
	cp "$work/orig" "$f"
	touch "$f"
done

echo
printf '%-22s %-8s %-9s %s\n' mutant subsystem verdict "failing tests (first 4)"
printf '%s\n' "${rows[@]}"
caught=$(printf '%s\n' "${rows[@]}" | grep -c ' caught ')
echo "check-mutants: $caught of ${#rows[@]} planted bugs caught"
[ -n "$KEEP" ] && echo "logs kept in $work/logs"
exit $missed
