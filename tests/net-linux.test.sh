#!/usr/bin/env bash
# net-linux.test.sh - Debian's own i386 kernel drives bt86's e1000 (or, with
# NET_MODEL=virtio-net-pci, its virtio-net: tests/net-virtio-linux.test.sh)
# on the user network: e1000.ko (virtio_net.ko and what it needs), from the
# same kernel package as tests/boot/boot.sh's, is loaded from the initramfs;
# the driver must bind eth0 with the MAC 52:54:00:12:34:56, busybox's udhcpc must
# get 10.0.2.15 from slirp's DHCP server, and busybox's wget must fetch a
# file from an HTTP server this test runs on the host's loopback (slirp
# maps the gateway 10.0.2.2 to it), with the md5sum the host computed.
# Then a 16 MiB file is fetched to /dev/null and the rate is reported
# (guest time, the virtual clock).  hostfwd the other way: the host connects
# to a forwarded port and reads what the guest's nc -l sends.  No noapic:
# the e1000's INTx goes through the DSDT's _PRT and PCI link devices to an
# I/O APIC pin programmed level and active high, and a storm on a pin
# programmed wrong ("nobody cared") fails the test; virtio-net's queues
# interrupt through MSI-X.  BT86=qemu-system-i386 runs the same on QEMU (for
# the rates: the checks of bt86's own messages do not apply).  Non-interactive: init
# prints and reboots.  Exit 77 ("skipped: reason") without libslirp in this build,
# without python3, when the packages cannot be fetched, or under qemu-user.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
BT86=${BT86:-$BUILDDIR/bt86}
if ! grep -q '^CONFIG_SLIRP = y' "$BUILDDIR/config.mk" 2>/dev/null; then
	echo "skipped: bt86 was built without libslirp (no -netdev user; install libslirp-dev)"
	exit 77
fi
if ! command -v python3 > /dev/null; then
	echo "skipped: python3 not installed (it serves the files over HTTP)"
	exit 77
fi
model=${NET_MODEL:-e1000}
case $model in
e1000)
	mods=e1000 driver=e1000 name=net-linux ;;
virtio-net-pci)
	# In dependency order (the modules' depends= lines).
	mods="failover net_failover virtio_ring virtio virtio_pci_modern_dev
		virtio_pci_legacy_dev virtio_pci virtio_net"
	driver=virtio_net name=net-virtio-linux ;;
*)
	echo "FAIL: NET_MODEL=$model: e1000 or virtio-net-pci"
	exit 1 ;;
esac
. "$here/boot/linux-test.sh"
linux_test_start $name
mkdir -p "$work/www"
server= bt86=
cleanup() {
	[ -n "$server" ] && kill "$server" 2> /dev/null
	[ -n "$bt86" ] && kill "$bt86" 2> /dev/null
}
trap cleanup EXIT


# busybox-static's wget dies of SIGSEGV in its service lookup (on QEMU too),
# so the guest speaks HTTP/1.0 through nc and keeps the body's last bytes.
size=3000000
# The server: the loopback only, a port the kernel picks (printed by http.server).
head -c $size /dev/urandom > "$work/www/data.bin"
head -c 16M /dev/zero > "$work/www/big.bin"
(cd "$work/www" && exec python3 -u -m http.server --bind 127.0.0.1 0) > "$work/http.log" 2>&1 &
server=$!
port=
for _ in $(seq 50); do
	port=$(sed -n 's/.*port \([0-9][0-9]*\).*/\1/p' "$work/http.log" | head -n 1)
	[ -n "$port" ] && break
	sleep 0.1
done
if [ -z "$port" ]; then
	echo "FAIL: the HTTP server did not start:"
	cat "$work/http.log"
	exit 1
fi

# shellcheck disable=SC2086
linux_test_modules $mods
cat > "$root/bin/dhcp.sh" <<'EOF'
#!/bin/busybox sh
# udhcpc's events: on a lease, the address and the default route.
[ "$1" = bound ] || exit 0
ifconfig "$interface" "$ip" netmask "$subnet" up
route add default gw "$router" dev "$interface"
echo "@@lease $ip from $serverid router $router"
EOF
chmod 755 "$root/bin/dhcp.sh"
cat > "$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(echo $mods); do insmod /lib/\$m.ko || echo "@@insmod \$m failed"; done
for i in \$(seq 60); do [ -e /sys/class/net/eth0 ] && break; sleep 1; done
echo "@@nic driver=\$(basename \$(readlink /sys/class/net/eth0/device/driver)) mac=\$(cat /sys/class/net/eth0/address)"
ifconfig lo up
ifconfig eth0 up
udhcpc -i eth0 -n -q -t 20 -T 1 -s /bin/dhcp.sh 2>&1 | sed 's/^/udhcpc: /'
echo "@@addr \$(ifconfig eth0 | grep 'inet addr')"
echo "@@carrier \$(cat /sys/class/net/eth0/carrier)"
echo "hostfwd reached the guest" | nc -l -p 8080 &
listener=\$!
echo "@@listening"
printf 'GET /data.bin HTTP/1.0\r\n\r\n' | nc 10.0.2.2 $port > /tmp/resp
echo "@@status \$(head -n 1 /tmp/resp)"
echo "@@md5 \$(tail -c $size /tmp/resp | md5sum)"
rm -f /tmp/resp
t0=\$(cut -d' ' -f1 /proc/uptime)
# Into the RAM file system, then its size: wc -c on the pipe costs a guest
# second per MiB, byte by byte.
printf 'GET /big.bin HTTP/1.0\r\n\r\n' | nc 10.0.2.2 $port > /tmp/big
n=\$(stat -c %s /tmp/big)
rm -f /tmp/big
t1=\$(cut -d' ' -f1 /proc/uptime)
echo "@@big \$t0 \$t1 \$n"
cat /sys/class/net/eth0/statistics/rx_packets /sys/class/net/eth0/statistics/tx_packets | tr '\n' ' ' | sed 's/^/@@packets /'
echo
for i in \$(seq 60); do kill -0 \$listener 2>/dev/null || break; sleep 1; done
echo "@@listener \$(kill -0 \$listener 2>/dev/null && echo still waiting || echo served)"
dmesg | grep -E 'e1000|virtio|[Ii]nterrupt [Ll]ink|nobody cared|irq [0-9]+: disabled|Disabling IRQ' | sed 's/^\[[ 0-9.]*\] /@@dmesg /'
grep -E 'eth0|virtio' /proc/interrupts | sed 's/^/@@interrupts /'
echo "@@done"
reboot -f
EOF
chmod 755 "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip > "$work/initrd.img"
rm -rf "$x" "$root"
want=$(md5sum < "$work/www/data.bin")

