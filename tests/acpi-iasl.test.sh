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
	'0x03F8,' '0x02F8,' '{12}' '{8}' '{4}' '{3}' 'Name (_S5, Package (0x04)'; do
	grep -q -F -- "$want" "$work/asl" || { echo "FAIL: no '$want' in iasl's disassembly"; fail=1; }
done
[ "$(grep -c -x 'Zero,\?' "$work/asl")" = 4 ] || { echo "FAIL: _S5 is not four Zeros"; fail=1; }
[ $fail = 0 ] || { cat "$work/asl"; exit 1; }
echo "ok: iasl decodes the DSDT ($(wc -c < "$work/dsdt.dat") bytes) as the ASL of machine/acpi_tables.c"
