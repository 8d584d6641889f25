#!/bin/bash
# x87-native.test.sh - the x87native guest under bt86 must print what its
# native twin prints on this (x86) host's real CPU: the transcendentals,
# x87 stack faults and FNSTENV's reserved words, which QEMU cannot vouch for
# (see guests/x87native/core.c).
#
# Lines compare exactly, except "t" lines (a transcendental's result): there
# a register may be 1 ulp away from the host's (base/f80_trans.c promises
# that much, the hardware's own error is of the same size), and C1, the
# direction in which that result was rounded, may differ.  Everything else
# on a "t" line (the other status bits, tags, NaNs, infinities, exact
# results) must match.
#
# Environment (from run-tests.sh): BT86, BUILDDIR, SRCDIR. Runs from BUILDDIR.
# Exit status: 0 pass, 77 skip (not an x86 host, native twin not built),
# 1 fail (naming the lines that differ).

set -u

. "$(dirname "$0")/native-twin.sh"
twin_run x87native

ok=1
# The guest returns 0 from main: isa-debug-exit makes that (0 << 1) | 1.
if [ "$status" != 1 ]; then
	ok=0
	echo "bt86 exited with status $status, expected 1"
	head -n 20 "$tmp/bt86.err" | sed 's/^/  /'
fi

if ! awk -v nf="$tmp/native" -v bf="$tmp/bt86" '
function hex(s,   v, i) {
	v = 0
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
# Two registers "SSSS:HHHHHHHHLLLLLLLL" within one unit in the last place:
# the key (e - 1) * 2^63 + significand (e = 0: the significand) counts the
# representable magnitudes in order, split in two 32-bit halves for awk.
function ulp1(a, b,   sa, sb, ea, eb, ha, hb, la, lb, dh, dl) {
	sa = hex(substr(a, 1, 4)); sb = hex(substr(b, 1, 4))
	if ((sa >= 32768) != (sb >= 32768))
		return 0
	ea = sa % 32768; eb = sb % 32768
	if (ea == 32767 || eb == 32767)
		return 0
	ha = hex(substr(a, 6, 8)); hb = hex(substr(b, 6, 8))
	la = hex(substr(a, 14, 8)); lb = hex(substr(b, 14, 8))
	if (ea > 0) ha += (ea - 1) * 2147483648
	if (eb > 0) hb += (eb - 1) * 2147483648
	dh = ha - hb; dl = la - lb
	return (dh == 0 && dl * dl <= 1) || (dh == 1 && dl == -4294967295) ||
	       (dh == -1 && dl == 4294967295)
}
function close_enough(n, b,   fn, fb, x, y, i, sn, sb) {
	if (substr(n, 1, 2) != "t " || substr(b, 1, 2) != "t ")
		return 0
	if (split(n, x, " ") != split(b, y, " "))
		return 0
	for (i = 1; i <= length(x); i++) {
		if (x[i] == y[i])
			continue
		if (x[i] ~ /^sw=/ && y[i] ~ /^sw=/) {
			sn = hex(substr(x[i], 4)); sb = hex(substr(y[i], 4))
			# C1 is bit 9: equal once it is cleared in both
			if (sn - (int(sn / 512) % 2) * 512 == sb - (int(sb / 512) % 2) * 512)
				continue
			return 0
		}
		# (no {n} intervals: mawk, the default awk of Debian, lacks them)
		if (x[i] ~ /^[0-9a-f]+:[0-9a-f]+$/ && length(x[i]) == 21 &&
		    y[i] ~ /^[0-9a-f]+:[0-9a-f]+$/ && length(y[i]) == 21 && ulp1(x[i], y[i]))
			continue
		return 0
	}
	return 1
}
BEGIN {
	bad = 0; near = 0; lines = 0
	while ((getline n < nf) > 0) {
		lines++
		if ((getline b < bf) <= 0) {
			print "bt86 stopped after " lines - 1 " lines; the host printed: " n
			exit 1
		}
		if (n == b)
			continue
		if (close_enough(n, b)) {
			near++
			continue
		}
		if (++bad <= 30)
			printf "  host: %s\n  bt86: %s\n", n, b
	}
	if ((getline b < bf) > 0) {
		print "bt86 printed more lines than the host, from: " b
		exit 1
	}
	printf "%d lines, %d exact, %d within 1 ulp (or C1 alone), %d differ\n",
		lines, lines - near - bad, near, bad
	exit bad > 0
}'; then
	ok=0
fi
[ $ok = 1 ] || exit 1
exit 0
