#!/usr/bin/env bash
# background.test.sh - "bt86 -nographic ... &" at an interactive shell: the
# job keeps running (a background job that touches the terminal's modes or
# reads it is stopped by SIGTTOU/SIGTTIN), the shell keeps its input, and
# after "fg" the guest's console reads the keyboard; the terminal's modes
# are back at the end.  An interactive bash on a pseudo-terminal (script(1))
# stands for the person at the keyboard; its input comes with pauses, as
# typed.
set -u
if [ -n "${RUN_WRAPPER:-}" ]; then
	echo "skipped: a cross build: job control of bt86 itself, not of its wrapper"
	exit 77
fi
command -v script > /dev/null || { echo "skipped: script(1) (util-linux) is not installed"; exit 77; }
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
BT86=${BT86:-$BUILDDIR/bt86}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

{
	sleep 1
	echo 'PS1="sh$ "'
	echo "'$BT86' -kernel '$BUILDDIR/guests/demo/demo.elf' -nographic -device isa-debug-exit,iobase=0xf4,iosize=0x04 &"
	sleep 3
	echo 'jobs -l; echo shell-reads-its-input'
	sleep 1
	echo 'fg'
	sleep 1
	printf 'exit\r'
	sleep 2
	echo 'echo "bt86-status=$?"; stty -a | grep -o -- "-\?icanon"'
	sleep 1
	echo 'kill %1 2>/dev/null; exit'
} | timeout 60 script -qfec "bash --norc --noprofile -i" /dev/null 2>&1 | tr -d '\r' | sed 's/\x1b\[[?0-9;]*[a-zA-Z]//g' > "$work/out"

check() { # DESCRIPTION ERE
	if grep -qE -- "$2" "$work/out"; then
		echo "ok: $1"
	else
		echo "FAIL: $1 (no /$2/)"; fail=1
	fi
}
check "the background job runs" '^\[1\]\+ +[0-9]+ Running +.*bt86'
if grep -q 'Stopped' "$work/out"; then
	echo "FAIL: the background job was stopped"; fail=1
fi
check "the shell reads its own input meanwhile" '^shell-reads-its-input'
check "after fg, the guest reads the keyboard" '^  bye'
check "... and its exit ends bt86 (isa-debug-exit 0)" 'bt86-status=1$'
check "the terminal is back in canonical mode" '^icanon$'
[ $fail = 0 ] || { echo "the session:"; tail -30 "$work/out"; }
exit $fail
