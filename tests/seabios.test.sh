#!/usr/bin/env bash
# seabios.test.sh - without -kernel bt86 boots as a PC does: Debian's SeaBIOS
# from the reset vector, its VGA BIOS, the ACPI tables through fw_cfg's table
# loader, and with no disk, "No bootable device" on the VGA text screen;
# with -smp 2, the AP started and counted by SeaBIOS; with -smp 3 (when gdb
# is installed, to read guest memory) three local APICs in the MADT.
# SeaBIOS's own log (debugcon on port 0x402, as QEMU users read it) says how
# far it got.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
fwdir=$(sed -n 's/^#define BT86_FIRMWARE_DIR "\(.*\)"$/\1/p' config.h 2> /dev/null)
[ -f "$fwdir/bios-256k.bin" ] || { echo "skipped: no SeaBIOS in ${fwdir:-?} (install seabios)"; exit 77; }
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null
	rm -rf "$work"
}
trap cleanup EXIT
fail=0
check() { # check DESCRIPTION GREP-PATTERN FILE
	if grep -qE -- "$2" "$3"; then
		echo "ok: $1"
	else
		echo "FAIL: $1 (no /$2/ in $3):"; head -n 80 "$3"; fail=1
	fi
}

# boot OUT ARGS...: bt86 until SeaBIOS's log shows PATTERN (in $want), then
# SIGTERM, which writes the screendump.
boot() {
	local out=$1
	shift
	timeout 60 "$BT86" -display none -serial "file:$work/$out.serial" -debugcon "file:$work/$out.log" \
		-global isa-debugcon.iobase=0x402 -screendump "$work/$out.ppm" "$@" \
		> "$work/$out.out" 2> "$work/$out.err" &
	pid=$!
	for _ in $(seq 600); do
		grep -qs -- "$want" "$work/$out.log" && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.05
	done
	sleep 0.3 # the screen refresh after the last message
	[ -n "${during:-}" ] && "$during" # a look at the machine before it ends
	kill "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	pid=
	${RUN_WRAPPER:-} tests/screentext "$work/$out.ppm" > "$work/$out.txt" 2>&1
}

want="No bootable device"
boot nodisk
check "SeaBIOS runs from the reset vector" "^SeaBIOS \(version" "$work/nodisk.log"
check "it recognizes QEMU's board" "Running on QEMU \(i440fx\)" "$work/nodisk.log"
check "it shadows itself in DRAM (PAM)" "Relocating init from" "$work/nodisk.log"
check "it places the ACPI tables from the table loader" "ACPI: parse DSDT at" "$work/nodisk.log"
check "the VGA BIOS runs" "Start SeaVGABIOS" "$work/nodisk.log"
check "the VGA BIOS finds the Bochs VBE framebuffer" "lfb_addr=e0000000" "$work/nodisk.log"
check "it finds the IDE controller" "ATA controller 1 at 1f0" "$work/nodisk.log"
check "SeaBIOS's banner on the screen" "^SeaBIOS \(version" "$work/nodisk.txt"
check "no disk: no bootable device, on the screen" "No bootable device" "$work/nodisk.txt"

# -nographic: as on QEMU, SeaBIOS mirrors its screen on COM1 (fw_cfg key 4).
timeout 60 "$BT86" -nographic -debugcon "file:$work/ng.log" -global isa-debugcon.iobase=0x402 \
	< /dev/null > "$work/ng.out" 2> "$work/ng.err" &
pid=$!
for _ in $(seq 600); do
	grep -qs "No bootable device" "$work/ng.out" && break
	kill -0 "$pid" 2> /dev/null || break
	sleep 0.05
done
kill "$pid" 2> /dev/null
wait "$pid" 2> /dev/null
pid=
check "-nographic: SeaBIOS's banner on COM1" "SeaBIOS \(version" "$work/ng.out"
check "-nographic: its boot messages on COM1" "No bootable device" "$work/ng.out"
check "-nographic: SeaBIOS's serial console is on" "sercon: using ioport 0x3f8" "$work/ng.log"
if [ ! -f "$work/nodisk.serial" ] || grep -q "SeaBIOS" "$work/nodisk.serial"; then
	echo "FAIL: without -nographic SeaBIOS wrote to COM1 (or no COM1 file)"; fail=1
