#!/usr/bin/env bash
# cli-errors.test.sh - bad command lines and bad kernel files get a clear
# message and exit status 2, never a crash; the QEMU options bt86 accepts
# run the guest.  Table-driven: each row is the exact expected status, a
# pattern (grep -E, case-insensitive, never empty) the output must match,
# and the options.
#
# Status 2 and not 1: a guest that writes 0 to isa-debug-exit makes bt86
# (and QEMU) exit 1, which harnesses read as a pass.  A usage error is one
# line of output and nothing else: no display message before it either.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# Probe kernels: a row whose probe cannot be built fails, never vanishes.
probe() { # OUT CFLAGS... < assembly
	local out=$1
	shift
	cat > "$work/probe.S"
	if ! cc -nostdlib -static "$@" -o "$work/$out" "$work/probe.S" 2> "$work/cc.err"; then
		echo "FAIL: cannot build the probe $out (cc $*): $(head -3 "$work/cc.err")"
		fail=1
	fi
}
# A 64-bit ELF that carries a multiboot header: "not i386" must be said.
probe x86_64.elf <<'S'
.text
.globl _start
_start:
.long 0x1badb002, 0, -0x1badb002
hlt
S
# An i386 multiboot ELF whose .bss does not fit in 4 MiB of RAM.
probe big.elf -m32 -Wl,-Ttext=0x100000 <<'S'
.text
.globl _start
_start:
.long 0x1badb002, 0, -0x1badb002
hlt
.bss
.lcomm big, 8388608
S
printf 'this is not a kernel\n' > "$work/text.bin"
# A multiboot header in a file that is not ELF and gives no load addresses.
printf '\x02\xb0\xad\x1b\x00\x00\x00\x00\xfe\x4f\x52\xe4' > "$work/noelf.bin"

hello=guests/hello/hello.elf
exit_dev=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
check() { # status pattern args...
	local want=$1 pat=$2
	shift 2
	local out status lines
	if [ -z "$pat" ]; then
		echo "FAIL: bt86 $*: the row has an empty pattern, which matches anything"
		fail=1
		return
	fi
	out=$(timeout 10 env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER \
		"$BT86" "$@" 2>&1 </dev/null)
	status=$?
	lines=$(grep -c . <<<"$out")
	if [ "$status" != "$want" ] || ! grep -Eqi -- "$pat" <<<"$out" ||
		{ [ "$want" = 2 ] && [ "$lines" != 1 ]; }; then
		echo "FAIL: bt86 $*"
		echo "  status $status (want $want), output ($lines lines, want /$pat/):"
		sed 's/^/    /' <<<"$out"
		fail=1
	else
		echo "ok: bt86 $* -> $status: $(head -1 <<<"$out")"
	fi
}

# Options, values and files.
check 2 "unknown option '-bogus'" -bogus
# Without -kernel the default firmware boots; only without it is there no guest.
fwdir=$(sed -n 's/^#define BT86_FIRMWARE_DIR "\(.*\)"$/\1/p' config.h 2>/dev/null)
[ -f "$fwdir/bios-256k.bin" ] || check 2 "no guest.*no firmware" -nographic
check 2 "-kernel needs an argument" -kernel
check 2 "^bt86: -kernel: cannot open .*missing.elf" -kernel "$work/missing.elf"
check 2 "not a multiboot kernel" -kernel "$work/text.bin"
check 2 "not an ELF" -kernel "$work/noelf.bin"
check 2 "not an i386" -kernel "$work/x86_64.elf"
check 2 "does not fit" -kernel "$work/big.elf" -m 4
check 2 "cannot read" -kernel /etc
# -bios: QEMU's sizes (a multiple of 64 KiB), up to 16 MiB, below the APICs.
head -c 100000 /dev/zero > "$work/odd.rom"
truncate -s 32M "$work/huge.rom"
: > "$work/empty.rom"
check 2 "-bios needs an argument" -bios
check 2 "^bt86: -bios: cannot open .*missing.rom" -bios "$work/missing.rom"
check 2 "^bt86: -bios: cannot read '/etc'" -bios /etc
check 2 "^bt86: -bios: .*odd.rom' is 100000 bytes: .*multiple of 64 KiB" -bios "$work/odd.rom"
check 2 "^bt86: -bios: .*huge.rom' is 33554432 bytes: .*at most 16 MiB" -bios "$work/huge.rom"
check 2 "^bt86: -bios: .*empty.rom' is 0 bytes" -bios "$work/empty.rom"
# -boot: QEMU's checks, in QEMU's words.
check 2 "^bt86: -boot order=x: invalid boot device 'x'" -boot order=x
check 2 "^bt86: -boot order=cdnc: boot device 'c' was given twice" -boot order=cdnc
check 2 "^bt86: -boot order=abcd: too many boot devices for PC" -boot order=abcd
check 2 "^bt86: -boot menu=maybe: menu expects 'on' or 'off'" -boot menu=maybe
check 2 "^bt86: -boot bogus=1: unknown boot property 'bogus'" -boot bogus=1
check 2 "^bt86: -boot splash-time=x: splash-time expects" -boot splash-time=x
check 2 "-boot needs an argument" -boot
check 2 "^bt86: -bios and -kernel: .*give one of them" -kernel "$hello" -bios "$work/odd.rom"
check 2 "-m lots: not a size" -kernel "$hello" -m lots
check 2 "-m 1: .*between 2 MiB" -kernel "$hello" -m 1
check 2 "between 2 MiB" -kernel "$hello" -m 9999999
check 2 "-device no-such-device: unknown device" -kernel "$hello" -device no-such-device
check 2 "pc-testdev has no properties" -kernel "$hello" -device pc-testdev,iobase=1
check 0 '^name "pc-testdev", bus ISA' -device help
check 2 "no VNC server" -kernel "$hello" -vnc :0
# kvm-unit-tests' x86/run command line, with bt86 as its $QEMU
check 1 "Hello from bt86" --no-reboot -nodefaults -device pc-testdev \
	-device isa-debug-exit,iobase=0xf4,iosize=0x4 -vnc none -serial stdio -machine accel=tcg \
	-kernel "$hello"
