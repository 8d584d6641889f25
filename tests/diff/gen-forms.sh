#!/bin/sh
# gen-forms.sh - assemble forms.list into forms.c (development time only:
# the build uses the committed forms.c, so it needs no assembler).
# Needs GNU as and objcopy that can target i386.  Usage: gen-forms.sh [DIR]
set -eu
dir=${1:-$(dirname "$0")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/forms.c
{
	echo "/* forms.c - generated from forms.list by gen-forms.sh; do not edit. */"
	echo '#include "tests/diff/diff.h"'
	echo
	echo "const struct diff_form diff_forms[] = {"
} > "$out"
n=0
while IFS= read -r line; do
	case $line in '' | '#'*) continue ;; esac
	asm=$(printf '%s' "$line" | awk -F';' '{gsub(/^ +| +$/, "", $1); print $1}')
	rule=$(printf '%s' "$line" | awk -F';' '{gsub(/^ +| +$/, "", $2); print $2}')
	cons=$(printf '%s' "$line" | awk -F';' '{gsub(/^ +| +$/, "", $3); print $3}')
	name=$(printf '%s' "$line" | awk -F';' '{gsub(/^ +| +$/, "", $4); print $4}')
	[ -n "$name" ] || name=$asm
	printf '.intel_syntax noprefix\n.code32\n%s\n' "$asm" > "$tmp/f.s"
	if ! as --32 -o "$tmp/f.o" "$tmp/f.s" 2> "$tmp/err"; then
		echo "gen-forms.sh: cannot assemble '$asm':" >&2
		cat "$tmp/err" >&2
		exit 1
	fi
	objcopy -O binary -j .text "$tmp/f.o" "$tmp/f.bin"
	bytes=$(od -An -v -tx1 "$tmp/f.bin" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
	len=$(printf '%s\n' "$bytes" | wc -w)
	cbytes=$(printf '%s\n' "$bytes" | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g; s/,$//')
	printf '    { "%s", %d, { %s }, "%s", "%s" },\n' "$name" "$len" "$cbytes" "$rule" "$cons" >> "$out"
	n=$((n + 1))
done < "$dir/forms.list"
{
	echo "};"
	echo
	echo "const int diff_nforms = sizeof(diff_forms) / sizeof(diff_forms[0]);"
} >> "$out"
mv "$out" "$dir/forms.c"
echo "gen-forms.sh: $n forms written to $dir/forms.c"
