#!/usr/bin/env bash
# paravirt.sh - full virtualization against paravirtualization on the same
# guest (make bench's "full versus paravirtual" section): the demo OS's
# three workloads (guests/demo: fork, timer, disk) built unmodified
# (demo.elf) and paravirtualized (demo-pv.elf), on
#   bt86-full   bt86, demo.elf, IDE disk
#   bt86-pv     bt86 -cpu bt86,pv=on, demo-pv.elf, virtio-blk disk (when
#               this bt86 has virtio-blk; otherwise its disk rows are "-")
#   bt86-pv-tlb the same with "pvmmu=direct" (default backend only): page-
#               table entries by plain stores, only INVLPG and CR3 loads in
#               the MMU batches
#   qemu-full   qemu-system-i386 (TCG), demo.elf, IDE disk
#   qemu-pv     qemu-system-i386, demo-pv.elf: no bt86 hypercalls there
#               (the guest falls back to CLI/STI, PIT, MOV CR3), but the
#               disk is virtio-blk: QEMU's IDE against its virtio-blk
# with the default backend and every other one `bt86 -backend help` lists
# (bench/backends.sh; BENCH_BACKENDS narrows it).
#
# Time per operation is the guest's own (the demo's TSC meter: bt86's TSC
# is its virtual clock, 1 GHz), the median of REPS runs.  Monitor entries
# per operation come from -stats-json: one run with the workload minus one
# that only boots ("run=exit"), divided by the operations; per class
# (monitor_by_class) and for the instructions the two builds differ in.
# Writes $BENCH_OUT/paravirt.json and paravirt.svg (bench/results).
# Timings never fail it; a wrong or missing checksum does (exit 1).
#
# Env: BT86 (./bt86), BUILDDIR (.), SRCDIR (.), QUICK=1, REPS, QEMU (path
# or "none"), BENCH_OUT, BENCH_BACKENDS.
set -u
export LC_ALL=C
SRCDIR=$(cd "${SRCDIR:-$(dirname "$0")/..}" && pwd)
cd "${BUILDDIR:-.}" || exit 1
BT86=${BT86:-./bt86}
OUT=${BENCH_OUT:-bench/results}
. "$SRCDIR/bench/backends.sh"
backends=$(bench_backends "$BT86") || exit 1
backends=$(echo $backends)
default_backend=$("$BT86" -backend help 2>/dev/null | awk '/\(default\)$/ { print $1 }')
if [ "${QUICK:-0}" = 1 ]; then
	REPS=${REPS:-1} FORKS=200 SLEEPS=200 REQS=64
else
	# Large enough that the difference of two runs' CPU time (bash's time,
	# 1 ms) is seconds: a few minutes in all.
	REPS=${REPS:-3} FORKS=10000 SLEEPS=10000 REQS=1024
fi
SLEEP_US=100
QEMU=${QEMU:-$(command -v qemu-system-i386 || echo none)}
for f in guests/demo/demo.elf guests/demo/demo-pv.elf; do
	[ -f "$f" ] || { echo "paravirt: $f not built"; exit 1; }
done
mkdir -p "$OUT"
work=$(mktemp -d "${TMPDIR:-/tmp}/paravirt-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
EXITDEV=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)

# Does this bt86 have virtio-blk?  Its answer to -drive if=virtio says.
dd if=/dev/zero of="$work/probe.img" bs=1M count=2 2> /dev/null
if timeout 20 "$BT86" -kernel guests/demo/demo-pv.elf -append run=exit -nographic "${EXITDEV[@]}" \
	-drive "file=$work/probe.img,if=virtio,format=raw" < /dev/null 2> /dev/null | grep -q '^  bye'; then
	bt86_virtio=1
else
	bt86_virtio=0
fi

# engine_cmd ENGINE IMG: the emulator command line (without -append)
engine_cmd() {
	local e=$1 img=$2 be
	case $e in
	bt86-full*) be=${e#bt86-full}; be=${be#@}
		echo "$BT86" ${be:+-backend $be} -kernel guests/demo/demo.elf -drive "file=$img,if=ide,format=raw" ;;
	bt86-pv-tlb) echo "$BT86" -cpu bt86,pv=on -kernel guests/demo/demo-pv.elf \
			$([ $bt86_virtio = 1 ] && echo -drive "file=$img,if=virtio,format=raw") ;;
	bt86-pv*) be=${e#bt86-pv}; be=${be#@}
		echo "$BT86" ${be:+-backend $be} -cpu bt86,pv=on -kernel guests/demo/demo-pv.elf \
			$([ $bt86_virtio = 1 ] && echo -drive "file=$img,if=virtio,format=raw") ;;
	qemu-full) echo "$QEMU" -m 128 -no-reboot -kernel guests/demo/demo.elf -drive "file=$img,if=ide,format=raw" ;;
	qemu-pv) echo "$QEMU" -m 128 -no-reboot -kernel guests/demo/demo-pv.elf -drive "file=$img,if=virtio,format=raw" ;;
	esac
}

