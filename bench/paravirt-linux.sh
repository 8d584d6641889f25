#!/usr/bin/env bash
# shellcheck disable=SC2154 # work, x and root: set by linux_test_start
# paravirt-linux.sh - full virtualization against paravirtualization with
# Linux as the guest (make bench; the demo OS's section is bench/paravirt.sh):
# Debian's own i386 kernel, the one tests/boot/ boots, moves the same data
# through an emulated device and through a virtio one:
#   disk  sequential read, then write, of N MiB with dd (bs=1M, O_DIRECT:
#         every byte goes to the device) on the IDE disk (ata_piix,
#         -drive if=ide; Linux programs its bus-master DMA) against
#         virtio-blk (-drive if=virtio); and the IDE disk again in PIO
#         ("ide-pio": libata dma=0, every sector through the data port)
#   net   N MiB over HTTP/1.0 from a server on the host's loopback, through
#         slirp (-nic user), into the guest's RAM file system, on the e1000
#         against virtio-net-pci; the virtio-net row is skipped, with the
#         reason, while `bt86 -device help` does not list virtio-net-pci
# on bt86 (its default backend) and on qemu-system-i386 (TCG), same kernel,
# same initramfs, same command line.
#
# Timed from outside the guest: the guest prints a mark before and after
# each transfer, and bench/serial-marks.py notes the host's wall clock and
# the emulator's CPU time when each mark arrives.  MB/s = 2^20 * N bytes
# over the wall time (the guest's clock is bt86's virtual clock, which a
# long monitor entry leaves behind).  What bt86 did for it comes from
# -stats-json: a run with the transfers less a run that boots the same way
# and moves nothing, per MiB: monitor entries, port and MMIO accesses per
# device (each one a device exit: a call from the guest into a device
# model), interrupts.  Writes $BENCH_OUT/paravirt-linux.json and a chart,
# paravirt-linux.svg.
# Timings never fail it; a transfer that goes wrong (data that does not
# check, a run that stops) does (exit 1).  Exit 77 when there is no kernel
# (tests/boot/fetch.sh cannot fetch it) or no python3.
#
# Env: BT86 (./bt86), BUILDDIR (.), SRCDIR (.), QUICK=1 (4 MiB, bt86 only,
# the ide and virtio-blk rows, no base runs: two boots, about a minute),
# MIB (N, 64), QEMU (path or "none"), BENCH_OUT (bench/results),
# BOOT_TIMEOUT (per run, 900 s), ROWS (a subset of "ide ide-pio virtio-blk
# e1000 virtio-net").
set -u
export LC_ALL=C
SRCDIR=$(cd "${SRCDIR:-$(dirname "$0")/..}" && pwd)
cd "${BUILDDIR:-.}" || exit 1
BUILDDIR=$PWD
BT86=${BT86:-./bt86}
case $BT86 in /*) ;; *) BT86=$PWD/$BT86 ;; esac
OUT=${BENCH_OUT:-bench/results}
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
	MIB=${MIB:-4}
	ROWS=${ROWS:-ide virtio-blk}
	QEMU=none
else
	MIB=${MIB:-64}
	QEMU=${QEMU:-$(command -v qemu-system-i386 || echo none)}
fi
TIMEOUT=${BOOT_TIMEOUT:-900}
rows=${ROWS:-ide ide-pio virtio-blk e1000 virtio-net}
for row in $rows; do
	case $row in
	ide|ide-pio|virtio-blk|e1000|virtio-net) ;;
	*) echo "paravirt-linux: ROWS: no row '$row' (ide ide-pio virtio-blk e1000 virtio-net)"; exit 1 ;;
	esac
done
if ! command -v python3 > /dev/null; then
	echo "skipped: python3 not installed (it times the runs and serves the files over HTTP)"
	exit 77
fi
here=$SRCDIR/tests
# shellcheck source=tests/boot/linux-test.sh
. "$here/boot/linux-test.sh"
linux_test_start paravirt-linux-bench
disk_mods="scsi_common scsi_mod libata ata_piix crct10dif_common crct10dif_generic
	crc-t10dif crc64 crc64-rocksoft t10-pi sd_mod"
virtio_mods="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci"
# shellcheck disable=SC2086
linux_test_modules $disk_mods $virtio_mods virtio_blk e1000 failover net_failover virtio_net
cat > "$root/bin/dhcp.sh" <<'EOF'
#!/bin/busybox sh
[ "$1" = bound ] || exit 0
ifconfig "$interface" "$ip" netmask "$subnet" up
route add default gw "$router" dev "$interface"
EOF
chmod 755 "$root/bin/dhcp.sh"
# The kernel's command line says what to do: pvb=ROW,MIB,PORT.  MIB 0 is
# the base run: the same boot, modules and device set-up, no transfer.
cat > "$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
set -- \$(sed -n 's/.*pvb=\([a-z0-9-]*\),\([0-9]*\),\([0-9]*\).*/\1 \2 \3/p' /proc/cmdline)
row=\$1 mib=\$2 port=\$3
# ide-pio: libata without DMA (dma=0), so that every sector goes through the
# data port, as the demo OS's IDE driver does.
load() {
	for m in "\$@"; do
		opt=
		[ \$m = libata ] && [ \$row = ide-pio ] && opt=dma=0
		insmod /lib/\$m.ko \$opt || echo "@@fail insmod \$m"
	done
}
waitfor() { for i in \$(seq 120); do [ -e "\$1" ] && return 0; sleep 1; done; echo "@@fail no \$1"; return 1; }
case \$row in
ide|ide-pio) load $(echo $disk_mods); dev=sda ;;
virtio-blk) load $(echo $virtio_mods) virtio_blk; dev=vda ;;
e1000) load e1000 ;;
virtio-net) load $(echo $virtio_mods) failover net_failover virtio_net ;;
esac
case \$row in
ide|ide-pio|virtio-blk)
	waitfor /sys/block/\$dev/size
	echo "@@size \$(cat /sys/block/\$dev/size)"
	dmesg | grep -o 'ata[0-9.]*: configured for .*' | sed 's/^/@@mode /' 
	if [ "\$mib" != 0 ]; then
		echo "@@mark read-start"
		dd if=/dev/\$dev of=/dev/null bs=1M count=\$mib iflag=direct 2>/tmp/dd.log || echo "@@fail dd read: \$(cat /tmp/dd.log)"
		echo "@@mark read-end"
		echo "@@md5 \$(dd if=/dev/\$dev bs=1M count=1 iflag=direct 2>/dev/null | md5sum)"
		echo "@@mark write-start"
		dd if=/dev/zero of=/dev/\$dev bs=1M count=\$mib oflag=direct conv=fsync 2>/tmp/dd.log || echo "@@fail dd write: \$(cat /tmp/dd.log)"
		echo "@@mark write-end"
	fi ;;
