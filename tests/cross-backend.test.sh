#!/usr/bin/env bash
# cross-backend.test.sh - every backend runs the same guests to the same
# state at every block boundary.  Under -icount and -d cpu (which logs the
# registers before each block and turns chaining off, so that every backend
# splits the run at the same places), the interpreter's log is the
# reference; each other backend's must be identical, and so must the
# guest's output and exit status.  The first divergence is reported with
# the state before and after, and the block that produced it as each backend
# translated it (-d in_asm,op,out_asm).  The logs are compared as they are
# written, never stored: isahash logs about a gigabyte.
#
# Random instruction sequences are compared the same way by
# fuzz-backends.test.sh, over the fuzz corpus.
set -u
cd "${BUILDDIR:-.}"
SRCDIR=${SRCDIR:-.}
BT86=${BT86:-./bt86}
if [ -n "${BT86_TEST_BACKEND:-}" ]; then
	echo "skipped: it compares every backend already in the default backend's pass"
	exit 77
fi
mapfile -t backends < <("$BT86" -backend help | awk '{ print $1 }')
if [ ${#backends[@]} -lt 2 ]; then
	echo "skipped: this bt86 has one backend (${backends[*]}): nothing to compare"
	exit 77
fi
ref=interp
# rtc polls the clock for three virtual seconds: 141 million blocks.
# virtiorng reads the host's entropy: its registers differ from run to run.
skip=" rtc virtiorng "
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

args_of() { # GUESTDIR: the command line guest-test.sh would use, one per line
	local g=$1 name extra
	name=$(basename "$g")
	if [ -f "$g/firmware" ]; then # a ROM at the reset vector (guest-test.sh)
		printf '%s\n' -bios "guests/$name/$name.bin"
	else
		printf '%s\n' -kernel "guests/$name/$name.elf"
	fi
	[ -f "$g/cmdline" ] && printf '%s\n' -append "$(cat "$g/cmdline")"
	printf '%s\n' -nographic -device isa-debug-exit,iobase=0xf4,iosize=0x04 -icount 0
	if [ -f "$g/options" ]; then
		read -r -a extra < "$g/options"
		printf '%s\n' "${extra[@]}"
	fi
}

run() { # BACKEND LOG ARGS...: the log goes to stdout, the guest's serial to $work/BACKEND.out
	local be=$1
	shift
	timeout 300 "$BT86" -backend "$be" "$@" -d cpu -D /dev/fd/3 \
		3>&1 > "$work/$be.out" 2> "$work/$be.err" < /dev/null
	echo $? > "$work/$be.status"
}

block_of() { # BACKEND PC ARGS...: that block as the backend translated it
	local be=$1 pc=$2
	shift 2
	timeout 300 "$BT86" -backend "$be" "$@" -d in_asm,op,out_asm -D /dev/fd/3 \
		3>&1 > /dev/null 2>&1 < /dev/null |
		awk -v pc="pc=0x$pc" '$1 == "IN:" { on = index($0, pc) > 0; n = 0 }
			on { print; if (/^$/ && ++n == 3) exit }'
}

for g in "$SRCDIR"/guests/*/; do
	[ -f "$g/expected.out" ] || continue
	name=$(basename "$g")
	[[ $skip == *" $name "* ]] && continue
	# What guest-test.sh skips, for the same reasons: not built here.
	[ -f "$g/firmware" ] && [ ! -f "guests/$name/$name.bin" ] && continue
	grep -qx slirp "$g/requires" 2>/dev/null && ! grep -q '^CONFIG_SLIRP = y' config.mk && continue
	mapfile -t args < <(args_of "$g")
	for be in "${backends[@]}"; do
		[ "$be" = "$ref" ] && continue
		where=$(cmp <(run "$ref" "${args[@]}") <(run "$be" "${args[@]}") 2>&1)
		if [ -z "$where" ] && cmp -s "$work/$ref.out" "$work/$be.out" &&
			cmp -s "$work/$ref.status" "$work/$be.status"; then
			echo "ok: $name: $be = $ref at every block"
			continue
		fi
		fail=1
		echo "FAIL: $name: $be differs from $ref"
		if [ -z "$where" ]; then
			echo "  same states, but output or exit status differ: $ref $(cat "$work/$ref.status"), $be $(cat "$work/$be.status")"
			diff "$work/$ref.out" "$work/$be.out" | head -n 10
			continue
		fi
		echo "  $where"
		line=$(echo "$where" | sed -n 's/.* line \([0-9]*\).*/\1/p')
		[ -n "$line" ] || { cat "$work/$be.err"; continue; }
		first=$(( (line - 1) / 3 * 3 + 1 ))
		from=$((first > 3 ? first - 3 : 1))
		for b in "$ref" "$be"; do
			echo "  $b, the block before and the first state that differs:"
			run "$b" "${args[@]}" | sed -n "${from},$((first + 2))p;$((first + 2))q" | sed 's/^/    /'
		done
		[ "$first" -gt 3 ] || continue
		pc=$(run "$ref" "${args[@]}" | sed -n "$((from + 1))p;$((from + 1))q" | sed -n 's/^EIP=\([0-9a-f]*\).*/\1/p')
		for b in "$ref" "$be"; do
			echo "  the block at $pc under $b:"
			block_of "$b" "$pc" "${args[@]}" | sed 's/^/    /'
		done
	done
done
exit $fail