# The default backend first: the chart's bars are relative to bt86-full.
engines=
for be in $default_backend $backends; do
	[[ " $engines " == *" bt86-full@$be "* ]] && continue
	if [ "$be" = "$default_backend" ]; then
		[[ " $engines " == *" bt86-full "* ]] && continue
		[[ " $backends " == *" $be "* ]] || continue
		engines="$engines bt86-full bt86-pv bt86-pv-tlb"
	else
		engines="$engines bt86-full@$be bt86-pv@$be"
	fi
done
[ "$QEMU" != none ] && engines="$engines qemu-full qemu-pv"

# run ENGINE APPEND TAG: serial output to $work/ENGINE.TAG.out (and, for
# bt86, -stats-json to .json)
status=0
run() {
	local e=$1 app=$2 tag=$3 img=$work/disk.img stats=() st
	rm -f "$img"
	truncate -s $((REQS * 2 * 4096)) "$img"	# room for the 2N run
	case $e in bt86*) stats=(-stats-json "$work/$e.$tag.json") ;; esac
	[ "$e" = bt86-pv-tlb ] && app="pvmmu=direct $app"
	# The emulator's CPU time (user + system, all its threads): what the
	# host pays, and far steadier than wall time on a shared machine.
	local TIMEFORMAT='%U %S'
	# shellcheck disable=SC2046
	{ time { timeout 300 $(engine_cmd "$e" "$img") -append "$app" -nographic "${EXITDEV[@]}" \
		"${stats[@]}" < /dev/null > "$work/$e.$tag.raw" 2> "$work/$e.$tag.err"
		echo $? > "$work/$e.$tag.st"; }; } 2> "$work/$e.$tag.time"
	st=$(cat "$work/$e.$tag.st")
	tr -d '\r' < "$work/$e.$tag.raw" > "$work/$e.$tag.out"
	awk '{ printf "%.6f\n", $1 + $2 }' "$work/$e.$tag.time" > "$work/$e.$tag.t"
	if [ "$st" != 1 ]; then
		echo "paravirt: $e \"$app\": exit status $st" >&2
		status=1
	fi
}

work_cmd() { # WORKLOAD SCALE
	case $1 in
	fork) echo "fork $((FORKS * $2))" ;;
	timer) echo "timer $((SLEEPS * $2)) $SLEEP_US" ;;
	disk) echo "disk $((REQS * $2))" ;;
	esac
}

echo "engines:$engines; $REPS run(s) each; fork $FORKS, timer $SLEEPS x $SLEEP_US us, disk $REQS x 4 KiB"
echo "(host CPU time per operation: a run at 2N operations less one at N, over N)"
[ $bt86_virtio = 1 ] || echo "this bt86 has no virtio-blk (-drive if=virtio refused): bt86-pv has no disk rows"
for e in $engines; do
	case $e in bt86*) run "$e" "run=exit" base ;; esac
	for w in fork timer disk; do
		for r in $(seq 1 "$REPS"); do
			run "$e" "run=$(work_cmd $w 1);exit" "$w.$r"
			run "$e" "run=$(work_cmd $w 2);exit" "$w.$r.2"
		done
	done
done

python3 - "$work" "$OUT" "$REPS" "$FORKS" "$SLEEPS" "$SLEEP_US" "$REQS" $engines <<'EOF' || status=1
import json, os, re, statistics, sys, time

work, out, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
forks, sleeps, sleep_us, reqs = map(int, sys.argv[4:8])
engines = sys.argv[8:]
# workload -> (meter row name, operations, result line pattern)
rows = [("fork", "fork", "fork", forks, r"^  fork check: \S+"),
        ("timer", "timer", "timer", sleeps, r"^  \d+ sleeps of \d+ us, \d+ wakeups"),
        ("disk-write", "disk", "write", reqs, r"^  disk check: .*"),
        ("disk-read", "disk", "read", reqs, r"^  disk check: .*")]
