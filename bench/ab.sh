#!/usr/bin/env bash
# ab.sh - two bt86 binaries side by side in one compare.sh table: the
# "before" row runs BEFORE's backend, the "after" row AFTER's, so that
# every repetition times both under the same load (this machine is shared:
# two tables from two runs minutes apart differ by more than most changes).
#
# Usage: bench/ab.sh BEFORE AFTER [compare.sh arguments...]
# Env: AB_BACKEND (x86_64), and compare.sh's (BENCH_CLOCK=cpu is advised).
# Example: cp bt86 /tmp/bt86-old; (change, make); BENCH_CLOCK=cpu \
#   bench/ab.sh /tmp/bt86-old ./bt86 --only crc32,sha256
set -u
if [ $# -lt 2 ]; then
	echo "usage: ab.sh BEFORE AFTER [compare.sh arguments...]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
before=$(realpath "$1") after=$(realpath "$2")
shift 2
for b in "$before" "$after"; do
	[ -x "$b" ] || { echo "ab.sh: $b is not an executable" >&2; exit 2; }
done
be=${AB_BACKEND:-x86_64}
work=$(mktemp -d "${TMPDIR:-/tmp}/ab.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A bt86 look-alike whose -backend help lists the two binaries as backends.
cat > "$work/bt86" <<EOS
#!/usr/bin/env bash
if [ "\$1" = -backend ] && [ "\$2" = help ]; then
	echo "before     $before -backend $be"
	echo "after      $after -backend $be"
	exit 0
fi
if [ "\$1" = -backend ] && [ "\$2" = before ]; then shift 2; exec "$before" -backend $be "\$@"; fi
if [ "\$1" = -backend ] && [ "\$2" = after ]; then shift 2; exec "$after" -backend $be "\$@"; fi
exec "$after" "\$@"
EOS
chmod +x "$work/bt86"
BT86=$work/bt86 BENCH_BACKENDS=before,after "$here/compare.sh" "$@"
