#!/usr/bin/env bash
# boot.sh - the Linux boot test: Debian 12's own i386 kernel (linux-image-686)
# with a busybox initramfs, booted the way qemu-system-i386 users do, driven
# to a shell on ttyS0 and back out:
#
#   bt86 -kernel vmlinuz -initrd initrd.img -append "console=ttyS0 console=tty0" \
#        -nographic -m 256 -no-reboot -sendkeys ... -sendkeys-when ...
#
# Checks a command typed on the PS/2 keyboard at the VGA console's shell,
# uname, /proc/cpuinfo against bt86's CPUID, a sha256sum and a gzip round
# trip of a file whose checksum is computed here on the host, a dmesg
# without unexpected warnings or errors, the ACPI tables, PM timer and HPET
# in dmesg, then "poweroff -f" (ACPI S5) must end bt86 with status 0.  Each step has a time limit; on failure bt86 is killed and the
# serial log is kept (BOOT_WORK, default $BUILDDIR/tests/boot-work/boot.log).
# Exit 77 ("skipped: reason") only when the packages cannot be fetched.
#
# BOOT_KVM=1 boots with -cpu bt86,kvm=on (docs/paravirt.md) and checks that
# the kernel found KVM and took kvm-clock as its clocksource, instead of the
# TSC it calibrated against the PIT.  BOOT_OPTS adds bt86 options (split on
# spaces), e.g. BOOT_OPTS="-stats-json s.json" to compare monitor entries.
# BOOT_SMP (default 4) is -smp: Linux must bring every CPU online, and each
# CPU's local APIC timer must tick.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
BT86=${BT86:-$BUILDDIR/bt86}
work=${BOOT_WORK:-$BUILDDIR/tests/boot-work}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-600}
STEP_TIMEOUT=${STEP_TIMEOUT:-120}
mkdir -p "$work"
log=$work/boot.log
kvm=${BOOT_KVM:-0}
smp=${BOOT_SMP:-4}
read -r -a opts <<<"${BOOT_OPTS:-}"
opts+=(-smp "$smp")
[ "$kvm" = 1 ] && opts+=(-cpu bt86,kvm=on)

"$here/fetch.sh" "$work" > "$work/fetch.log" 2>&1
st=$?
if [ $st = 77 ]; then
	grep '^skipped:' "$work/fetch.log"
	exit 77
elif [ $st != 0 ]; then
	echo "FAIL: fetching the kernel and building the initramfs:"
	cat "$work/fetch.log"
	exit 1
fi
head -n 1 "$work/fetch.log"

fifo=$work/stdin
rm -f "$fifo" "$log"
mkfifo "$fifo"
# Both consoles, the VGA one last: it is /dev/console, as with console=tty0
# alone, and a shell that follows /dev/console (busybox cttyhack) would land
# on tty1 next to the VGA shell; the one-shell-per-console check sees that.
"$BT86" -kernel "$work/vmlinuz" -initrd "$work/initrd.img" -append "console=ttyS0 console=tty0" \
	-nographic -m 256 -no-reboot "${opts[@]}" -sendkeys 'echo kbd-$((6*7)) >/dev/ttyS0\n' \
	-sendkeys-when 'bt86-vga# ' < "$fifo" > "$log" 2>&1 &
