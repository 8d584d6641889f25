#!/usr/bin/env bash
# tutorial.test.sh - docs/tutorial.md works as written, and shows what bt86
# prints.  The document's fenced blocks are the test:
#
#   ```sh      commands, run in order (each with bash, from a scratch
#              directory that sees the build's bt86 and guests; the jobs a
#              block starts with & are waited for) and must succeed
#   ```input   what the reader types into the previous sh block's program:
#              its standard input (otherwise /dev/null)
#   ```text    output of the previous sh block (stdout and stderr): its
#              lines must appear there, consecutively, except that a line
#              "..." stands for any number of lines and "..." inside a line
#              for any text; trailing blanks are ignored
#   others     (```console ...) shown only
#
# Two substitutions keep runs apart, in commands and expected text alike:
# /tmp/ becomes the scratch directory, and gdb's port 1234 a random one.
set -u
if [ -n "${RUN_WRAPPER:-}" ]; then
	echo "skipped: a cross build: the tutorial runs ./bt86 as a reader would, natively"
	exit 77
fi
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
SRCDIR=$(cd "${SRCDIR:-$BUILDDIR}" && pwd)
doc=${TUTORIAL:-$SRCDIR/docs/tutorial.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$BUILDDIR/bt86" "$work/bt86"
ln -s "$BUILDDIR/guests" "$work/guests"
mkdir "$work/blocks"
cd "$work" || exit 1
port=$((20000 + RANDOM % 40000))
fail=0

# Split the document: blocks/NN.sh, NN.in, NN.text.K.
awk -v dir="$work/blocks" '
	f == "" && /^```/ {
		kind = substr($0, 4)
		if (kind == "sh") { n++; k = 0; f = sprintf("%s/%02d.sh", dir, n) }
		else if ((kind == "input" || kind == "text") && n == 0) {
			print "a ```" kind " block before any ```sh block (line " NR ")"; bad = 1; f = "/dev/null"
		} else if (kind == "input") f = sprintf("%s/%02d.in", dir, n)
		else if (kind == "text") f = sprintf("%s/%02d.text.%d", dir, n, ++k)
		else f = "/dev/null"
		printf "" > f
		next
	}
	f != "" && /^```$/ { close(f); f = ""; next }
	f != "" { print > f }
	END { if (f != "") { print "unterminated code block"; bad = 1 } exit bad }' "$doc" || exit 1

subst() { sed -e "s|/tmp/|$work/|g" -e "s/\(tcp::\|:\)1234\b/\1$port/g" "$@"; }

# expect TEXT OUTPUT: the lines of TEXT, "..." as wildcards, in OUTPUT.
expect() {
	awk '
	function rtrim(s) { sub(/[ \t\r]+$/, "", s); return s }
	# Does line a match pattern e ("..." matches any text)?
	function glob(a, e,    i, p, part, np) {
		np = 0
		while ((i = index(e, "...")) > 0) { part[++np] = substr(e, 1, i - 1); e = substr(e, i + 3) }
		part[++np] = e
		if (np == 1) return a == e
		if (substr(a, 1, length(part[1])) != part[1]) return 0
		a = substr(a, length(part[1]) + 1)
		for (p = 2; p < np; p++) {
			if ((i = index(a, part[p])) == 0) return 0
			a = substr(a, i + length(part[p]))
		}
		return length(a) >= length(part[np]) && substr(a, length(a) - length(part[np]) + 1) == part[np]
	}
	FNR == NR { e[++m] = rtrim($0); next }
	{ a[++n] = rtrim($0) }
	END {
		pos = 1
		for (i = 1; i <= m; ) {
			if (e[i] ~ /^[ \t]*\.\.\.$/) { i++; continue }
			for (j = i; j <= m && e[j] !~ /^[ \t]*\.\.\.$/; j++) ;
			# Lines i..j-1 must match consecutively, at the earliest place from pos.
			found = 0
			for (s = pos; s + (j - i) - 1 <= n && !found; s++) {
				ok = 1
				for (t = i; t < j && ok; t++) ok = glob(a[s + t - i], e[t])
				if (ok) { found = 1; pos = s + (j - i) }
			}
			if (!found) {
				print "    not found (from output line " pos " on), these consecutive lines:"
				for (t = i; t < j; t++) print "      " e[t]
				exit 1
			}
			i = j
		}
	}' "$1" "$2"
}

n=0 checked=0 nogdb=0
for b in "$work"/blocks/[0-9][0-9].sh; do
	n=$((n + 1))
	id=${b%.sh}
	if grep -q '^gdb ' "$b" && ! command -v gdb > /dev/null; then
		nogdb=$((nogdb + 1))
		continue
	fi
	in=/dev/null
	[ -f "$id.in" ] && in=$id.in
	{ subst "$b"; echo wait; } > "$id.run"
	timeout 120 bash "$id.run" < <(subst "$in") > "$id.out" 2>&1
	st=$?
	if [ $st != 0 ]; then
		echo "FAIL: tutorial block $n exited with $st:"; cat "$id.run"; tail -20 "$id.out"; fail=1
		continue
	fi
	echo "ok: tutorial block $n runs: $(head -1 "$b")"
	for t in "$id".text.*; do
		[ -f "$t" ] || continue
		checked=$((checked + 1))
		if msg=$(expect <(subst "$t") "$id.out"); then
			echo "ok: block $n prints what the text shows ($(grep -v '^ *\.\.\.$' "$t" | head -1 | cut -c1-60))"
		else
			echo "FAIL: block $n's output is not what docs/tutorial.md shows:"
			echo "$msg"
			echo "    the output was:"; sed 's/^/      /' "$id.out" | tail -60; fail=1
		fi
	done
done
[ $n -ge 7 ] || { echo "FAIL: only $n sh blocks found in $doc"; fail=1; }
[ $checked -ge 8 ] || [ $nogdb != 0 ] || { echo "FAIL: only $checked text blocks checked in $doc"; fail=1; }
if [ $fail = 0 ] && [ $nogdb != 0 ]; then
	echo "skipped: gdb is not installed (./configure --install-deps): $nogdb block(s) not run, the others passed"
	exit 77
fi
exit $fail