e1000|virtio-net)
	waitfor /sys/class/net/eth0
	echo "@@driver \$(basename \$(readlink /sys/class/net/eth0/device/driver))"
	ifconfig lo up
	ifconfig eth0 up
	udhcpc -i eth0 -n -q -t 20 -T 1 -s /bin/dhcp.sh > /dev/null 2>&1 || echo "@@fail no DHCP lease"
	if [ "\$mib" != 0 ]; then
		echo "@@mark net-start"
		printf 'GET /data.bin HTTP/1.0\r\n\r\n' | nc 10.0.2.2 \$port > /tmp/data
		echo "@@mark net-end"
		echo "@@net \$(stat -c %s /tmp/data) \$(tail -c \$((mib * 1048576)) /tmp/data | md5sum)"
		rm -f /tmp/data
	fi ;;
esac
echo "@@done"
reboot -f
EOF
chmod 755 "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip > "$work/initrd.img"
rm -rf "$x" "$root"

# The data: random, so that a read of the wrong bytes cannot check.
head -c $((MIB * 1048576)) /dev/urandom > "$work/data.bin"
mkdir -p "$work/www"
ln -s ../data.bin "$work/www/data.bin"
md5_all=$(md5sum < "$work/data.bin")
md5_first=$(head -c 1048576 "$work/data.bin" | md5sum)

server=
trap '[ -n "$server" ] && kill "$server" 2> /dev/null' EXIT
(cd "$work/www" && exec python3 -u -m http.server --bind 127.0.0.1 0) > "$work/http.log" 2>&1 &
server=$!
port=
for _ in $(seq 50); do
	port=$(sed -n 's/.*port \([0-9][0-9]*\).*/\1/p' "$work/http.log" | head -n 1)
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { echo "paravirt-linux: the HTTP server did not start: $(cat "$work/http.log")"; exit 1; }