pid=$!
exec 3> "$fifo"
start=$(date +%s.%N)
elapsed() { awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

fail() {
	echo "FAIL: $*"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "serial log: $log (last lines below)"
	tail -n 25 "$log" | tr -d '\r'
	exit 1
}

# wait_for PATTERN SECONDS: until the serial log has a line matching PATTERN.
wait_for() {
	local i
	for ((i = 0; i < $2 * 5; i++)); do
		tr -d '\r' < "$log" | grep -q -E -- "$1" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

n=0
# run CMD: type it on the serial console, put its output in $out.
run() {
	n=$((n + 1))
	printf 'echo @@B%d; %s; echo @@E%d=$?\n' $n "$1" $n >&3
	wait_for "^@@E$n=[0-9]+" "$STEP_TIMEOUT" || fail "no answer to '$1' within ${STEP_TIMEOUT}s"
	out=$(tr -d '\r' < "$log" | awk -v b="@@B$n" -v e="^@@E$n=" '$0 == b { on = 1; next } $0 ~ e { on = 0 } on')
}

wait_for '^init: up after' "$BOOT_TIMEOUT" || fail "no shell within ${BOOT_TIMEOUT}s"
wait_for 'bt86-linux# ' 30 || fail "no prompt"
echo "ok: shell after $(elapsed) s ($(grep -a -o 'init: up after .*' "$log" | tr -d '\r'))"

# The keyboard: bt86 types a command at the VGA console's shell once its
# prompt shows on the text screen; the shell's answer comes out on ttyS0.
wait_for 'kbd-42' "$STEP_TIMEOUT" || fail "the command typed on the PS/2 keyboard did not run"
echo "ok: a command typed on the PS/2 keyboard ran in the VGA console's shell"

# One interactive shell per console: a shell whose stdin and stdout are the
# same tty, counted by tty.  The loop's own children (command substitutions,
# the pipeline) come and go while it walks /proc, so a process that is gone
# by the time its cmdline is read is normal: that error goes to /dev/null.
run 'for p in /proc/[0-9]*; do i=$(readlink $p/fd/0); [ "$i" = "$(readlink $p/fd/1)" ] && [ "$(tr "\0" " " <$p/cmdline)" = "sh -i " ] && echo "$i"; done 2>/dev/null | sort | uniq -c | tr -s " "'
[ "$out" = " 1 /dev/tty1
 1 /dev/ttyS0" ] || fail "interactive shells by tty: '$out' (want one on tty1, one on ttyS0)"
echo "ok: one shell per console (tty1, ttyS0)"

run 'uname -a'
grep -q ' 6\.1\.' <<<"$out" && grep -q 'i686' <<<"$out" || fail "uname -a: '$out' (want 6.1, i686)"
echo "ok: uname -a: $out"

# What monitor/monitor.c's CPUID says: GenuineIntel family 6 model 3 stepping 3,
# EDX = FPU PSE TSC MSR PAE MCE CX8 SEP PGE MCA CMOV FXSR, the brand string; no MMX/SSE.
run 'cat /proc/cpuinfo'
cpuinfo=$out
field() { sed -n "s/^$1[[:space:]]*: //p" <<<"$cpuinfo" | head -n 1; }
[ "$(field vendor_id)" = GenuineIntel ] || fail "cpuinfo vendor_id: $(field vendor_id)"
[ "$(field 'cpu family')" = 6 ] || fail "cpuinfo cpu family: $(field 'cpu family')"
[ "$(field model)" = 3 ] || fail "cpuinfo model: $(field model)"
[ "$(field stepping)" = 3 ] || fail "cpuinfo stepping: $(field stepping)"
[ "$(field 'model name')" = "bt86 virtual i686 CPU" ] || fail "cpuinfo model name: $(field 'model name')"
[ "$(field fpu)" = yes ] || fail "cpuinfo fpu: $(field fpu)"
flags=" $(field flags) "
for f in fpu pse tsc msr pae mce cx8 apic sep pge mca cmov fxsr; do
	grep -q " $f " <<<"$flags" || fail "cpuinfo flags lack $f:$flags"
done
for f in mmx sse sse2; do
	grep -q " $f " <<<"$flags" && fail "cpuinfo flags have $f, which bt86's CPUID does not:$flags"
done
echo "ok: /proc/cpuinfo:$flags"

want=$(sha256sum < "$work/payload" | cut -d' ' -f1)
run 'sha256sum /payload'
[ "$(cut -d' ' -f1 <<<"$out")" = "$want" ] || fail "sha256sum /payload: '$out', host says $want"
echo "ok: sha256sum /payload = host's $want"
run 'gzip -c /payload | gunzip -c | sha256sum'
[ "$(cut -d' ' -f1 <<<"$out")" = "$want" ] || fail "gzip round trip: '$out', want $want"
echo "ok: gzip | gunzip round trip"

# With ACPI on, Linux says where its PCI windows come from (QEMU's guests print
# it too; there is no bug in it but the word).
run "dmesg | grep -i -E 'warn|bug|error'"
unexpected=$(grep -v -F 'PCI: Using host bridge windows from ACPI; if necessary, use "pci=nocrs" and report a bug' <<<"$out" | grep -v '^$')
[ -z "$unexpected" ] || fail "unexpected in dmesg:
$unexpected"
echo "ok: dmesg has no unexpected warnings or errors"

if [ "$kvm" = 1 ]; then
	# kvmclock: the pvclock record bt86 writes (monitor/kvm_para.c) gives
	# the TSC's rate (1 GHz) and the time; no calibration against the PIT.
	run "dmesg | grep -E 'Hypervisor detected|kvm-clock|tsc: Detected|Switched to clocksource'"
	kvmlog=$out
	for want in 'Hypervisor detected: KVM' 'kvm-clock: Using msrs 4b564d01 and 4b564d00' \
		'tsc: Detected 1000.000 MHz processor' 'Switched to clocksource kvm-clock'; do
		grep -q -F "$want" <<<"$kvmlog" || fail "no '$want' in dmesg with kvm=on:
$kvmlog"
	done
	run 'cat /sys/devices/system/clocksource/clocksource0/current_clocksource'
	[ "$out" = kvm-clock ] || fail "current clocksource: '$out' (want kvm-clock)"
	grep -q ' hypervisor ' <<<"$flags" || fail "cpuinfo flags lack hypervisor with kvm=on:$flags"
	echo "ok: KVM detected, kvm-clock is the clocksource, TSC 1000.000 MHz from the pvclock record"
fi

# The TSC calibrated against PIT channel 2 (gated through port 0x61), and
# still the clocksource: the PIT, the TSC and everything else in bt86 follow
# one virtual clock that skips bt86's own pauses (base/timer.h).
run "dmesg | grep -i -E 'tsc|clocksource|calibrat'"
tsclog=$out
grep -q 'tsc: Detected [0-9.]* MHz processor' <<<"$tsclog" || fail "no 'tsc: Detected ... MHz processor' in dmesg:
$tsclog"
bad=$(grep -E 'Unable to calibrate|calibration failed|unstable|Switched to clocksource (pit|jiffies|refined-jiffies)' <<<"$tsclog")
[ -z "$bad" ] || fail "the TSC did not calibrate or was dropped:
$bad"
run "grep -m 1 'cpu MHz' /proc/cpuinfo"
mhz=$(sed -n 's/^cpu MHz[[:space:]]*: //p' <<<"$out")
awk -v m="$mhz" 'BEGIN { exit !(m > 0) }' || fail "/proc/cpuinfo: '$out' (want a calibrated rate)"
echo "ok: $(grep -o 'tsc: Detected.*' <<<"$tsclog" | head -n 1), cpu MHz $mhz, clocksource $(grep -o 'Switched to clocksource [a-z-]*' <<<"$tsclog" | tail -n 1 | cut -d' ' -f4)"

# The firmware's side of ACPI (machine/acpi_tables.c): Linux finds the
# tables bt86 leaves in the F segment, the PM timer and the HPET (hw/), and
# the PNP devices of the DSDT, through which its i8042 and RTC drivers probe.
run "dmesg | grep -E 'ACPI: (RSDP|RSDT|FACP|DSDT|FACS|APIC|HPET) |PM-Timer IO Port|hpet0: |clocksource: (acpi_pm|hpet):|PnP ACPI: found|i8042: PNP:|ACPI: PM: \\(supports'"
acpilog=$out
for want in 'ACPI: RSDP 0x00000000000F0000' 'ACPI: RSDT ' 'ACPI: FACP ' 'ACPI: DSDT ' 'ACPI: FACS ' \
	'ACPI: APIC ' 'ACPI: HPET ' 'ACPI: PM-Timer IO Port: 0x608' \
	'hpet0: 3 comparators, 64-bit 100.000000 MHz counter' 'clocksource: acpi_pm:' \
	'clocksource: hpet:' 'PnP ACPI: found 5 devices' 'i8042: PNP: PS/2 Controller' \
	'ACPI: PM: (supports S0 S5)'; do
	grep -q -F "$want" <<<"$acpilog" || fail "no '$want' in dmesg:
$acpilog"
done
echo "ok: ACPI tables, PM timer, HPET and the DSDT's devices found ($(grep -c . <<<"$acpilog") lines)"

# The APICs (hw/lapic.c, hw/ioapic.c): with the MADT Linux leaves the 8259
# for symmetric I/O mode, routes the timer through the I/O APIC's pin 2 (no
# fallback to virtual wire or ExtINT), and its interrupts and the local
# APIC timer's tick keep coming.
run "dmesg | grep -E 'Enabling APIC mode|\\.\\.TIMER:|IO-APIC|ExtINT|virtual wire|8254 timer not connected'"
apiclog=$out
grep -q 'Enabling APIC mode: .*Using 1 I/O APICs' <<<"$apiclog" || fail "Linux did not enable the I/O APIC:
$apiclog"
grep -q '\.\.TIMER: vector=0x30 apic1=0 pin1=2 ' <<<"$apiclog" || fail "the timer is not on I/O APIC pin 2:
$apiclog"
bad=$(grep -E 'ExtINT|virtual wire|not connected|MP-BIOS bug' <<<"$apiclog")
[ -z "$bad" ] || fail "the timer needed a fallback:
$bad"
run "grep -E '^ *(0|LOC):' /proc/interrupts"
loc1=$(awk '$1 == "LOC:" { print $2 }' <<<"$out")
grep -q 'IO-APIC' <<<"$out" || fail "IRQ 0 is not an IO-APIC interrupt in /proc/interrupts:
$out"
sleep 1
run "grep -E '^ *LOC:' /proc/interrupts"
loc2=$(awk '$1 == "LOC:" { print $2 }' <<<"$out")
[ "${loc2:-0}" -gt "${loc1:-0}" ] 2>/dev/null || fail "the local APIC timer does not tick: LOC $loc1, then $loc2"
echo "ok: symmetric I/O mode, the timer on I/O APIC pin 2, local APIC timer ticking (LOC $loc1 -> $loc2)"

# -smp: the application processors started through INIT and SIPI, online,
# each with its local APIC timer ticking (no CPU's LOC count stays at 0).
run "nproc; cat /sys/devices/system/cpu/online; dmesg | grep -E 'smp: Brought up|CPU.*failed|stuck|unsynchronized'"
smplog=$out
[ "$(head -n 1 <<<"$smplog")" = "$smp" ] || fail "nproc is not $smp:
$smplog"
want_online=0
[ "$smp" -gt 1 ] && want_online=0-$((smp - 1))
[ "$(sed -n 2p <<<"$smplog")" = "$want_online" ] || fail "online CPUs are not $want_online:
$smplog"
grep -q "smp: Brought up 1 node, $smp CPU" <<<"$smplog" || fail "Linux did not bring up $smp CPUs:
$smplog"
bad=$(grep -E 'failed|stuck|unsynchronized' <<<"$smplog")
[ -z "$bad" ] || fail "a CPU failed to come up, or the TSCs disagree:
$bad"
run "grep -E '^ *LOC:' /proc/interrupts"
ticks=$(awk -v n="$smp" '$1 == "LOC:" { for (i = 2; i <= n + 1; i++) if ($i + 0 == 0) z = 1; print (z ? "idle" : "all") }' <<<"$out")
[ "$ticks" = all ] || fail "a CPU's local APIC timer never ticked: $out"
echo "ok: -smp $smp: nproc $smp, CPUs $want_online online, every local APIC timer ticking ($(tr -s ' ' <<<"$out"))"

# ACPI S5 (hw/acpi_pm.c): the power-off ends bt86 with status 0, as in QEMU,
# and it is not the reset path (-no-reboot would also exit 0, with a message).
printf 'poweroff -f\n' >&3
for ((i = 0; i < STEP_TIMEOUT * 5; i++)); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
kill -0 "$pid" 2>/dev/null && fail "bt86 still running ${STEP_TIMEOUT}s after poweroff -f"
wait "$pid"
st=$?
exec 3>&-
[ $st = 0 ] || fail "bt86 exited with status $st after poweroff -f (want 0)"
grep -q 'exiting (-no-reboot)' "$log" && fail "poweroff -f reset the machine instead of powering it off"
echo "ok: poweroff -f: bt86 exited with status 0"
echo "boot test passed in $(elapsed) s"