fi

# -boot menu=on: SeaBIOS offers its menu before it boots (QEMU's fw_cfg key 0x0e).
want="Press ESC for boot menu"
boot menu -boot menu=on,splash-time=3000
check "menu=on: the boot menu is offered" "Press ESC for boot menu" "$work/menu.txt"
check "menu off (the default): no menu" "^SeaBIOS" "$work/nodisk.txt"
if grep -q "Press ESC" "$work/nodisk.txt"; then
	echo "FAIL: the boot menu was offered without menu=on"; fail=1
fi

# -smp 2: SeaBIOS sends INIT and Startup to all but itself; the AP counts
# itself in under SeaBIOS's lock, which the BSP frees only around a PAUSE,
# and halts.  QEMU's log with -smp 2 says the two lines checked.
want="No bootable device"
# Every backend this bt86 has (a cross build has only the interpreter).
for backend in $("$BT86" -backend help 2> /dev/null | awk '{ print $1 }'); do
	boot "smp-$backend" -smp 2 -backend $backend
	check "-smp 2 ($backend): the AP runs SeaBIOS's handle_smp" "^handle_smp: apic_id=0x1$" "$work/smp-$backend.log"
	check "-smp 2 ($backend): SeaBIOS found both CPUs" "^Found 2 cpu\(s\) max supported 2 cpu\(s\)" "$work/smp-$backend.log"
	check "-smp 2 ($backend): then it goes on to the boot" "No bootable device" "$work/smp-$backend.txt"
done

# The MADT SeaBIOS placed from the table loader, read through bt86's gdb
# stub once SeaBIOS is done: a local APIC for every CPU (QEMU's, read the
# same way with -smp 3, lists three).
if command -v gdb > /dev/null; then
	cat > "$work/madt.py" << 'EOF'
import struct
inf = gdb.selected_inferior()
def mem(a, n):
    return bytes(inf.read_memory(a, n))
def u32(b, o=0):
    return struct.unpack_from("<I", b, o)[0]
fseg = mem(0xe0000, 0x20000)
rsdp = [o for o in range(0, len(fseg) - 20, 16)
        if fseg[o:o + 8] == b"RSD PTR " and sum(fseg[o:o + 20]) & 0xff == 0]
lapics = None
if rsdp:
    rsdt = u32(fseg, rsdp[0] + 16)
    for e in range(36, u32(mem(rsdt + 4, 4)), 4):
        t = u32(mem(rsdt + e, 4))
        if mem(t, 4) == b"APIC":
            body = mem(t, u32(mem(t + 4, 4)))
            lapics, p = 0, 44
            while p + 2 <= len(body) and body[p + 1] >= 2:
                if body[p] == 0 and body[p + 4] & 1: # processor local APIC, enabled
                    lapics += 1
                p += body[p + 1]
print("madt: %s enabled local APICs" % lapics)
EOF
	madt() {
		timeout 30 gdb -batch -nx -ex "set architecture i386" -ex "target remote :$port" \
			-ex "source $work/madt.py" > "$work/madt.out" 2>&1
	}
	want="No bootable device"
	for _ in 1 2 3 4 5; do # a random port, again when it is taken
		port=$((20000 + RANDOM % 40000))
		during=madt boot madt -smp 3 -gdb "tcp::$port"
		grep -qs "cannot listen" "$work/madt.err" || break
	done
	check "-smp 3: the MADT from the table loader lists three local APICs" \
		"^madt: 3 enabled local APICs" "$work/madt.out"
else
	echo "note: gdb is not installed: no look at the MADT"
fi
[ $fail = 0 ] && echo "seabios: all checks passed"
exit $fail
