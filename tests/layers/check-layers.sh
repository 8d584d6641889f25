#!/bin/sh
# check-layers.sh - "make check-layers": no include and no call may go up
# the layer table of docs/architecture.md.
#
# The table is read from the lines between "<!-- layers -->" and
# "<!-- /layers -->" there: "| N | `folder/` | ..." rows, N from the bottom
# (1) up.  A file in a folder of layer N may include headers of, and call
# functions defined in, folders of layer N or below, and its own folder.
# Includes come from the sources; calls from the undefined symbols of each
# object (nm) matched to the objects that define them.
#
# Edges the tree has today that go up are listed in tests/layers/known.txt
# ("from -> to", file granularity).  They are debt being paid off: a new
# upward edge fails, and so does a listed include ("-> x.h") that no longer
# exists, so the list only shrinks.  A listed call ("-> x.c") that is not
# seen is only reported: which objects define a function depends on the
# build (ui/sdl.c or ui/nodisplay.c, say), so the list holds the calls of
# every configuration.
#
# Environment: SRCDIR (source root), BUILDDIR (objects); both default to ".".
set -u
SRCDIR=${SRCDIR:-.}
BUILDDIR=${BUILDDIR:-.}
doc=$SRCDIR/docs/architecture.md
known=$SRCDIR/tests/layers/known.txt
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-layers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# folder rank, one per line
sed -n '/<!-- layers -->/,/<!-- \/layers -->/p' "$doc" |
	sed -n 's/^| *\([0-9][0-9]*\) *| *`\([a-z0-9_]*\)\/`.*/\2 \1/p' > "$tmp/ranks"
[ -s "$tmp/ranks" ] || { echo "check-layers: no layer table in $doc"; exit 1; }
folders=$(cut -d' ' -f1 "$tmp/ranks")

# include edges: file -> header, both as paths from the source root
for d in $folders; do
	for f in "$SRCDIR/$d"/*.c "$SRCDIR/$d"/*.h; do
		[ -f "$f" ] || continue
		rel=${f#"$SRCDIR"/}
		sed -n 's/^#include "\([a-z0-9_]*\/[a-z0-9_/]*\.h\)".*/\1/p' "$f" |
			while read -r h; do echo "$rel $h include"; done
	done
done > "$tmp/edges"

# call edges: object -> object defining a symbol it uses
if command -v nm > /dev/null; then
	for d in $folders; do
		for o in "$BUILDDIR/$d"/*.o; do
			[ -f "$o" ] || continue
			rel=${o#"$BUILDDIR"/}
			nm --defined-only "$o" | awk -v f="$rel" 'NF == 3 && $2 ~ /[TDBRC]/ {print $3, f}'
		done
	done | sort -k1,1 > "$tmp/defs"
	for d in $folders; do
		for o in "$BUILDDIR/$d"/*.o; do
			[ -f "$o" ] || continue
			rel=${o#"$BUILDDIR"/}
			nm -u "$o" | awk -v f="$rel" '{print $2, f}'
		done
	done | sort -k1,1 > "$tmp/uses"
	join "$tmp/uses" "$tmp/defs" |
		awk '{u = $2; d = $3; sub(/\.o$/, ".c", u); sub(/\.o$/, ".c", d); print u, d, "call"}' >> "$tmp/edges"
else
	echo "check-layers: nm not found: only includes are checked"
fi
[ -s "$tmp/edges" ] || { echo "check-layers: found no sources under $SRCDIR"; exit 1; }

# upward edges, file -> file
awk 'NR == FNR { rank[$1] = $2; next }
	{
		split($1, a, "/"); split($2, b, "/")
		if (!(a[1] in rank) || !(b[1] in rank) || a[1] == b[1]) next
		if (rank[b[1]] > rank[a[1]]) print $1 " -> " $2
	}' "$tmp/ranks" "$tmp/edges" | sort -u > "$tmp/up"
grep -v '^#' "$known" 2>/dev/null | grep -v '^[[:space:]]*$' | sort -u > "$tmp/known"

new=$(comm -23 "$tmp/up" "$tmp/known")
gone=$(comm -13 "$tmp/up" "$tmp/known" | grep '\.h$')
unseen=$(comm -13 "$tmp/up" "$tmp/known" | grep '\.c$')
status=0
if [ -n "$new" ]; then
	echo "check-layers: these includes or calls go up the layer table (docs/architecture.md):"
	echo "$new" | sed 's/^/  /'
	status=1
fi
if [ -n "$gone" ]; then
	echo "check-layers: these edges in tests/layers/known.txt are gone: delete them from the list:"
	echo "$gone" | sed 's/^/  /'
	status=1
fi
if [ -n "$unseen" ]; then
	echo "check-layers: listed calls not made in this build (another configuration may make them):"
	echo "$unseen" | sed 's/^/  /'
fi
n=$(wc -l < "$tmp/up")
[ $status = 0 ] && echo "check-layers: no new upward edge ($n known ones left to remove, tests/layers/known.txt)"
exit $status