# Which rows this bt86 can run.
declare -A skip
if ! grep -q '^CONFIG_SLIRP = y' config.mk 2>/dev/null; then
	skip[e1000]="bt86 was built without libslirp (no -nic user)"
	skip[virtio-net]=${skip[e1000]}
elif ! "$BT86" -device help 2>&1 | grep -q '^name "virtio-net-pci"'; then
	skip[virtio-net]="bt86 -device help does not list virtio-net-pci"
fi
declare -A img_row=([ide]=1 [ide-pio]=1 [virtio-blk]=1)
engines=bt86
[ "$QEMU" != none ] && engines="bt86 qemu"

# run ENGINE ROW MIB TAG: $work/ENGINE.ROW.TAG.{log,marks,st,json}
status=0
run() {
	local e=$1 row=$2 mib=$3 tag=$4 img=$work/disk.img cmd dev
	local base=$work/$e.$row.$tag
	case $row in
	ide*|virtio-blk)
		cp "$work/data.bin" "$img"
		truncate -s $((MIB * 1048576 + 1048576)) "$img"
		dev=(-nic none -drive "file=$img,if=$(if [ $row = virtio-blk ]; then echo virtio; else echo ide; fi),format=raw") ;;
	*) dev=(-nic "user,model=${row/virtio-net/virtio-net-pci}") ;;
	esac
	case $e in
	bt86) cmd=("$BT86" -stats-json "$base.json") ;;
	qemu) cmd=("$QEMU") ;;
	esac
	python3 "$SRCDIR/bench/serial-marks.py" "$base.log" "$TIMEOUT" "${cmd[@]}" \
		-kernel "$work/boot/vmlinuz" -initrd "$work/initrd.img" \
		-append "console=ttyS0 quiet pvb=$row,$mib,$port" -nographic -m 256 -no-reboot \
		"${dev[@]}" > "$base.marks"
	echo $? > "$base.st"
	# The write's check: the image holds what the guest wrote (zeros).
	if [ "$mib" != 0 ] && [ -n "${img_row[$row]:-}" ]; then
		if cmp -s -n $((mib * 1048576)) "$img" /dev/zero; then
			echo ok > "$base.wcheck"
		else
			echo "the image does not hold the zeros the guest wrote" > "$base.wcheck"
		fi
	fi
}

echo "rows: $rows; engines: $engines; $MIB MiB per transfer"
for row in $rows; do
	if [ -n "${skip[$row]:-}" ]; then
		echo "$row: skipped: ${skip[$row]}"
		continue
	fi
	for e in $engines; do
		[ "$e" = bt86 ] && [ "$QUICK" != 1 ] && run "$e" "$row" 0 base
		run "$e" "$row" "$MIB" work
	done
done

python3 - "$work" "$OUT" "$MIB" "$QUICK" "$md5_all" "$md5_first" "$engines" "$rows" \
	"$(for r in $rows; do echo "$r=${skip[$r]:-}"; done)" <<'EOF' || status=1
import json, os, re, sys, time

work, out, mib, quick = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
md5_all, md5_first = sys.argv[5].split()[0], sys.argv[6].split()[0]
engines, rows = sys.argv[7].split(), sys.argv[8].split()
skips = dict(l.split("=", 1) for l in sys.argv[9].splitlines())
bad = 0

def read(path):
    try:
        return open(path).read()
    except OSError:
        return ""

def marks(path):
    m = {}
    for line in read(path).splitlines():
        name, wall, cpu = line.split()
        m[name] = (float(wall), float(cpu))
    return m

def stats(path):
    """The counts of one -stats-json, flattened: monitor:NAME, port:DEV,
    mmio:DEV, class:NAME, interrupts, instructions, ms:WHERE."""
    try:
        d = json.load(open(path))
    except (OSError, ValueError):
        return None
    s = {"interrupts": d.get("interrupts", 0), "instructions": d.get("guest_instructions", 0)}
    # Host time inside bt86, by where it went (ms): device models, monitor.
    # (Not "translated_code": it includes the time a halted guest waits.)
    for k in ("devices", "monitor"):
        s["ms:" + k] = d.get("time_seconds", {}).get(k, 0) * 1000
    for k, v in d.get("monitor", {}).items():
        s["monitor:" + k] = v
    for k, v in d.get("monitor_by_class", {}).items():
        s["class:" + k] = v["count"] if isinstance(v, dict) else v
    for p in d.get("ports", []):
        s["port:" + p["device"]] = s.get("port:" + p["device"], 0) + p["accesses"]
    for p in d.get("mmio", []):
        s["mmio:" + p["device"]] = s.get("mmio:" + p["device"], 0) + p["accesses"]
    return s

