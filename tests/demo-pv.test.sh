#!/usr/bin/env bash
# demo-pv.test.sh - the demo OS built twice (guests/demo: demo.elf, full
# virtualization; demo-pv.elf, bt86's hypercalls and virtio-blk) runs the
# same three workloads (fork, timer, disk) at a small scale:
#  - the results agree: the fork checksum and the timer's wakeups between
#    the two builds, on bt86 and under QEMU, and the disk checksum between
#    the full build on bt86, the full build under QEMU (IDE) and the
#    paravirtual build under QEMU (virtio-blk);
#  - the disk on the paravirtual build on bt86 (virtio-blk): the checksum
#    must agree too;
#  - -stats-json: the paravirtual build's workloads add no CLI, STI, OUT,
#    MOV to CR, INVLPG or HLT monitor entry to those of a boot that runs no
#    workload (same options, "run=exit"), and exactly the MMU batches the
#    source makes (11 per fork + 2); the full build's add many of each
#    (9 INVLPG and 3 MOV CR3 per fork, exactly).
# Environment (from run-tests.sh): BT86, BUILDDIR, RUN_WRAPPER.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=$(mktemp -d "${TMPDIR:-/tmp}/demo-pv.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }

FORKS=40 SLEEPS=40 REQS=24
RUN="fork $FORKS;timer $SLEEPS 200;disk $REQS;exit"
EXITDEV=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)

for f in guests/demo/demo.elf guests/demo/demo-pv.elf; do
	[ -f $f ] || { echo "FAIL: $f not built"; exit 1; }
done
command -v jq > /dev/null || { echo "skipped: jq is not installed"; exit 77; }
for d in full pv qfull qpv; do
	dd if=/dev/zero of="$work/$d.img" bs=64k count=16 2> /dev/null
done

# bt86 NAME ELF APPEND OPTS...: serial to $work/NAME.out, stats to NAME.json
bt86() {
	local name=$1 elf=$2 append=$3
	shift 3
	timeout 120 "$BT86" -kernel "$elf" -append "$append" -nographic "${EXITDEV[@]}" \
		-stats-json "$work/$name.json" "$@" < /dev/null 2> "$work/$name.err" |
		tr -d '\r' > "$work/$name.out"
	local st=${PIPESTATUS[0]}
	[ "$st" = 1 ] || { bad "bt86 $name: exit status $st, want 1"; cat "$work/$name.err"; tail -5 "$work/$name.out"; }
}
results() { grep -E '^  (fork check:|[0-9]+ sleeps of|disk check:)' "$1"; }
n() { jq ".monitor.\"$2\" // 0" "$work/$1.json"; }

bt86 full guests/demo/demo.elf "run=$RUN" -drive "file=$work/full.img,if=ide,format=raw"
bt86 full0 guests/demo/demo.elf "run=exit" -drive "file=$work/full.img,if=ide,format=raw"

pv_drive=(-drive "file=$work/pv.img,if=virtio,format=raw")
bt86 pv guests/demo/demo-pv.elf "run=$RUN" -cpu bt86,pv=on "${pv_drive[@]}"
bt86 pv0 guests/demo/demo-pv.elf "run=exit" -cpu bt86,pv=on "${pv_drive[@]}"

grep -q '^  bt86 hypercalls: vif, MMU batches' "$work/pv.out" ||
	bad "the paravirtual build did not find bt86's hypercalls"
results "$work/full.out" > "$work/full.res"
results "$work/pv.out" > "$work/pv.res"
cat "$work/full.res"
[ "$(wc -l < "$work/full.res")" = 3 ] || bad "the full build printed $(wc -l < "$work/full.res") of 3 results"
grep -q "^  disk check: $((REQS * 4)) KiB, crc32 [0-9a-f]*, 0 bad bytes, 0 failed requests$" "$work/full.res" ||
	bad "the full build's disk check"
grep -q "^  $SLEEPS sleeps of 200 us, $SLEEPS wakeups$" "$work/full.res" || bad "the full build's wakeups"
grep -q '^  [0-9]* copy-on-write copies, [0-9]* reuses, 0 frames leaked$' "$work/full.out" ||
	bad "the full build's fork leaks frames"
diff -u --label full --label pv "$work/full.res" "$work/pv.res" &&
	ok "bt86: fork, timer and disk results agree, full and paravirtual"
[ $? = 0 ] || fail=1

# Monitor entries: the workloads' share is the run minus the boot alone.
for c in cli sti out mov_to_cr invlpg hlt; do
	d=$(($(n pv "$c") - $(n pv0 "$c")))
	[ "$d" = 0 ] && ok "paravirtual workloads: 0 more $c entries" ||
		bad "paravirtual workloads: $d $c monitor entries"
	e=$(($(n full "$c") - $(n full0 "$c")))
	[ "$e" -ge "$FORKS" ] && ok "full workloads: $e $c entries" ||
		bad "full workloads: only $e $c monitor entries"
done
[ $(($(n full invlpg) - $(n full0 invlpg))) = $((9 * FORKS)) ] ||
	bad "full: INVLPG entries not 9 per fork"
[ $(($(n full mov_to_cr) - $(n full0 mov_to_cr))) = $((3 * FORKS + 2)) ] ||
	bad "full: MOV to CR entries not 3 per fork + 2"
d=$(($(n pv hc_mmu_batch) - $(n pv0 hc_mmu_batch)))
[ "$d" = $((11 * FORKS + 2)) ] && ok "paravirtual: $d MMU batches" ||
	bad "paravirtual: $d MMU batches, want $((11 * FORKS + 2))"
d=$(($(n pv hc_halt) - $(n pv0 hc_halt)))
[ "$d" -ge "$SLEEPS" ] && ok "paravirtual: $d HC_HALT" || bad "paravirtual: $d HC_HALT"

# QEMU: the full build's results, both builds (the paravirtual one without
# hypercalls there, but with its virtio-blk).
qemu=$(command -v qemu-system-i386)
if [ -n "${RUN_WRAPPER:-}" ]; then
	echo "qemu part skipped: a cross build; the native make check compares with QEMU"
elif [ -z "$qemu" ]; then
	echo "qemu part skipped: qemu-system-i386 not installed"
else
	for v in "qfull guests/demo/demo.elf ide" "qpv guests/demo/demo-pv.elf virtio"; do
		set -- $v
		timeout 120 "$qemu" -kernel "$2" -append "run=$RUN" -nographic -no-reboot -m 128 \
			"${EXITDEV[@]}" -drive "file=$work/$1.img,if=$3,format=raw" < /dev/null 2>&1 |
			tr -d '\r' > "$work/$1.out"
		results "$work/$1.out" > "$work/$1.res"
		diff -u --label bt86-full --label "qemu-$1" "$work/full.res" "$work/$1.res" &&
			ok "qemu $2 ($3): the same fork, timer and disk results" ||
			{ fail=1; tail -5 "$work/$1.out"; }
	done
	grep -q '^  no bt86 hypercalls (CPUID 0x40000000' "$work/qpv.out" ||
		bad "qemu: the paravirtual build does not say that it has no hypercalls"
fi
[ $fail = 0 ] && echo "demo-pv: full and paravirtual builds agree; no CLI/STI/OUT/MOV CR/INVLPG/HLT from the paravirtual workloads"
exit $fail