insns = ["cli", "sti", "pushf", "popf", "hlt", "in", "out", "ins", "outs", "mov_to_cr",
         "mov_from_cr", "invlpg", "iret", "rdtsc", "hc_mmu_batch", "hc_timer", "hc_halt",
         "hc_time", "hc_events", "hc_console_write"]
classes = ["privileged", "sensitive-unprivileged", "virtualization-sensitive", "hypercall"]
bad = 0

def read(path):
    try:
        return open(path).read()
    except OSError:
        return ""

def stats(path):
    try:
        d = json.load(open(path))
    except (OSError, ValueError):
        return None
    m = dict(d.get("monitor", {}))
    for c, v in d.get("monitor_by_class", {}).items():
        m["class:" + c] = v["count"] if isinstance(v, dict) else v
    return m

result = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "reps": reps,
          "sizes": {"fork": forks, "timer": sleeps, "sleep_us": sleep_us, "disk": reqs},
          "engines": engines, "rows": []}
checks = {}
for name, wl, meter, ops, pat in rows:
    row = {"workload": name, "ops": ops, "engines": {}}
    for e in engines:
        times, check = [], None
        for r in range(1, reps + 1):
            txt = read(f"{work}/{e}.{wl}.{r}.out")
            m = re.search(rf"^  {meter} +\d+ \S+ +\d+ ticks +[\d.]+ ms +([\d.]+) us/op", txt, re.M)
            c = re.search(pat, txt, re.M)
            if m:
                times.append(float(m.group(1)))
            if c:
                check = c.group(0).strip()
        host = []
        for r in range(1, reps + 1):
            try:
                t1 = float(read(f"{work}/{e}.{wl}.{r}.t"))
                t2 = float(read(f"{work}/{e}.{wl}.{r}.2.t"))
                host.append((t2 - t1) / ops * 1e6)
            except ValueError:
                pass
        ent = {"us_per_op": statistics.median(times) if times else None,
               "host_cpu_us_per_op": statistics.median(host) if host and check else None,
               "check": check}
        if wl == "disk" and "no virtio-blk device found" in read(f"{work}/{e}.{wl}.1.out"):
            ent["note"] = "no virtio-blk device"
        s, b = stats(f"{work}/{e}.{wl}.1.json"), stats(f"{work}/{e}.base.json")
        if s is not None and b is not None:
            ent["entries_per_op"] = {k: round((s.get(k, 0) - b.get(k, 0)) / ops, 3)
                                     for k in ["class:" + c for c in classes] + insns
                                     if s.get(k, 0) - b.get(k, 0)}
        row["engines"][e] = ent
        if check:
            checks.setdefault(name, {}).setdefault(check, []).append(e)
    result["rows"].append(row)
for name, seen in checks.items():
    if len(seen) > 1:
        print(f"paravirt: WRONG: {name} results differ: {seen}")
        bad = 1

def fmt(v):
    return "-" if v is None else (f"{v:.0f}" if v >= 100 else f"{v:.2f}" if v < 10 else f"{v:.1f}")

w = max(len(e) for e in engines) + 2
print(f"\n{'host CPU us/op':<14}" + "".join(f"{e:>{w}}" for e in engines))
for row in result["rows"]:
    if row["workload"] == "disk-read":
        continue
    label = "disk (w+r)" if row["workload"] == "disk-write" else row["workload"]
    print(f"{label:<14}" + "".join(f"{fmt(row['engines'][e]['host_cpu_us_per_op']):>{w}}" for e in engines))
print(f"\n{'guest us/op':<14}" + "".join(f"{e:>{w}}" for e in engines))
for row in result["rows"]:
    print(f"{row['workload']:<14}" + "".join(f"{fmt(row['engines'][e]['us_per_op']):>{w}}" for e in engines))
print(f"(guest: the demo's own TSC meter.  bt86's TSC is its virtual clock, which advances at\n"
      f" most 100 ns per guest instruction between looks (base/timer.h): a monitor entry that\n"
      f" takes longer, as a REP INSW does, is mostly hidden from the guest, so this column\n"
      f" understates bt86's cost of port I/O; the host CPU column does not.  timer: each\n"
      f" operation is a sleep of {sleep_us} us; its host CPU cost is the overhead alone)")