# row -> the transfers it times
phases = {"ide": ["read", "write"], "ide-pio": ["read", "write"], "virtio-blk": ["read", "write"],
          "e1000": ["net"], "virtio-net": ["net"]}
result = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "mib": mib, "quick": quick,
          "engines": engines, "rows": []}
for row in rows:
    if skips.get(row):
        result["rows"].append({"row": row, "skipped": skips[row]})
        continue
    for ph in phases[row]:
        ent = {"row": row, "transfer": ph, "engines": {}}
        for e in engines:
            base = f"{work}/{e}.{row}.work"
            log, st = read(base + ".log"), read(base + ".st").strip()
            mk = marks(base + ".marks")
            r = {"status": st}
            problems = re.findall(r"^@@fail (.*)$", log, re.M)
            if st != "0":
                problems.append(f"exit status {st}")
            if "@@done" not in log:
                problems.append("the guest did not finish")
            if ph == "read" and not re.search(rf"^@@md5 {md5_first} ", log, re.M):
                problems.append("the first MiB read back is not the image's")
            if ph == "write" and read(base + ".wcheck").strip() != "ok":
                problems.append(read(base + ".wcheck").strip() or "no write check")
            if ph == "net":
                m = re.search(r"^@@net (\d+) (\w+)", log, re.M)
                if not m or m.group(2) != md5_all:
                    problems.append("the file fetched is not the host's: " + (m.group(0) if m else "no @@net line"))
                d = re.search(r"^@@driver (\S+)", log, re.M)
                r["driver"] = d.group(1) if d else None
            d = re.search(r"^@@mode (.*)$", log, re.M)
            if d:
                r["mode"] = d.group(1)
            if (ph + "-start") in mk and (ph + "-end") in mk:
                wall = mk[ph + "-end"][0] - mk[ph + "-start"][0]
                cpu = mk[ph + "-end"][1] - mk[ph + "-start"][1]
                r["seconds"] = round(wall, 3)
                r["mb_per_s"] = round(mib * 1.048576 / wall, 2) if wall > 0 else None
                r["host_cpu_ms_per_mib"] = round(cpu * 1000 / mib, 1)
            else:
                problems.append("no marks around the transfer")
            if problems:
                r["problems"] = problems
                print(f"paravirt-linux: WRONG: {row} {ph} on {e}: {'; '.join(problems)}")
                bad = 1
            if e == "bt86":
                w, b = stats(base + ".json"), stats(f"{work}/{e}.{row}.base.json")
                if w is not None and b is not None:
                    # A row's runs do both its transfers: its counts are per MiB moved in all.
                    moved = mib * len(phases[row])
                    r["per_mib"] = {k: round((w.get(k, 0) - b.get(k, 0)) / moved, 1)
                                    for k in sorted(set(w) | set(b))
                                    if w.get(k, 0) != b.get(k, 0)}
                elif w is not None:
                    r["totals"] = w
            ent["engines"][e] = r
        result["rows"].append(ent)

def fmt(v):
    return "-" if v is None else (f"{v:.0f}" if v >= 100 else f"{v:.2f}" if v < 10 else f"{v:.1f}")

print(f"\n{'MB/s (host wall clock)':<24}" + "".join(f"{e:>10}" for e in engines)
      + "".join(f"{e + ' CPU ms/MiB':>18}" for e in engines))
for ent in result["rows"]:
    if "skipped" in ent:
        print(f"{ent['row']:<24}skipped: {ent['skipped']}")
        continue
    label = f"{ent['row']} {ent['transfer']}"
    print(f"{label:<24}" + "".join(f"{fmt(ent['engines'][e].get('mb_per_s')):>10}" for e in engines)
          + "".join(f"{fmt(ent['engines'][e].get('host_cpu_ms_per_mib')):>18}" for e in engines))
print("(CPU: the emulator's user + system time during the transfer, all its threads)")

# What bt86 did per MiB: one block per row (its runs do both transfers).
shown = set()
if not quick:
    print("\nbt86, per MiB moved (a run with the transfers less one without; -stats-json):")