check 2 "no QEMU monitor" -kernel "$hello" -monitor stdio
check 2 "-device rtl8139: unknown device" -kernel "$hello" -device rtl8139
check 2 "-device e1000: e1000 needs netdev=ID" -kernel "$hello" -device e1000
check 2 "no -netdev with id=nope" -kernel "$hello" -device e1000,netdev=nope
check 2 "-netdev user: a netdev needs id=NAME" -kernel "$hello" -netdev user
check 2 "-net nic: .*use -nic user" -kernel "$hello" -net nic -net user
check 2 "only the user network" -kernel "$hello" -netdev tap,id=t0
check 2 "unknown network backend" -kernel "$hello" -netdev vde0,id=n0
check 2 "model=rtl8139: bt86 has e1000 and virtio-net-pci" -kernel "$hello" -nic user,model=rtl8139
check 2 "-device virtio-net-pci: virtio-net-pci needs netdev=ID" -kernel "$hello" -device virtio-net-pci
check 2 "-device virtio,netdev=n0: unknown device" -kernel "$hello" -device virtio,netdev=n0
check 0 '^name "virtio-net-pci", bus PCI' -device help
if grep -q '^CONFIG_SLIRP = y' config.mk 2>/dev/null; then
	check 2 "used by two NICs" -kernel "$hello" -netdev user,id=n0 -device e1000,netdev=n0 \
		-device e1000,netdev=n0
	check 2 "mac=01:.*unicast" -kernel "$hello" -netdev user,id=n0 -device e1000,netdev=n0,mac=01:02:03:04:05:06
	check 2 "hostfwd=tcp::x-:22: expected" -kernel "$hello" -netdev user,id=n0,hostfwd=tcp::x-:22
	check 2 "net=10.0.2.0/40: the mask" -kernel "$hello" -netdev user,id=n0,net=10.0.2.0/40
	check 2 "unknown option 'smb'" -kernel "$hello" -netdev user,id=n0,smb=/tmp
	check 2 "id=n0 exists" -kernel "$hello" -netdev user,id=n0 -netdev user,id=n0
	check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -nic user,model=e1000
	check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -nic user,model=virtio
	check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0,mac=52:54:00:00:00:01 \
		-nic user,model=e1000
	check 2 "used by two NICs" -kernel "$hello" -netdev user,id=n0 -device e1000,netdev=n0 \
		-device virtio-net-pci,netdev=n0
	check 2 "bad property 'vectors=3' .virtio-net-pci takes netdev" -kernel "$hello" -netdev user,id=n0 \
		-device virtio-net-pci,netdev=n0,vectors=3
	# A host port that is taken: said when the machine is built, before the guest runs.
	p=$(($$ % 20000 + 30000))
	check 2 "hostfwd: cannot listen on host TCP port 0\.0\.0\.0:$p" -kernel "$hello" -nographic \
		-netdev user,id=a,hostfwd=tcp::$p-:22 -device e1000,netdev=a \
		-netdev user,id=b,hostfwd=tcp::$p-:22 -device e1000,netdev=b
else
	check 2 "built without libslirp" -kernel "$hello" -netdev user,id=n0
fi
check 2 "bad property" -kernel "$hello" -device isa-debug-exit,iobase=zz
check 2 "^bt86: -serial file:/nonexistent/dir/x: cannot open '/nonexistent/dir/x' for writing" \
	-kernel "$hello" -serial file:/nonexistent/dir/x
