#!/usr/bin/env bash
# string-io.test.sh - INS and OUTS are privileged instructions, so each one
# is a monitor entry like IN and OUT: -d in_asm tags them [privileged],
# -stats-json counts them under "ins"/"outs" and in the privileged class,
# and -d monitor logs each entry.  guests/strio makes exactly 3 OUTS and
# 2 INS (its source says which).
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
command -v jq > /dev/null || { echo "skipped: jq is not installed (./configure --install-deps)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timeout 60 "$BT86" -kernel guests/strio/strio.elf -display none -serial null \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -stats-json "$work/s.json" \
	-d in_asm,monitor -D "$work/log" < /dev/null > /dev/null 2> "$work/err"
st=$?
[ "$st" = 1 ] || { echo "FAIL: bt86 exited with $st, not the guest's 1:"; cat "$work/err"; exit 1; }
fail=0
check() { # DESCRIPTION COMMAND...
	if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
jqtrue() { [ "$(jq "$1" "$work/s.json")" = true ]; }
check "-stats-json counts 3 OUTS" jqtrue '.monitor.outs == 3'
check "-stats-json counts 2 INS" jqtrue '.monitor.ins == 2'
check "the string helper runs no INS/OUTS" jqtrue '(.monitor.string // 0) == 0'
check "the privileged class holds IN, OUT, INS, OUTS and CLI" \
	jqtrue '.monitor_by_class.privileged.count == .monitor.in + .monitor.out + .monitor.ins + .monitor.outs + .monitor.cli'
n() { grep -c "$1" "$work/log"; }
check "-d monitor logs 3 OUTS entries" [ "$(n '^MONITOR: outs ')" = 3 ]
check "-d monitor logs 2 INS entries" [ "$(n '^MONITOR: ins ')" = 2 ]
check "-d in_asm tags rep outsb [privileged]" grep -q 'rep outsb.*\[privileged\]' "$work/log"
check "-d in_asm tags insb [privileged]" grep -q ' insb .*\[privileged\]' "$work/log"
exit $fail
