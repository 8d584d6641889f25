#!/bin/bash
# bochs-run.sh - boot a multiboot guest under Bochs, print its COM1 output.
#
# usage: bochs-run.sh GUEST_ELF [APPEND] [OUT]
#
# Bochs is bt86's second reference emulator, for what QEMU's TCG does not
# model (segment limit and type checks on data accesses). Bochs cannot load
# a multiboot kernel by itself, so this builds a small GRUB ISO
# (grub-mkrescue) holding the ELF and boots it from an ATAPI CD-ROM with
# Bochs' own BIOS, COM1 going to a file.
#
# GRUB hands a multiboot kernel only the words after the file name, where
# QEMU and bt86 hand it "FILE CMDLINE"; so the menu entry names GUEST_ELF
# (as given, e.g. guests/NAME/NAME.elf) as the first word and the guest sees
# the same string it sees under QEMU. GRUB splits the line into words, so runs
# of spaces in APPEND come out as one.
#
# The guests end with a write to isa-debug-exit (port 0xf4), which Bochs
# lacks; exit() then parks the CPU with CLI; HLT. Bochs notes "HLT
# instruction with IF=0" in its log: that is the end of the run, and Bochs is
# killed. The written value is not reported (Bochs ignores the port). A
# triple fault makes Bochs reset and quit (status 1 here) before its UART has
# sent the last bytes, so such a guest's output lacks its end.
#
# Environment: BOCHS_TIMEOUT (seconds, default 180), BOCHS_CPU (a model from
# "bochs --help cpu", default p3_katmai: a P6 with PSE, PAE, PGE, SEP, CMOV,
# FXSR, like QEMU's default CPU), BOCHS_KEEP=1 keeps the work directory (the
# bochsrc, Bochs' log) and says where.
#
# Output: the guest's serial output on stdout, or in OUT. Exit status: 0 when
# the guest halted, 124 on timeout (the output so far is still printed), 77
# when Bochs or GRUB is not installed (with the reason on stderr), 1 when
# Bochs failed, 2 for bad usage.

set -u

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
	echo "usage: $0 GUEST_ELF [APPEND] [OUT]" >&2
	exit 2
fi
elf=$1 append=${2:-} out=${3:-}
timeout_s=${BOCHS_TIMEOUT:-180}
cpu=${BOCHS_CPU:-p3_katmai}
bios=/usr/share/bochs/BIOS-bochs-latest
vgabios=/usr/share/vgabios/vgabios.bin

if [ ! -f "$elf" ]; then
	echo "$0: $elf: no such file" >&2
	exit 2
fi
for tool in bochs grub-mkrescue xorriso mformat; do
	if ! command -v "$tool" > /dev/null; then
		echo "$tool not installed (./configure --install-deps installs bochs, grub-pc-bin, xorriso, mtools)" >&2
		exit 77
	fi
done
for f in "$bios" "$vgabios" /usr/lib/grub/i386-pc/multiboot.mod; do
	if [ ! -f "$f" ]; then
		echo "$f missing (packages bochsbios, vgabios, grub-pc-bin)" >&2
		exit 77
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/bochs-run.XXXXXX")
bochs_pid=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ -n "$bochs_pid" ] && kill "$bochs_pid" 2> /dev/null && wait "$bochs_pid" 2> /dev/null
	if [ "${BOCHS_KEEP:-0}" = 1 ]; then
		echo "bochs-run: work directory kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# grub.cfg quoting: single quotes as in sh, a quote itself as '\''.
gq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

mkdir -p "$work/iso/boot/grub"
cp "$elf" "$work/iso/boot/guest.elf"
{
	echo "set timeout=0"
	echo "menuentry guest {"
	printf '  multiboot /boot/guest.elf %s' "$(gq "$elf")"
	# shellcheck disable=SC2086 # GRUB splits the command line into words too
	for w in $append; do printf ' %s' "$(gq "$w")"; done
	echo
	echo "  boot"
	echo "}"
} > "$work/iso/boot/grub/grub.cfg"
if ! grub-mkrescue -o "$work/guest.iso" "$work/iso" > "$work/grub-mkrescue.log" 2>&1; then
	echo "grub-mkrescue failed:" >&2
	tail -n 5 "$work/grub-mkrescue.log" >&2
	exit 1
fi

# ips: Bochs' virtual instructions per second, which only sets the guest's
# notion of time (the PIT, TSC): clock sync=none runs as fast as the host can.
# The SDL2 GUI on SDL's dummy video driver shows nothing and needs no display
# (Debian's bochs has no "nogui"; its rfb one would open a VNC port).
cat > "$work/bochsrc" << EOF
megs: 128
romimage: file=$bios
vgaromimage: file=$vgabios
cpu: model=$cpu, ips=50000000
ata0-master: type=cdrom, path=$work/guest.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$work/com1.out
display_library: sdl2
clock: sync=none, time0=946684800
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
log: $work/bochs.log
panic: action=fatal
error: action=report
info: action=ignore, cpu0=report
debug: action=ignore
EOF
# Debian's Bochs has the debugger built in and waits at its prompt first.
echo c > "$work/debugger.rc"

: > "$work/com1.out"
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy \
	bochs -q -f "$work/bochsrc" -rc "$work/debugger.rc" < /dev/null > "$work/bochs.out" 2>&1 &
bochs_pid=$!

status=124
deadline=$((SECONDS + timeout_s))
while [ $SECONDS -lt $deadline ]; do
	if grep -q 'HLT instruction with IF=0' "$work/bochs.log" 2> /dev/null; then
		# Bochs' UART takes the time of the baud rate to shift a byte
		# out, so the last ones reach the file after the guest halts
		# (virtual time goes on in HLT): wait until the file stops growing.
		size=-1
		while [ "$size" != "$(stat -c %s "$work/com1.out")" ] && [ $SECONDS -lt $deadline ]; do
			size=$(stat -c %s "$work/com1.out")
			sleep 0.3
		done
		status=0
		break
	fi
	if ! kill -0 "$bochs_pid" 2> /dev/null; then
		wait "$bochs_pid"
		echo "bochs stopped before the guest halted (status $?):" >&2
		grep -E '^[0-9]+[ep]\[|PANIC' "$work/bochs.log" "$work/bochs.out" | tail -n 10 >&2
		status=1
		break
	fi
	sleep 0.5
done
kill "$bochs_pid" 2> /dev/null
wait "$bochs_pid" 2> /dev/null
bochs_pid=
[ $status = 124 ] && echo "bochs-run: timed out after ${timeout_s}s" >&2

if [ -n "$out" ]; then
	cp "$work/com1.out" "$out"
else
	cat "$work/com1.out"
fi
exit $status