check 2 "unknown character device" -kernel "$hello" -serial bogus:x
check 2 "too many -serial" -kernel "$hello" \
	-serial null -serial null -serial null -serial null -serial null
check 2 "^bt86: -initrd: cannot open .*missing.img" -kernel "$hello" -initrd "$work/missing.img"
check 2 "^bt86: -initrd: cannot open .*missing2.img" \
	-kernel "$hello" -initrd "$hello arg,$work/missing2.img"
check 2 "^bt86: -debugcon file:/nonexistent/dir/x: cannot open" \
	-kernel "$hello" -debugcon file:/nonexistent/dir/x
check 2 "stats-json.*cannot open" -kernel "$hello" -stats-json /nonexistent/dir/x.json
check 2 "-D .*cannot open" -kernel "$hello" -D /nonexistent/dir/log -d int
check 2 "unknown -d item" -kernel "$hello" -d bogus
check 2 "unknown -d item" -kernel "$hello" -d nonsense
check 2 "^bt86: -symbols: .*missing.map" -kernel "$hello" -symbols "$work/missing.map"
check 2 "expected shift" -kernel "$hello" -icount lots
check 2 "-append needs an argument" -kernel "$hello" -append
check 2 "give -sendkeys" -kernel "$hello" -sendkeys-when "login:"
check 2 "is empty" -kernel "$hello" -sendkeys x -sendkeys-when ""
check 2 "unknown display" -kernel "$hello" -display vnc
check 2 "unknown backend" -kernel "$hello" -backend jit
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -backend interp
# The native backend is the default where bt86 was built for a host that has
# one, else the interpreter. The build's host, not uname's: a cross build runs
# here under qemu-user.
case $(sed -n 's/^HOST_ARCH *= *//p' config.mk 2>/dev/null) in
x86_64)
	check 0 "^x86_64 .*default" -backend help
	check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -backend x86_64
	;;
*) check 0 "^interp .*default" -backend help ;;
esac
check 2 "std.*or none" -kernel "$hello" -vga cirrus
check 2 "base=utc" -kernel "$hello" -rtc base=yesterday
check 2 "base=utc" -kernel "$hello" -rtc base=utc,bogus
check 2 "-screendump needs an argument" -kernel "$hello" -screendump
check 2 "-sendkeys needs an argument" -kernel "$hello" -sendkeys
check 2 "expected tcp::PORT" -kernel "$hello" -gdb tcp::99999
check 2 "expected tcp::PORT" -kernel "$hello" -gdb pipe
check 2 "give -s or -gdb" -kernel "$hello" -S
check 2 "choose one" -kernel "$hello" -step -s

# The display is opened last: without one, a file error is the only line,
# whether the window was the default or asked for (check: one line).
check 2 "^bt86: -kernel: .*not a multiboot kernel" -kernel "$work/text.bin" -display sdl
check 2 "^bt86: -initrd: cannot open" -kernel "$hello" -initrd /nope -display sdl
check 2 "^bt86: -serial bogus:x" -kernel "$hello" -serial bogus:x

# QEMU options that harnesses pass: accepted where bt86 honours them
# (the guest runs: isa-debug-exit's 1), a clear error where it cannot.
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -smp 1
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -smp cpus=1
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" \
	-smp 1,sockets=1,cores=1,threads=1,maxcpus=1
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -smp 2
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -smp cpus=8
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -smp sockets=2,cores=2,threads=2
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -smp 4,cores=2
check 2 "-smp 9: 9 CPUs: bt86 emulates 1 to 8" -kernel "$hello" -smp 9
check 2 "16 CPUs: bt86 emulates 1 to 8" -kernel "$hello" -smp sockets=4,cores=4
check 2 "expected a CPU count, 1 to 8" -kernel "$hello" -smp 0
check 2 "no CPU hotplug" -kernel "$hello" -smp 1,maxcpus=2
check 2 "the topology gives 4 CPUs, not 2" -kernel "$hello" -smp 2,sockets=2,cores=2,threads=1
check 2 "the topology gives 3 CPUs, not 4" -kernel "$hello" -smp 4,cores=3
check 2 "expected a CPU count" -kernel "$hello" -smp lots
check 2 "unknown property 'bogus'" -kernel "$hello" -smp 1,bogus=1
check 2 "-smp needs an argument" -kernel "$hello" -smp
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -machine pc
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -M pc,accel=tcg
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -machine type=pc-i440fx-7.2
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -machine accel=kvm:tcg
check 0 "^pc " -machine help
check 2 "-machine q35: .*only the PC" -kernel "$hello" -machine q35
check 2 "-M isapc: .*only the PC" -kernel "$hello" -M isapc
check 2 "-machine pc,accel=kvm: bt86 is software only" -kernel "$hello" -machine pc,accel=kvm
check 2 "unknown machine property 'bogus'" -kernel "$hello" -machine pc,bogus=1
check 2 "has no usb" -kernel "$hello" -machine pc,usb=on
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -accel tcg
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -accel tcg,thread=single
check 0 "^tcg$" -accel help
check 2 "-accel kvm: bt86 is software only" -kernel "$hello" -accel kvm
check 2 "-accel hvf: bt86 is software only" -kernel "$hello" -accel hvf
check 2 "unknown accelerator 'bogus'" -kernel "$hello" -accel bogus
check 2 "-enable-kvm: bt86 is software only" -kernel "$hello" -enable-kvm
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -name test-vm
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" \
	-name guest=vm,debug-threads=on