# hostfwd: a host port (free a moment ago) to the guest's 8080, where nc listens.
hport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$work/serial.log
start=$(date +%s.%N)
timeout "${BOOT_TIMEOUT:-900}" "$BT86" -kernel "$work/boot/vmlinuz" -initrd "$work/initrd.img" \
	-append "console=ttyS0 quiet" -nographic -m 256 -no-reboot \
	-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$hport-:8080" -device "$model,netdev=n0" \
	< /dev/null > "$log" 2>&1 &
bt86=$!
# Once the guest listens, connect from the host and read what it sends.
for _ in $(seq 900); do
	grep -q '^@@listening' "$log" 2> /dev/null && break
	kill -0 $bt86 2> /dev/null || break
	sleep 1
done
python3 - "$hport" > "$work/hostfwd.out" 2>&1 <<'PY'
import socket, sys, time
for attempt in range(30):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60)
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        print(data.decode(errors="replace").strip())
        break
    except OSError as e:
        print("connect:", e)
        time.sleep(1)
PY
wait $bt86
status=$?
bt86=
echo "bt86 ran for $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s, status $status"
tr -d '\r' < "$log" > "$log.txt"
fail=0
expect() { # what pattern
	if grep -Eq -- "$2" "$log.txt"; then
		echo "ok: $1: $(grep -E -m 1 -- "$2" "$log.txt" | sed 's/^@@[a-z0-9]* //')"
	else
		echo "FAIL: $1 (no line matching /$2/)"
		fail=1
	fi
}
expect "the driver bound eth0" "^@@nic driver=$driver mac=52:54:00:12:34:56"
expect "the link" "^@@carrier 1"
if [ $model = e1000 ]; then
	expect "the driver found the NIC" "^@@dmesg e1000 .*: \(PCI:33MHz:32-bit\) 52:54:00:12:34:56"
	expect "the link's speed" "^@@dmesg e1000: eth0 NIC Link is Up 1000 Mbps Full Duplex"
fi
expect "a DHCP lease" "@@lease 10\.0\.2\.15 from 10\.0\.2\.2 router 10\.0\.2\.2"
expect "the address" "^@@addr .*inet addr:10\.0\.2\.15"
expect "the HTTP status" "^@@status HTTP/1\.0 200 OK"
expect "the file over HTTP" "^@@md5 ${want%% *}"
expect "the end" "^@@done"
if grep -qx "hostfwd reached the guest" "$work/hostfwd.out"; then
	echo "ok: hostfwd: the host read what the guest's nc sent"
else
	echo "FAIL: hostfwd: the host read: $(tail -n 3 "$work/hostfwd.out")"
	fail=1
fi
expect "the guest's side of hostfwd" "^@@listener served"
if [ $model = e1000 ]; then
	expect "eth0 on an I/O APIC pin, level" "^@@interrupts .*IO-APIC.*fasteoi.*eth0"
else
	expect "receive queue on MSI-X" "^@@interrupts .*PCI-MSI.*virtio0-input"
	expect "transmit queue on MSI-X" "^@@interrupts .*PCI-MSI.*virtio0-output"
fi
grep -E "^@@dmesg .*[Ii]nterrupt [Ll]ink" "$log.txt" | sed 's/^@@dmesg //'
if grep -E -q "nobody cared|irq [0-9]+: disabled|Disabling IRQ" "$log.txt"; then
	echo "FAIL: an interrupt storm: $(grep -E -m 1 "nobody cared|irq [0-9]+: disabled|Disabling IRQ" "$log.txt")"
	fail=1
fi
if grep -q "^@@insmod" "$log.txt"; then
	echo "FAIL: $(grep -m 1 "^@@insmod" "$log.txt")"
	fail=1
fi
read -r t0 t1 nbig < <(sed -n 's/^@@big //p' "$log.txt")
if [ "${nbig:-0}" -le 16777216 ]; then
	echo "FAIL: the 16 MiB file came short: ${nbig:-no} bytes with the headers"
	fail=1
elif [ -n "${t0:-}" ] && [ -n "${t1:-}" ]; then
	echo "16 MiB over HTTP: $(awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; if (d <= 0) d = 0.01; printf "%.2f s guest time, %.1f MB/s", d, 16.777216 / d }')"
fi
if [ "$status" != 0 ]; then
	echo "FAIL: bt86 exited with status $status (expected 0 after reboot -f with -no-reboot)"
	fail=1
fi
if [ $fail != 0 ]; then
	echo "serial log: $log (last lines below)"
	tail -n 30 "$log.txt"
	exit 1
fi
rm -rf "$work"
exit 0
