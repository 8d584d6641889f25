#!/usr/bin/env bash
# paravirt.test.sh - the hypercall rows of -stats and -stats-json, and the
# -cpu spellings of the paravirtual interfaces (docs/paravirt.md).
#
# guests/pv makes a known number of each call (counted in its source: 19
# batches, 8 console writes from CPL 0, 5 shared-page calls, 1 events, 2
# halts, 9 timer calls, 2 refused at CPL 3, 2 unknown numbers, 2 versions);
# every VMCALL must land in exactly one per-name row, so the rows add up to
# the "hypercall" class total.  guests/vmcall_ud's three VMCALLs without an
# interface are "vmcall_ud".  guests/kvmclock also runs without -icount.
#
# Environment (from run-tests.sh): BT86, BUILDDIR.
set -u
cd "${BUILDDIR:-.}"
BT86=${BT86:-./bt86}
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paravirt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

run() { # ELF JSON OPTS...: run a guest, its -stats (text) to $tmp/stats
	local elf=$1 json=$2
	shift 2
	timeout 60 "$BT86" -kernel "$elf" -nographic -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-stats -stats-json "$json" "$@" < /dev/null > /dev/null 2> "$tmp/stats"
}
# key JSON SECTION NAME: a count from -stats-json ("" when absent)
key() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))[sys.argv[2]].get(sys.argv[3], "")
print(d["count"] if isinstance(d, dict) else d)' "$@"
}
check() { # WHAT GOT WANT
	if [ "$2" = "$3" ]; then
		echo "ok: $1 = $2"
	else
		echo "FAIL: $1 = '$2', want '$3'"
		fail=1
	fi
}

for g in pv vmcall_ud; do
	[ -f guests/$g/$g.elf ] || { echo "FAIL: guests/$g/$g.elf not built"; exit 1; }
done

run guests/pv/pv.elf "$tmp/pv.json" -cpu bt86,pv=on -icount shift=0,sleep=off
for pair in hc_mmu_batch=19 hc_console_write=8 hc_shared_page=5 hc_events=1 hc_halt=2 \
	hc_timer=9 hc_eperm=2 hc_enosys=2 hc_version=2 vmcall=; do
	check "guests/pv: monitor entries ${pair%=*}" "$(key "$tmp/pv.json" monitor "${pair%=*}")" "${pair#*=}"
done
sum=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["monitor"]
print(sum(v for k, v in d.items() if k.startswith(("hc_", "kvm_", "vmcall_"))))' "$tmp/pv.json")
check "guests/pv: the per-call rows add up to the hypercall class" "$sum" \
	"$(key "$tmp/pv.json" monitor_by_class hypercall)"
grep -q -E '^    hc_mmu_batch +hypercall +19 ' "$tmp/stats" ||
	{ echo "FAIL: -stats has no 'hc_mmu_batch hypercall 19' row:"; grep hc_ "$tmp/stats"; fail=1; }

run guests/vmcall_ud/vmcall_ud.elf "$tmp/ud.json"
check "guests/vmcall_ud: monitor entries vmcall_ud" "$(key "$tmp/ud.json" monitor vmcall_ud)" 3
check "guests/vmcall_ud: hypercall class" "$(key "$tmp/ud.json" monitor_by_class hypercall)" 3

# kvmclock against bt86's virtual clock without -icount too: the TSC is then
# the host-driven virtual clock, and the record must still be exact, also
# after the guest moves the TSC (its -icount run is guests/kvmclock).
[ -f guests/kvmclock/kvmclock.elf ] || { echo "FAIL: guests/kvmclock/kvmclock.elf not built"; exit 1; }
timeout 60 "$BT86" -kernel guests/kvmclock/kvmclock.elf -nographic -cpu bt86,kvm=on,pv=on \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 < /dev/null 2> /dev/null | tr -d '\r' > "$tmp/kc"
for what in "kvmclock" "after WRMSR TSC, kvmclock"; do
	check "guests/kvmclock without -icount: $what brackets BT86_HC_TIME" \
		"$(sed -n "s/^$what brackets BT86_HC_TIME (10 us slack): //p" "$tmp/kc")" yes
done

# The spellings: on/off for any model; anything else is a usage error.
# (The kernel does not exist: a -cpu accepted gets as far as that error.)
for spec in bt86,pv=on max,kvm=on pentium3,pv=on,kvm=on qemu32,+pv,-kvm 486,pv=off; do
	"$BT86" -cpu "$spec" -kernel /nonexistent -display none > /dev/null 2> "$tmp/err"
	if grep -q '^bt86: -cpu' "$tmp/err" || ! grep -q "cannot open '/nonexistent'" "$tmp/err"; then
		echo "FAIL: -cpu $spec: $(cat "$tmp/err")"
		fail=1
	else
		echo "ok: -cpu $spec accepted"
	fi
done
"$BT86" -cpu bt86,pv=maybe -kernel guests/pv/pv.elf -display none > /dev/null 2> "$tmp/err"
st=$?
if [ $st = 2 ] && grep -q 'pv=maybe: expected pv=on or pv=off' "$tmp/err"; then
	echo "ok: -cpu bt86,pv=maybe: exit 2, $(cat "$tmp/err")"
else
	echo "FAIL: -cpu bt86,pv=maybe: exit $st, '$(cat "$tmp/err")'"
	fail=1
fi
"$BT86" -cpu help | grep -q '^  pv=on ' && "$BT86" -cpu help | grep -q '^  kvm=on ' &&
	echo "ok: -cpu help lists pv=on and kvm=on" ||
	{ echo "FAIL: -cpu help does not list pv=on and kvm=on"; fail=1; }
exit $fail
