#!/bin/sh
# mkdisk.sh OUT - the atapi guest's CD-ROM: 300 blocks of 2048 bytes, each
# byte a function of its block and offset.  Any file will do as a CD-ROM
# image for the sector-level commands the guest tests; no ISO 9660 needed.
set -e
out=$1
LC_ALL=C awk 'BEGIN {
	for (lba = 0; lba < 300; lba++)
		for (i = 0; i < 2048; i++)
			printf "%c", (lba * 5 + i + int(lba / 64)) % 253 + 1
}' > "$out.tmp"
mv "$out.tmp" "$out"
