#!/usr/bin/env bash
# acpi-iasl.test.sh - the DSDT's AML, which machine/acpi_tables.c generates
# byte by byte, disassembled by ACPICA's iasl (Debian's acpica-tools, not a
# build dependency): it must decode without errors into the ASL the
# generator's header comment promises.
set -u
cd "${BUILDDIR:-.}"
command -v iasl > /dev/null || { echo "skipped: iasl is not installed (apt-get install acpica-tools)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
${RUN_WRAPPER:-} ./tests/unit/test_acpi_tables "$work/dsdt.dat" > /dev/null || { echo "FAIL: test_acpi_tables"; exit 1; }
if ! (cd "$work" && iasl -d dsdt.dat) > "$work/iasl.log" 2>&1 || grep -q -i -E '(^| )(error|warning)' "$work/iasl.log"; then
	echo "FAIL: iasl -d:"
	cat "$work/iasl.log"
	exit 1
fi
# The ASL, with iasl's comments and blank lines dropped and spaces squeezed.
sed -e 's|//.*||' -e 's|/\*[^*]*\*/||g' -e 's/[[:space:]]\+/ /g' -e 's/^ //' -e 's/ $//' -e 's/ )/)/g' \
	"$work/dsdt.dsl" | grep -v '^$' | grep -v '^\*' > "$work/asl"
fail=0
for want in 'Scope (\_SB)' 'Device (KBD)' 'Name (_HID, EisaId ("PNP0303"))' 'Device (MOU)' \
	'Name (_HID, EisaId ("PNP0F13"))' 'Device (RTC)' 'Name (_HID, EisaId ("PNP0B00"))' \
	'Device (COM1)' 'Device (COM2)' 'Name (_HID, EisaId ("PNP0501"))' 'Name (_UID, 0x02)' \
	'0x03F8,' '0x02F8,' '{12}' '{8}' '{4}' '{3}' 'Name (_S5, Package (0x04)' \
	'Name (_PRT, Package (0x7C)' 'Device (ISA)' 'Name (_ADR, 0x00010000)' \
	'OperationRegion (P40C, PCI_Config, 0x60, 0x04)' 'Field (PCI0.ISA.P40C, ByteAcc, NoLock, Preserve)' \
	'Method (IQCR, 1, Serialized)' 'Name (_HID, EisaId ("PNP0C0F"))' \
	'Interrupt (ResourceConsumer, Level, ActiveHigh, Shared, ,,' 'If ((Arg0 < 0x80))' \
	'PRRI = (Arg0 & 0x0F)'; do
	grep -q -F -- "$want" "$work/asl" || { echo "FAIL: no '$want' in iasl's disassembly"; fail=1; }
done
# _S5's four Zeros, each slot's INTA, and each _PRT entry's source index.
[ "$(grep -c -x 'Zero,\?' "$work/asl")" = $((4 + 31 + 124)) ] || { echo "FAIL: not four Zeros in _S5, 31 INTA and 124 source indexes in _PRT"; fail=1; }
# Each link: its _UID, methods and IRQs; then the _PRT's 124 entries, slot by
# slot, INTA-INTD on the PIIX3's swizzle, (slot - 1 + pin) & 3.
for i in 1 2 3 4; do
	l=$(printf "\\$(printf %o $((64 + i)))")
	for want in "Device (LNK$l)" "Name (_UID, 0x0$i)" "If ((PRQ$l & 0x80))" "PRQ$l |= 0x80" \
		"Return (IQCR (PRQ$l))" "PRQ$l = PRRI" "Method (_SRS, 1, Serialized)" "Method (_STA, 0, NotSerialized)" \
		"Method (_DIS, 0, NotSerialized)" "Method (_CRS, 0, NotSerialized)"; do
		grep -q -F -- "$want" "$work/asl" || { echo "FAIL: no '$want' in iasl's disassembly"; fail=1; }
	done
done
[ "$(grep -c -x -E '0x0000000(5|A|B),' "$work/asl")" = 12 ] || { echo "FAIL: the links' _PRS are not {5, 10, 11}"; fail=1; }
want=$(for s in $(seq 1 31); do for p in 0 1 2 3; do
	printf '0x%04XFFFF %s LNK%s\n' $s $p $(echo A B C D | cut -d' ' -f$(( (s - 1 + p) % 4 + 1 )))
done; done)
got=$(awk '/Name \(_PRT/ { on = 1 } on && /^0x00[0-9A-F][0-9A-F]FFFF,$/ { a = $0; n = 1; next }
	on && n == 1 { p = $0 == "Zero," ? 0 : $0 == "One," ? 1 : substr($0, 4, 1); n = 2; next }
	on && n == 2 { sub(/,$/, ""); print substr(a, 1, 10) " " p " " $0; n = 0 }' "$work/asl")
[ "$got" = "$want" ] || { echo "FAIL: the _PRT is not the PIIX3's swizzle:"; diff <(echo "$want") <(echo "$got") | head; fail=1; }
[ $fail = 0 ] || { cat "$work/asl"; exit 1; }
echo "ok: iasl decodes the DSDT ($(wc -c < "$work/dsdt.dat") bytes) as the ASL of machine/acpi_tables.c"