print("\nmonitor entries per operation (workload run minus a boot alone; bt86 only;\n"
      " disk: per 4 KiB written and read back)")
for row in result["rows"]:
    if row["workload"] == "disk-read":
        continue
    label = "disk (w+r)" if row["workload"] == "disk-write" else row["workload"]
    for e in engines:
        ep = row["engines"][e].get("entries_per_op")
        if ep is None:
            continue
        cl = "  ".join(f"{c} {ep.get('class:' + c, 0):g}" for c in classes)
        ins = " ".join(f"{k} {v:g}" for k, v in ep.items() if not k.startswith("class:"))
        note = row["engines"][e].get("note")
        print(f"  {label:<11} {e:<{w}} {cl}")
        print(f"  {'':<11} {'':<{w}} {note if note else ins}")
for row in result["rows"]:
    print(f"{row['workload']} result: " + "; ".join(
        f"{e}: {row['engines'][e]['check']}" for e in engines if row['engines'][e]['check']))

os.makedirs(out, exist_ok=True)
with open(f"{out}/paravirt.json", "w") as f:
    json.dump(result, f, indent=1)

# The chart: one group per workload, one bar per engine, time per operation
# relative to bt86-full (log scale), its value written above it.
import math
colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
W, H, top, left, bottom = 1000, 380, 50, 60, 70
groups = result["rows"]
gw = (W - left - 20) / len(groups)
bw = gw * 0.8 / max(1, len(engines))
lo, hi = 0.01, 100.0
def y(r):
    r = min(max(r, lo), hi)
    return top + (H - top - bottom) * (1 - (math.log10(r) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
       f'<text x="{W/2}" y="20" text-anchor="middle" font-size="14">demo OS, full against paravirtual: cost per operation relative to bt86-full (log scale)</text>',
       f'<text x="{W/2}" y="36" text-anchor="middle">{result["date"]}; fork {forks}, timer {sleeps} x {sleep_us} us, disk {reqs} x 4 KiB; lower is faster</text>']
for r in [0.01, 0.1, 1, 10, 100]:
    svg.append(f'<line x1="{left}" x2="{W-20}" y1="{y(r):.1f}" y2="{y(r):.1f}" stroke="#ccc"/>'
               f'<text x="{left-5}" y="{y(r)+4:.1f}" text-anchor="end">{r:g}x</text>')
for gi, row in enumerate(groups):
    key = "us_per_op" if row["workload"] == "disk-read" else "host_cpu_us_per_op"
    base = row["engines"].get(engines[0], {}).get(key)
    x0 = left + gi * gw + gw * 0.1
    label = {"disk-write": "disk w+r, host CPU", "disk-read": "disk read, guest TSC"}.get(
        row["workload"], row["workload"] + ", host CPU")
    svg.append(f'<text x="{left + gi*gw + gw/2:.1f}" y="{H-bottom+18}" text-anchor="middle">{label}</text>')
    for ei, e in enumerate(engines):
        v = row["engines"][e][key]
        x = x0 + ei * bw
        if v is None or not base:
            svg.append(f'<text x="{x+bw/2:.1f}" y="{y(1)-3:.1f}" text-anchor="middle" fill="#999">-</text>')
            continue
        yy = y(v / base)
        svg.append(f'<rect x="{x:.1f}" y="{min(yy, y(1)):.1f}" width="{bw*0.9:.1f}" height="{abs(y(1)-yy):.1f}" fill="{colors[ei % len(colors)]}"/>'
                   f'<text x="{x+bw*0.45:.1f}" y="{min(yy, y(1))-3:.1f}" text-anchor="middle" font-size="9">{fmt(v)}</text>')
for ei, e in enumerate(engines):
    lx = left + ei * 120
    svg.append(f'<rect x="{lx}" y="{H-30}" width="10" height="10" fill="{colors[ei % len(colors)]}"/>'
               f'<text x="{lx+14}" y="{H-21}">{e}</text>')
svg.append(f'<text x="{left}" y="{H-6}" font-size="9">bar labels: us per operation (median of the runs); host CPU = run at 2N less run at N, over N</text></svg>')
with open(f"{out}/paravirt.svg", "w") as f:
    f.write("\n".join(svg) + "\n")
print(f"\nwrote {out}/paravirt.json and {out}/paravirt.svg")
sys.exit(bad)
EOF
exit $status
