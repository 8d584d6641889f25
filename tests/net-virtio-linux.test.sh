#!/usr/bin/env bash
# net-virtio-linux.test.sh - tests/net-linux.test.sh with virtio-net in the
# e1000's place: Debian's virtio_net module on bt86's virtio-net-pci, DHCP,
# a file over HTTP with its md5sum, 16 MiB timed, hostfwd, MSI-X.
NET_MODEL=virtio-net-pci exec "$(cd "$(dirname "$0")" && pwd)/net-linux.test.sh"