for ent in result["rows"]:
    if "skipped" in ent or ent["row"] in shown:
        continue
    shown.add(ent["row"])
    pm = ent["engines"].get("bt86", {}).get("per_mib")
    if pm is None:
        continue
    cls = sum(v for k, v in pm.items() if k.startswith("class:"))
    mon = {k[8:]: v for k, v in pm.items() if k.startswith("monitor:")}
    pio = sum(mon.get(k, 0) for k in ("in", "out", "ins", "outs"))
    dev = sorted(((v, k) for k, v in pm.items() if k.startswith(("port:", "mmio:"))), reverse=True)
    print(f"  {ent['row']:<11} device exits {sum(v for v, _ in dev):.0f}: "
          + ", ".join(f"{k} {v:g}" for v, k in dev if abs(v) >= 0.5))
    print(f"  {'':<11} monitor entries {cls:.0f}: port I/O {pio:g} ("
          + ", ".join(f"{k} {mon[k]:g}" for k in ("in", "out", "ins", "outs") if mon.get(k))
          + f"), rdtsc {mon.get('rdtsc', 0):g}, other {cls - pio - mon.get('rdtsc', 0):g}")
    print(f"  {'':<11} interrupts {pm.get('interrupts', 0):g}, guest instructions {pm.get('instructions', 0):.3g}")
    print(f"  {'':<11} host ms in device models {pm.get('ms:devices', 0):g}, in the monitor "
          f"{pm.get('ms:monitor', 0):g}")
if shown and not quick:
    print("(port:/mmio: accesses per device model; a REP INS/OUTS is one monitor entry but\n"
          " one access per element.  Each rdtsc comes with a PAUSE: delay loops, whose count\n"
          " follows the host's speed; they, and whatever comes per unit of time (timer ticks),\n"
          " move from boot to boot)")
if quick:
    print("\n(QUICK: no base runs, so no per-MiB counts; bt86 only)")

os.makedirs(out, exist_ok=True)
with open(f"{out}/paravirt-linux.json", "w") as f:
    json.dump(result, f, indent=1)

# The chart: one group per row and transfer, one bar per engine, MB/s by the
# host's wall clock (higher is faster), its value above it.
bars = [ent for ent in result["rows"] if "skipped" not in ent]
W, H, top, left, bottom = 1000, 360, 50, 60, 60
gw = (W - left - 20) / max(1, len(bars))
bw = gw * 0.8 / max(1, len(engines))
peak = max([ent["engines"][e].get("mb_per_s") or 0 for ent in bars for e in engines] + [1])
def y(v):
    return top + (H - top - bottom) * (1 - v / peak)
colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
       f'<text x="{W/2}" y="20" text-anchor="middle" font-size="14">Linux, emulated against virtio devices: MB/s by the host clock (higher is faster)</text>',
       f'<text x="{W/2}" y="36" text-anchor="middle">{result["date"]}; {mib} MiB per transfer</text>',
       f'<line x1="{left}" x2="{W-20}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#999"/>']
for gi, ent in enumerate(bars):
    svg.append(f'<text x="{left + gi*gw + gw/2:.1f}" y="{H-bottom+16}" text-anchor="middle">{ent["row"]} {ent["transfer"]}</text>')
    for ei, e in enumerate(engines):
        v = ent["engines"].get(e, {}).get("mb_per_s")
        x = left + gi * gw + gw * 0.1 + ei * bw
        if v is None:
            continue
        svg.append(f'<rect x="{x:.1f}" y="{y(v):.1f}" width="{bw*0.9:.1f}" height="{y(0)-y(v):.1f}" fill="{colors[ei % len(colors)]}"/>'
                   f'<text x="{x+bw*0.45:.1f}" y="{y(v)-3:.1f}" text-anchor="middle" font-size="9">{fmt(v)}</text>')
for ei, e in enumerate(engines):
    svg.append(f'<rect x="{left + ei*120}" y="{H-24}" width="10" height="10" fill="{colors[ei % len(colors)]}"/>'
               f'<text x="{left + ei*120 + 14}" y="{H-15}">{e}</text>')
svg.append("</svg>")
with open(f"{out}/paravirt-linux.svg", "w") as f:
    f.write("\n".join(svg) + "\n")
print(f"\nwrote {out}/paravirt-linux.json and {out}/paravirt-linux.svg")
sys.exit(bad)
EOF
[ $status = 0 ] && [ -z "${PVB_KEEP:-}" ] && rm -rf "$work"
exit $status
