#!/usr/bin/env bash
# cpu-option.test.sh - -cpu really changes the CPU: what CPUID shows, and
# what the CPU refuses once a feature is off.
#
# guests/sys_pae prints CPUID's NX and PAE bits, then sets EFER.NXE and
# CR4.PAE.  Each row: the -cpu argument and the line the guest prints, which
# is QEMU 7.2's for the same -cpu (checked live when qemu-system-i386 is
# installed, so the table stays QEMU's).  Without NX, the WRMSR of EFER.NXE
# is #GP(0) (a reserved bit: SDM Vol. 3A Table 2-2); Bochs 2.7 agrees
# (tests/bochs-run.sh guests/sys_pae/sys_pae.elf with its default
# p3_katmai, which has PAE and no NX, prints "unexpected trap: #GP err=0" at
# the WRMSR), while QEMU's TCG ignores the bit.  Without PAE, MOV to CR4
# with PAE set is #GP(0) (SDM Vol. 3A 2.5: CR4 bits of absent features are
# reserved).  The faulting instruction is found in the guest with objdump.
#
# Environment (from run-tests.sh): BT86, BUILDDIR.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
elf=guests/sys_pae/sys_pae.elf
fail=0
[ -f "$elf" ] || { echo "FAIL: $elf not built"; exit 1; }
have_qemu=0
command -v qemu-system-i386 > /dev/null && have_qemu=1

run_bt86() { # -cpu SPEC: the guest's serial output
	timeout 20 "$BT86" -kernel "$elf" -nographic -cpu "$1" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 < /dev/null 2> /dev/null | tr -d '\r'
}
run_qemu() {
	timeout 20 qemu-system-i386 -kernel "$elf" -nographic -no-reboot -m 128 -cpu "$1" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 < /dev/null 2> /dev/null |
		tr -d '\r' | grep -ao 'sys_pae: cpuid.*'
}
# The mnemonic at the EIP of the guest's "unexpected trap" line.
insn_at_trap() {
	local eip
	eip=$(sed -n 's/^unexpected trap: #GP err=0 eip=\([0-9a-f]*\) .*/\1/p' <<< "$1" | head -1)
	[ -n "$eip" ] || { echo "no #GP(0)"; return; }
	objdump -d --start-address=0x$eip --stop-address=$((0x$eip + 4)) "$elf" |
		awk -F'\t' '/^ *[0-9a-f]+:/ { print $3; exit }'
}

row() { # SPEC CPUID-LINE [FAULTING-INSTRUCTION-PATTERN]
	local spec=$1 want=$2 insn=${3:-} out got q
	out=$(run_bt86 "$spec")
	got=$(grep -m1 '^sys_pae: cpuid' <<< "$out")
	if [ "$got" != "$want" ]; then
		echo "FAIL: -cpu $spec: '$got', want '$want'"
		fail=1
	else
		echo "ok: -cpu $spec: $got"
	fi
	if [ $have_qemu = 1 ]; then
		q=$(run_qemu "$spec" | head -1)
		[ "$q" = "$want" ] || { echo "FAIL: the table is not QEMU's: QEMU -cpu $spec says '$q'"; fail=1; }
	fi
	if [ -n "$insn" ]; then
		local at
		at=$(insn_at_trap "$out")
		if grep -Eq -- "$insn" <<< "$at"; then
			echo "ok: -cpu $spec: #GP(0) at $at"
		else
			echo "FAIL: -cpu $spec: want #GP(0) at $insn, got: $at"
			fail=1
		fi
	elif ! grep -q '^sys_pae: paging on with PAE' <<< "$out"; then
		echo "FAIL: -cpu $spec: PAE paging was not turned on:"
		echo "$out" | head -5
		fail=1
	fi
}

row max 'sys_pae: cpuid 80000001 edx.nx=1, 1 edx.pae=1'
row 'qemu32,+nx' 'sys_pae: cpuid 80000001 edx.nx=1, 1 edx.pae=1'
row coreduo 'sys_pae: cpuid 80000001 edx.nx=1, 1 edx.pae=1'
row n270 'sys_pae: cpuid 80000001 edx.nx=1, 1 edx.pae=1'
row qemu32 'sys_pae: cpuid 80000001 edx.nx=0, 1 edx.pae=1' 'wrmsr'
row pentium3 'sys_pae: cpuid 80000001 edx.nx=0, 1 edx.pae=1' 'wrmsr'
row kvm32 'sys_pae: cpuid 80000001 edx.nx=0, 1 edx.pae=1' 'wrmsr'
row 'coreduo,-nx' 'sys_pae: cpuid 80000001 edx.nx=0, 1 edx.pae=1' 'wrmsr'
row 'max,nx=off' 'sys_pae: cpuid 80000001 edx.nx=0, 1 edx.pae=1' 'wrmsr'
row 'qemu32,-pae,+nx' 'sys_pae: cpuid 80000001 edx.nx=1, 1 edx.pae=0' 'mov +%eax,%cr4'
row 'qemu32,pae=off,nx=on' 'sys_pae: cpuid 80000001 edx.nx=1, 1 edx.pae=0' 'mov +%eax,%cr4'
[ $have_qemu = 1 ] || echo "note: qemu-system-i386 not installed: the table was not re-checked"
exit $fail
