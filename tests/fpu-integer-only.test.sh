#!/bin/bash
# fpu-integer-only.test.sh - the soft float in base/f80*.c must not use the
# host's floating point, or its results could differ between hosts: no
# float/double types or libm in the sources, and (on x86-64, where objdump
# can tell) no x87 or SSE arithmetic instructions in the objects.
#
# Environment (from run-tests.sh): BUILDDIR, SRCDIR.
# Exit status: 0 pass, 1 fail (naming the file and what it uses).

set -u

SRCDIR=${SRCDIR:-.}
BUILDDIR=${BUILDDIR:-.}
status=0

# Code only: strip /* */ and // comments before looking for the types.
for f in "$SRCDIR"/base/f80*.c "$SRCDIR"/base/f80*.h; do
	hits=$(sed -e 's://.*$::' "$f" | perl -0pe 's:/\*.*?\*/::gs' |
		grep -nwE 'float|double|_Float[0-9]+|__float128|math\.h|tgmath\.h')
	if [ -n "$hits" ]; then
		echo "$f uses host floating point:"
		echo "$hits"
		status=1
	fi
done

# x87 or scalar/packed SSE floating-point arithmetic and conversions.
fp_insn='\b(f(ld|st|add|sub|mul|div|sqrt|ild|ist|com|ucom)[a-z]*|(add|sub|mul|div|sqrt|min|max)[sp][sd]|cvt[a-z0-9]*|ucomis[sd]|comis[sd])\b'
if [ "$(uname -m)" = x86_64 ] && command -v objdump > /dev/null; then
	for o in "$BUILDDIR"/base/f80*.o; do
		[ -f "$o" ] || continue
		hits=$(objdump -d --no-show-raw-insn "$o" | awk -F'\t' 'NF >= 2 { print $2 }' |
			grep -E "^$fp_insn" | sort | uniq -c)
		if [ -n "$hits" ]; then
			echo "$o contains floating-point instructions:"
			echo "$hits"
			status=1
		fi
	done
fi
[ $status = 0 ] && echo "base/f80*: integer arithmetic only"
exit $status
