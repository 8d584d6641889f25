#!/bin/sh
# mkdisk.sh OUT - the virtio guest's disk: 4 MiB (8192 sectors), each
# sector filled with bytes that depend on its LBA and offset, so that a
# sector read from the wrong place or a byte out of order shows.
set -e
out=$1
LC_ALL=C awk 'BEGIN {
	for (lba = 0; lba < 8192; lba++)
		for (i = 0; i < 512; i++)
			printf "%c", (lba * 7 + i + int(lba / 256)) % 251 + 1
}' > "$out.tmp"
mv "$out.tmp" "$out"