check 2 "-name needs an argument" -kernel "$hello" -name
# -nodefaults: no default COM1 (the guest's output goes nowhere), a given one works.
out=$(timeout 10 "$BT86" -kernel "$hello" -nographic "${exit_dev[@]}" -nodefaults 2>&1 </dev/null)
status=$?
if [ "$status" = 1 ] && [ -z "$out" ]; then
	echo "ok: bt86 -nodefaults -> 1, no output"
else
	echo "FAIL: bt86 -nodefaults: status $status (want 1), output (want none): $out"
	fail=1
fi
check 1 "Hello from bt86" -kernel "$hello" "${exit_dev[@]}" -nodefaults -serial stdio
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -cpu max
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" -cpu qemu32,check=off,-nx
check 1 "warning: -cpu pentium3: bt86 lacks pentium3's features .*sse" \
	-kernel "$hello" -nographic "${exit_dev[@]}" -cpu pentium3
check 1 "Hello from bt86" -kernel "$hello" -nographic "${exit_dev[@]}" \
	-cpu pentium,-de,-mce,-apic,-mmx,enforce
check 0 "qemu32 .*family 6 model 6" -cpu help
check 2 "-cpu host: .*needs KVM" -kernel "$hello" -cpu host
check 2 "unknown CPU model 'k6'" -kernel "$hello" -cpu k6
# A feature bt86 lacks, asked for: QEMU's TCG warns and goes on, or refuses with enforce.
check 1 "warning: .*does not implement the CPU features sse: the guest's CPUID shows them off" \
	-kernel "$hello" -nographic "${exit_dev[@]}" -cpu max,+sse
check 2 "does not implement the CPU features mmx \(enforce\)" -kernel "$hello" -cpu max,mmx=on,enforce
# kvm-unit-tests' apic test asks for this model
check 1 "lacks qemu64's features .* lm .*, and the features x2apic tsc-deadline" \
	-kernel "$hello" -nographic "${exit_dev[@]}" -cpu qemu64,+x2apic,+tsc-deadline
check 2 "unknown CPU feature 'bogus'" -kernel "$hello" -cpu max,-bogus
check 2 "expected nx=on or nx=off" -kernel "$hello" -cpu max,nx=maybe
check 2 "lacks pentium3's features .*\(enforce\)" -kernel "$hello" -cpu pentium3,enforce
check 2 "no CPU model name" -kernel "$hello" -cpu ,+nx

# Help and statuses that are not usage errors.
check 0 "in_asm" -d help
check 0 "Ctrl-A x" -help
check 0 "vc \(the same as stdio" -h
check 0 "^  2 +command-line error" -help
# bt86 cannot go on (no memory for the guest's RAM): 70, not a usage error.
check_fatal() {
	local out status
	# AddressSanitizer reserves terabytes of shadow memory at start, which
	# the address-space limit this row needs forbids: it cannot run there.
	# $BT86 may be run-tests.sh's wrapper that selects a backend: look at bt86 too.
	if grep -qa __asan_init "$BT86" "${BUILDDIR:-.}/bt86" 2> /dev/null; then
		echo "not checked: out of memory -> 70, in an AddressSanitizer build (ulimit -v stops ASan itself)"
		return
	fi
	out=$( (ulimit -v 1000000; timeout 10 "$BT86" -kernel "$hello" -m 3G -nographic) 2>&1 </dev/null)
	status=$?
	if [ "$status" = 70 ] && grep -q "cannot allocate 3072 MiB" <<<"$out"; then
		echo "ok: out of memory -> 70: $out"
	else
		echo "FAIL: out of memory: status $status (want 70): $out"
		fail=1
	fi
}
check_fatal
# -screendump to a place that cannot be written: the guest still runs and
# exits normally, and bt86 says why there is no image.
check 1 "screendump.*No such file" -kernel "$hello" -display none \
	"${exit_dev[@]}" -screendump /nonexistent/dir/s.ppm
exit $fail
