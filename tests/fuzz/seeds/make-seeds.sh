#!/bin/bash
# make-seeds.sh [BUILDDIR] - writes the seed inputs of the fuzz targets into
# the folder it lives in: ports/ (what the guests' drivers do to the
# devices, as 5-byte records), code/ (ring-3 snippets, assembled with
# `as --32`), loader/ (kernels: stripped guest ELFs from BUILDDIR, the
# multiboot a.out kludge, bzImage headers), hypercall/ (call sequences),
# virtio/ (driver sessions on the virtio functions, 8-byte records).  The seeds are committed; run
# this again only to change them, and commit what it writes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-.}
mkdir -p "$here/ports" "$here/code" "$here/loader"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---------------------------------------------------------------- ports
# rec OP PORT VALUE: OP bit 0 write, bits 1-2 size (0: 1, 1: 2, 2: 4 bytes),
# bit 3 MMIO at 0xa0000 + PORT (with bit 6: at the HPET, 0xfed00000 + PORT),
# bit 4 then 1 ms passes, bit 5 16 times.
rec() { printf "\\x$(printf %02x "$1")\\x$(printf %02x $(($2 & 255)))\\x$(printf %02x $(($2 >> 8)))\\x$(printf %02x $(($3 & 255)))\\x$(printf %02x $(($3 >> 8)))"; }
outb() { rec 1 "$1" "$2"; }  # outb
inb() { rec 0 "$1" 0; }      # inb
tick() { rec 16 0x80 0; }   # a read of port 0x80, then 1 ms
pic_init() { # what guests/timer and guests/kbd do: ICW1-4, vectors 0x20/0x28
	outb 0x20 0x11; outb 0x21 0x20; outb 0x21 0x04; outb 0x21 0x01
	outb 0xa0 0x11; outb 0xa1 0x28; outb 0xa1 0x02; outb 0xa1 0x01
	outb 0x21 "$1"; outb 0xa1 "$2"
}
{ pic_init 0xfe 0xff; outb 0x43 0x34; outb 0x40 0x9c; outb 0x40 0x2e
	tick; tick; outb 0x20 0x20; outb 0x20 0x0b; inb 0x20; outb 0x20 0x0a; inb 0x20
	outb 0x43 0x00; inb 0x40; inb 0x40; outb 0x43 0xc2; inb 0x40; tick; outb 0x20 0x60; tick
} >"$here/ports/pit-irq0"
{ outb 0x43 0xb6; outb 0x42 0xa9; outb 0x42 0x04; inb 0x61; outb 0x61 0x03; tick; inb 0x61
	outb 0x61 0x00; outb 0x43 0x90; outb 0x42 0x10; tick; inb 0x61; inb 0x42
} >"$here/ports/pit-speaker"
{ for r in 0x0a 0x00 0x02 0x04 0x06 0x07 0x08 0x09 0x32 0x0b 0x0d; do outb 0x70 $r; inb 0x71; done
	outb 0x70 0x0b; outb 0x71 0x82; outb 0x70 0x00; outb 0x71 0x30; outb 0x70 0x0b; outb 0x71 0x02
	pic_init 0xfb 0xfe; outb 0x70 0x0a; outb 0x71 0x26; outb 0x70 0x0b; outb 0x71 0x42
	tick; tick; outb 0x70 0x0c; inb 0x71; outb 0xa0 0x20; outb 0x20 0x20
	outb 0x70 0x0e; outb 0x71 0x5a; outb 0x70 0x0e; inb 0x71
} >"$here/ports/rtc"
uart() { # guests/com2: 115200 8N1, FIFO, loopback echo, then the IRQ
	local b=$1
	outb $((b + 3)) 0x80; outb $b 0x01; outb $((b + 1)) 0x00; outb $((b + 3)) 0x03
	outb $((b + 2)) 0xc7; outb $((b + 4)) 0x0b; inb $((b + 5)); outb $b 0x41; inb $((b + 5))
	outb $((b + 4)) 0x1b; outb $b 0x5a; tick; inb $((b + 5)); inb $b; inb $((b + 6))
	outb $((b + 1)) 0x03; inb $((b + 2)); outb $((b + 7)) 0x55; inb $((b + 7)); tick; inb $((b + 2))
}
{ pic_init 0xe7 0xff; uart 0x3f8; uart 0x2f8; rec 33 0x3f8 0x4242; inb 0x3fd; tick; inb 0x3fa; } \
	>"$here/ports/uart"
{ outb 0x64 0xaa; inb 0x64; inb 0x60; outb 0x64 0x20; inb 0x60; outb 0x64 0x60; outb 0x60 0x47
	outb 0x64 0xae; outb 0x60 0xff; tick; inb 0x64; inb 0x60; inb 0x60; outb 0x60 0xf2; tick; inb 0x60
	inb 0x60; outb 0x60 0xf0; outb 0x60 0x02; inb 0x60; outb 0x60 0xed; outb 0x60 0x07; inb 0x60
	outb 0x64 0xa8; outb 0x64 0xd4; outb 0x60 0xf4; tick; inb 0x64; inb 0x60; outb 0x64 0xd4
	outb 0x60 0xf2; inb 0x60; inb 0x60; outb 0x64 0xd0; inb 0x60; outb 0x64 0xd1; outb 0x60 0xdf
	outb 0x64 0xfe
} >"$here/ports/i8042"
{ inb 0x92; outb 0x92 0x00; inb 0x92; outb 0x92 0x02; inb 0x92; outb 0x64 0xdd; outb 0x64 0xdf
	outb 0x92 0x01; outb 0x80 0x55; inb 0x80; outb 0xf0 0x00; rec 5 0xcf8 0x8000; rec 4 0xcfc 0
	rec 1 0xcfb 0x80; rec 2 0xcfe 0; outb 0xcf9 0x0a; inb 0xcf9; rec 2 0xcf9 0; outb 0xcf9 0x06
} >"$here/ports/a20-pci-misc"
{ # guests/acpi: the PM timer, PM1 status/enable with the carry SCI, ACPI mode, GPE0, S5
	rec 4 0x608 0; rec 3 0x600 0xffff; rec 3 0x602 0x0101; pic_init 0xfb 0xfd; tick; tick
	rec 2 0x600 0; rec 3 0x600 0x0001; outb 0xb2 0xf1; rec 2 0x604 0; rec 3 0xafe2 0xffff
	rec 4 0xafe0 0; outb 0xb3 0x5a; inb 0xb3; rec 1 0x605 0x20; rec 3 0x604 0x2000
} >"$here/ports/acpi-pm"
{ # guests/acpi: fw_cfg's signature, the directory, a key past its end, the DMA port
	rec 3 0x510 0x0000; inb 0x511; inb 0x511; inb 0x511; inb 0x511; inb 0x510
	rec 3 0x510 0x0019; rec 32 0x511 0; rec 3 0x510 0x0005; rec 32 0x511 0
	rec 3 0x510 0x8004; rec 2 0x511 0; rec 4 0x514 0; rec 4 0x518 0
	rec 5 0x514 0x0000; rec 5 0x518 0x0010
} >"$here/ports/fw-cfg"
{ # guests/hpet (MMIO at 0xfed00000 + PORT: bit 6 with bit 3): caps, counter,
	# legacy mode, a one-shot and a periodic comparator, level status
	hpet_rd() { rec 76 "$1" 0; }
	hpet_wr() { rec 77 "$1" "$2"; }
	pic_init 0xfa 0xfe; hpet_rd 0x000; hpet_rd 0x004; hpet_wr 0x0f0 0xff00; hpet_wr 0x010 0x0003
	hpet_rd 0x0f0; hpet_wr 0x108 0x0400; hpet_wr 0x10c 0; hpet_wr 0x100 0x0004; tick; tick
	hpet_wr 0x100 0x014c; hpet_wr 0x108 0x1000; hpet_wr 0x108 0x0800; tick; tick; hpet_rd 0x108
	hpet_wr 0x128 0x2000; hpet_wr 0x120 0x0006; tick; hpet_rd 0x020; hpet_wr 0x020 0x0002
	rec 72 0x101 0; rec 73 0x111 0x0004; hpet_wr 0x010 0
} >"$here/ports/hpet"
{ # guests/vgatext: text at B8000 and the cursor, then the DAC and the AR
	for i in 0 2 4 6 8; do rec 11 $((0x18000 + i)) 0x0748; done; rec 8 0x18000 0
	outb 0x3d4 0x0e; outb 0x3d5 0x00; outb 0x3d4 0x0f; outb 0x3d5 0x05; outb 0x3d4 0x0a; outb 0x3d5 0x20
	inb 0x3da; outb 0x3c0 0x10; inb 0x3c1; outb 0x3c0 0x20; outb 0x3c8 0x01; outb 0x3c9 0x3f
	outb 0x3c9 0x00; outb 0x3c9 0x15; outb 0x3c7 0x01; inb 0x3c9; inb 0x3c9; inb 0x3c9; inb 0x3cc
	rec 33 0x3c9 0x2a2a; rec 40 0x18100 0
} >"$here/ports/vga-text"
{ # mode 13h by its registers, a few pixels, then planar writes in mode 12h
	outb 0x3c2 0x63; outb 0x3c4 0x00; outb 0x3c5 0x03; outb 0x3c4 0x04; outb 0x3c5 0x0e
	outb 0x3d4 0x11; outb 0x3d5 0x0e; outb 0x3ce 0x05; outb 0x3cf 0x40; outb 0x3ce 0x06; outb 0x3cf 0x05
	inb 0x3da; outb 0x3c0 0x10; outb 0x3c0 0x41; outb 0x3c0 0x20
	rec 1 0x3c4 0; rec 41 0x0000 0x0f0f; rec 9 0x1f3f 0x2828; rec 8 0x0000 0
	outb 0x3c4 0x04; outb 0x3c5 0x06; outb 0x3c4 0x02; outb 0x3c5 0x05; outb 0x3ce 0x05; outb 0x3cf 0x02
	outb 0x3ce 0x08; outb 0x3cf 0x81; rec 9 0x0010 0xffff; rec 8 0x0010 0; outb 0x3ce 0x04
	outb 0x3cf 0x02; rec 8 0x0010 0; outb 0x3ce 0x05; outb 0x3cf 0x08; outb 0x3ce 0x07; outb 0x3cf 0x0f
	rec 8 0x0010 0
} >"$here/ports/vga-modes"
{ # Bochs VBE (what Linux's bochs driver and guests/demo use)
	rec 3 0x1ce 0; rec 2 0x1cf 0; rec 3 0x1ce 0; rec 3 0x1cf 0xb0c5; rec 2 0x1cf 0
	rec 3 0x1ce 1; rec 3 0x1cf 640; rec 3 0x1ce 2; rec 3 0x1cf 480; rec 3 0x1ce 3; rec 3 0x1cf 32
	rec 3 0x1ce 4; rec 3 0x1cf 0x41; rec 3 0x1ce 5; rec 3 0x1cf 3; rec 9 0x0000 0x1234
	rec 8 0x0000 0; rec 3 0x1ce 0x0a; rec 2 0x1cf 0; rec 3 0x1ce 4; rec 3 0x1cf 0
} >"$here/ports/vbe"

# ---------------------------------------------------------------- code
# Each: EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS, then ring-3 code at 1 MiB.
snippet() {
	local name=$1 regs=$2
	shift 2
	printf '%s\n' "$@" >"$tmp/s.s"
	as --32 -o "$tmp/s.o" "$tmp/s.s"
	objcopy -O binary -j .text "$tmp/s.o" "$tmp/s.bin"
	{ for r in $regs; do printf "\\x$(printf %02x $((r & 255)))\\x$(printf %02x $((r >> 8 & 255)))\\x$(printf %02x $((r >> 16 & 255)))\\x$(printf %02x $((r >> 24 & 255)))"; done
		cat "$tmp/s.bin"; } >"$here/code/$name"
}
z="0 0 0 0 0x3ff000 0 0 0 0"
snippet divide "7 0 0 0 0x3ff000 0 0 0 0" "xor %ecx,%ecx" "div %ecx"
snippet idiv-overflow "0 -1 0x80000000 0 0x3ff000 0 0 0 0" "mov \$0x80000000,%eax" "cltd" "idiv %ecx"
snippet aam0 "$z" "aam \$0"
snippet ud2 "$z" "ud2"
snippet lock-ud "$z" ".byte 0xf0, 0x90"
snippet hlt "$z" "hlt"
snippet int80 "$z" "int \$0x80"
snippet into "0x7fffffff 0 0 0 0x3ff000 0 0 0 0" "add \$1,%eax" "into"
snippet bound "5 0 0 0 0x3ff000 0 0 0 0" "movl \$1,0x2000" "movl \$3,0x2004" "bound %eax,0x2000"
snippet mov-ds-ring0 "$z" "mov \$0x18,%ax" "mov %ax,%ds" "mov (%ebx),%eax"
snippet far-call-ring0 "$z" "lcall \$0x10,\$0"
snippet task-jump "$z" "ljmp \$0x30,\$0"
snippet iret-ring3 "$z" "push \$0x2b" "push \$0x3ff000" "push \$0x202" "push \$0x23" "push \$0x100040" "iret" ".org 0x40" "mov \$1,%eax" "int3"
snippet retf-gp "$z" "push \$0x13" "push \$0" "lret"
snippet stack-pf "0 0 0 0 0x400004 0 0 0 0" "mov \$0x400004,%esp" "push %eax" "push %eax"
snippet read-pf "$z" "mov 0x800000,%eax"
snippet write-kernel "$z" "movl \$1,0x400000"
snippet sysenter "$z" "sysenter"
snippet x87-nm "$z" "fld1" "fstp %st(0)"
snippet sse-ud "$z" "movaps %xmm0,%xmm1"
snippet cpuid-rdtsc "1 0 0 0 0x3ff000 0 0 0 0" "cpuid" "rdtsc" "mov \$0x80000000,%eax" "cpuid" "int3"
snippet sys-reads "$z" "sgdt 0x2000" "sidt 0x2008" "str %eax" "smsw %ebx" "sldt %ecx" "lar %ax,%edx" "lsl %ax,%esi" "verr %ax" "verw %ax" "int3"
snippet strings "0 0x100 0 0 0x3ff000 0 0x100000 0x200000 0x400" "cld" "rep movsl" "std" "mov \$0x2003ff,%edi" "mov \$0x55,%al" "mov \$0x40,%ecx" "rep stosb" "cld" "mov \$0x100000,%esi" "mov \$0x200000,%edi" "mov \$0x80,%ecx" "repe cmpsb" "repne scasb" "int3"
snippet string-pf "0 0x1000 0 0 0x3ff000 0 0x3ffff0 0x3fff00 0" "rep movsb"
snippet bitops "0x12345678 0x9abcdef0 5 0 0x3ff000 0 0 0 0" "bsf %ecx,%ebx" "bsr %eax,%esi" "bt %edx,%eax" "bts %edx,%ecx" "shld %cl,%eax,%ebx" "shrd \$7,%ecx,%eax" "bswap %edx" "rol %cl,%eax" "rcr \$3,%ebx" "imul \$-3,%eax,%ecx" "mul %ebx" "daa" "das" "aaa" "aas" "int3"
snippet cmpxchg "1 2 3 4 0x3ff000 0 0 0 0" "cmpxchg %ecx,0x2000" "cmpxchg8b 0x2000" "xadd %eax,0x2004" "xchg %ebx,0x2008" "lock incl 0x2000" "int3"
snippet enter-leave "$z" "enter \$16,\$3" "leave" "pushf" "popf" "pusha" "popa" "push %ds" "pop %es" "int3"
snippet smc "$z" "movb \$0xcc,0x100000+1f" "1: nop" "nop"
snippet smc-loop "0 100 0 0 0x3ff000 0 0 0 0" "1: incb 0x100000+2f+1" "2: mov \$0,%al" "loop 1b" "int3"
snippet popf-flags "0 0 0 0 0x3ff000 0 0 0 0x40cd5" "pushf" "orl \$0x47300,(%esp)" "popf" "pushf" "pop %eax" "cli"
snippet trap-flag "0 0 0 0 0x3ff000 0 0 0 0x100" "nop" "nop"
snippet jump-wild "$z" "jmp *%eax"
snippet code-end "$z" "nop"
snippet vga-window "$z" "mov 0xb8000,%eax" "movl \$0x12345678,0xb8000" "mov 0xa0000,%ebx" "movb \$1,0xa0000" "mov 0xa0000,%ecx" "int3"
snippet far-ptr-ring3 "$z" "ljmp \$0x23,\$0x100010" ".org 0x10" "mov \$0x2b,%ax" "mov %ax,%fs" "mov %fs:0x100000,%eax" "int3"

# ---------------------------------------------------------------- ide
# irec OP SEL VALUE (fuzz_ide.c): OP bit 0 write, bits 1-2 size, bits 3-7 N;
# SEL 0-7 port 0x1f0+n, 8 0x3f6, 9-24 bus master + n-9, 25 RAM dword at
# 0x1000 + 4N, 26 config register 4N, 27 a sector through the data port.
mkdir -p "$here/ide"
irec() { printf "\\x$(printf %02x "$1")\\x$(printf %02x "$2")"; le32v "$3"; }
le32v() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 24 & 255)))"; }
tf() { irec 1 "$1" "$2"; }          # outb to 0x1f0 + $1
st() { irec 0 7 0; irec 0 1 0; }     # status, error
lba28() { tf 6 $((0xe0 | ($2 >> 24 & 15))); tf 2 "$3"; tf 3 $(($2 & 255)); tf 4 $(($2 >> 8 & 255))
	tf 5 $(($2 >> 16 & 255)); tf 7 "$1"; }
prd() { irec $((1 | $1 << 3)) 25 "$2"; irec $((1 | ($1 + 1) << 3)) 25 "$3"; }
dma() { irec 1 9 0; irec 1 11 6; irec 5 13 0x1000; lba28 "$1" "$2" "$3"; irec 1 9 "$4"; irec 0 11 0
	irec 1 9 0; st; }
{ lba28 0xec 0 0; st; irec 2 27 0; st; lba28 0x20 5 2; irec 2 27 0; irec 2 27 0; st
	lba28 0x24 0 1; st; } >"$here/ide/identify-pio-read"
{ lba28 0x30 10 2; irec 3 27 0x5a5a1234; irec 3 27 0x77; st; lba28 0x20 10 2; irec 2 27 0
	irec 2 27 0; st; lba28 0xe7 0 0; st; } >"$here/ide/pio-write"
{ prd 0 0x10000 0x80000400; dma 0xc8 7 2 9; prd 0 0x20000 0x80000200; dma 0xca 3 1 1
	dma 0xc8 3 1 9; } >"$here/ide/dma"
{ prd 0 0xfff00000 0x80000200; dma 0xc8 1 1 9; prd 0 0x3fff00 0x80000200; dma 0xc8 1 1 9
	prd 0 0x10000 0x200; prd 2 0x10000 0x200; dma 0xc8 1 4 9; irec 5 13 0xfffffff0
	lba28 0xc8 0 1; irec 1 9 9; irec 0 11 0; } >"$here/ide/dma-bad"
{ tf 1 3; lba28 0xef 0 0x45; st; lba28 0xc6 0 3; st; lba28 0xc6 0 4; lba28 0xc4 0 9
	irec 2 27 0; irec 2 27 0; irec 2 27 0; irec 2 27 0; st; lba28 0x90 0 0; st
	irec 1 8 2; lba28 0x20 1 1; irec 1 8 4; irec 1 8 0; st; tf 6 0xb0; st; lba28 0xee 0 0; st
	irec 7 26 0xffffffff; irec 4 26 0; irec $((7 | 1 << 3)) 26 0; } >"$here/ide/misc"
# ATAPI on the secondary master: sel 28 with N = register, 30 the data port.
cdr() { irec $((1 | $1 << 3)) 28 "$2"; }
cdst() { irec $((7 << 3)) 28 0; irec $((2 << 3)) 28 0; irec $((4 << 3)) 28 0; irec $((5 << 3)) 28 0; }
pkt() { # LIMIT FEATURE W0 W1 W2 W3 W4 W5: PACKET and its 12 bytes
	cdr 6 0xa0; cdr 1 "$2"; cdr 4 $(($1 & 255)); cdr 5 $(($1 >> 8)); cdr 7 0xa0
	shift 2; for w in "$@"; do irec 3 28 "$w"; done; cdst; }
{ cdr 6 0xa0; cdr 7 0xa1; irec 2 30 0; cdst; cdr 7 0xec; cdst
	pkt 2048 0 0 0 0 0 0 0; pkt 2048 0 0x03 0 0x0012 0 0 0; pkt 2048 0 0x12 0 0x0024 0 0 0
	pkt 2048 0 0x25 0 0 0 0 0; irec 2 30 0; pkt 0x200 0 0x28 0 0x0300 0 0x0002 0
	irec 2 30 0; irec 2 30 0; irec 2 30 0; irec 2 30 0; irec 2 30 0; cdst
	pkt 2048 0 0x5a 0x003f 0 0 0x0040 0; irec 2 30 0; pkt 2048 0 0x43 0 0 0 0x0014 0; irec 2 30 0
	pkt 2048 0 0xff 0 0 0 0 0; cdr 7 0x08; cdst; irec 1 29 4; irec 1 29 0; cdst
	prd 0 0x10000 0x80001000; irec 1 17 0; irec 1 19 6; irec 5 21 0x1000
	pkt 0 1 0x28 0 0x0500 0 0x0002 0; irec 1 17 9; irec 0 19 0; cdst; } >"$here/ide/atapi"

# ---------------------------------------------------------------- virtio
# vrec OP SEL OFF VALUE (fuzz_virtio.c): OP bit 0 write, bits 1-2 size; SEL
# bits 3-4 the device (0 blk, 1 rng, 2 console), bits 0-2: 0 BAR4, 1 MSI-X
# BAR, 2 legacy I/O, 3 RAM dword at 4*OFF, 4 config space, 5 modern setup of
# queue OFF (VALUE: size, bit 16 EVENT_IDX), 6 notify queue OFF, 7 legacy setup.
mkdir -p "$here/virtio"
vrec() { printf "\\x$(printf %02x "$1")\\x$(printf %02x "$2")\\x$(printf %02x $(($3 & 255)))\\x$(printf %02x $(($3 >> 8 & 255)))"; le32v "$4"; }
ram() { vrec 1 3 $(($1 / 4)) "$2"; }       # a dword of RAM
vdesc() { # DEV-TABLE-BASE I ADDR LEN FLAGS NEXT
	ram $(($1 + 16 * $2)) "$3"; ram $(($1 + 16 * $2 + 4)) 0
	ram $(($1 + 16 * $2 + 8)) "$4"; ram $(($1 + 16 * $2 + 12)) $(($5 | $6 << 16)); }
avail() { ram $((0x3000 + 4 + 2 * ($1 & ~1))) $(($2 << 16 * ($1 & 1))); ram 0x3000 $((($1 + 1) << 16)); }
blkhdr() { ram 0x8000 "$1"; ram 0x8004 0; ram 0x8008 "$2"; ram 0x800c 0; }
isr() { vrec 0 $(($1 << 3)) 0x1000 0; }
used() { vrec 4 3 $((0x4000 / 4)) 0; vrec 4 3 $((0x4004 / 4)) 0; vrec 4 3 $((0x4008 / 4)) 0; }
status() { vrec 0 $(($1 << 3)) 0x14 0; }
# A read of sector 5 (header, data, status), with EVENT_IDX, then a write and a flush.
{ vrec 1 5 0 $((0x10000 | 16)); blkhdr 0 5; vdesc 0x1000 0 0x8000 16 1 1
	vdesc 0x1000 1 0x9000 512 3 2; vdesc 0x1000 2 0xa000 1 2 0; avail 0 0; vrec 3 6 0 0
	isr 0; used; status 0
	blkhdr 1 7; vdesc 0x1000 1 0x9000 512 1 2; avail 1 0; vrec 3 6 0 0; isr 0
	blkhdr 0 7; vdesc 0x1000 1 0x9000 512 3 2; avail 2 0; vrec 3 6 0 0
	blkhdr 4 0; vdesc 0x1000 0 0x8000 16 1 2; avail 3 0; vrec 3 6 0 0
	blkhdr 8 0; vdesc 0x1000 0 0x8000 16 1 1; vdesc 0x1000 1 0x9000 20 3 2; avail 4 0
	vrec 3 6 0 0; used; } >"$here/virtio/blk-rw"
# Indirect: the chain in a table at 0x6000; past the end of the disk.
{ vrec 1 5 0 16; blkhdr 0 3; vdesc 0x6000 0 0x8000 16 1 1; vdesc 0x6000 1 0x9000 1024 3 2
	vdesc 0x6000 2 0xa000 1 2 0; vdesc 0x1000 4 0x6000 48 4 0; avail 0 4; vrec 3 6 0 0; used
	blkhdr 0 255; avail 1 4; vrec 3 6 0 0; used; isr 0; } >"$here/virtio/blk-indirect"
# Driver errors, each after a fresh setup: a loop, a buffer past RAM, a
# buffer in the device's own BAR, a nested indirect table, avail running ahead.
{ vrec 1 5 0 16; blkhdr 0 0; vdesc 0x1000 0 0x8000 16 1 1; vdesc 0x1000 1 0x9000 512 1 0
	avail 0 0; vrec 3 6 0 0; status 0; isr 0
	vrec 1 5 0 16; vdesc 0x1000 1 0x10000000 512 3 2; vdesc 0x1000 2 0xa000 1 2 0; avail 0 0
	vrec 3 6 0 0; status 0
	vrec 1 5 0 16; vdesc 0x1000 1 0xc0000000 512 3 2; avail 0 0; vrec 3 6 0 0; status 0
	vrec 1 5 0 16; vdesc 0x6000 0 0x6000 16 4 0; vdesc 0x1000 0 0x6000 16 4 0; avail 0 0
	vrec 3 6 0 0; status 0
	vrec 1 5 0 16; ram 0x3000 $((40 << 16)); vrec 3 6 0 0; status 0; } >"$here/virtio/blk-bad"
# MSI-X: enabled, vector 0 unmasked to 0xfee00000, the queue on it; then masked (pending).
{ vrec 1 5 0 16; vrec 3 4 0x42 0x8000; vrec 5 1 0 0xfee00000; vrec 5 1 4 0; vrec 5 1 8 0x41
	vrec 5 1 12 0; vrec 3 0 0x16 0; vrec 3 0 0x1a 0; vrec 2 0 0x1a 0
	blkhdr 0 1; vdesc 0x1000 0 0x8000 16 1 1; vdesc 0x1000 1 0x9000 512 3 2
	vdesc 0x1000 2 0xa000 1 2 0; avail 0 0; vrec 3 6 0 0; vrec 5 1 12 1; avail 1 0
	vrec 3 6 0 0; vrec 4 1 0x800 0; vrec 5 1 12 0; vrec 4 1 0x800 0; } >"$here/virtio/msix"
# The legacy interface: queue 0 at PFN 1 (desc 0x1000, avail 0x2000, used 0x3000).
{ vrec 0 7 0 0; vrec 4 2 0 0; vrec 4 2 12 0; blkhdr 0 2; vdesc 0x1000 0 0x8000 16 1 1
	vdesc 0x1000 1 0x9000 512 3 2; vdesc 0x1000 2 0xa000 1 2 0; ram 0x2004 0; ram 0x2000 $((1 << 16))
	vrec 3 2 16 0; vrec 0 2 19 0; vrec 4 3 $((0x3000 / 4)) 0; vrec 2 2 20 0; vrec 4 2 24 0; } \
	>"$here/virtio/legacy"
# virtio-rng: two buffers; the console: a line out.
{ vrec 1 $((1 << 3 | 5)) 0 8; vdesc 0x1000 0 0x9000 64 2 0; avail 0 0; vrec 3 $((1 << 3 | 6)) 0 0
	vdesc 0x1000 1 0x9100 100000 2 0; avail 1 1; vrec 3 $((1 << 3 | 6)) 0 0; isr 1
	vrec 1 $((2 << 3 | 5)) 1 16; ram 0x9000 0x0a6968; vdesc 0x1000 0 0x9000 3 0 0; avail 0 0
	vrec 3 $((2 << 3 | 6)) 1 0; isr 2; vrec 1 $((2 << 3 | 5)) 0 16; vrec 3 $((2 << 3 | 6)) 0 0
	vrec 4 $((2 << 3 | 0)) 0x2000 0; } >"$here/virtio/rng-console"

# ---------------------------------------------------------------- loader
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 24 & 255)))"; }
put() { printf "$2" | dd of="$3" bs=1 seek=$(($1)) conv=notrunc status=none; }
# The multiboot a.out kludge: addresses in the header, then hlt; jmp $.
{ le32 0x1badb002; le32 0x10000; le32 $((-(0x1badb002 + 0x10000) & 0xffffffff))
	le32 0x100000; le32 0x100000; le32 0x100024; le32 0x101000; le32 0x100020
	printf '\xf4\xeb\xfe\x90'; } >"$here/loader/multiboot-aout"
# The same asking for memory info and a video mode (flags 1, 2).
{ le32 0x1badb002; le32 0x10007; le32 $((-(0x1badb002 + 0x10007) & 0xffffffff))
	le32 0x100000; le32 0x100000; le32 0x100030; le32 0x100030; le32 0x100030
	le32 0; le32 80; le32 25; le32 0; printf '\xf4\xeb\xfe\x90'; } >"$here/loader/multiboot-video"
# bzImage: boot sector and one setup sector, header protocol 2.0f, 512
# bytes of 32-bit code (hlt) at 1 MiB.
bz=$here/loader/bzimage-2.0f
head -c 1536 /dev/zero >"$bz"
put 0x1f1 '\x01' "$bz"                      # setup_sects
put 0x1f4 '\x20\x00\x00\x00' "$bz"          # syssize: 32 paragraphs
put 0x1fe '\x55\xaa' "$bz"                  # boot_flag
put 0x200 '\xeb\x66' "$bz"                  # jump: header to 0x268
put 0x202 'HdrS\x0f\x02' "$bz"              # magic, version
put 0x211 '\x01' "$bz"                      # loadflags: LOADED_HIGH
put 0x214 '\x00\x00\x10\x00' "$bz"          # code32_start
put 0x22c '\xff\xff\xff\x37' "$bz"          # initrd_addr_max
put 0x238 '\xff\x07\x00\x00' "$bz"          # cmdline_size
put 0x258 '\x00\x00\x10\x00\x00\x00\x00\x00' "$bz" # pref_address
put 0x260 '\x00\x00\x40\x00' "$bz"          # init_size: 4 MiB
put 0x400 '\xf4\xeb\xfd' "$bz"
# Protocol 2.04 (syssize 32-bit, no cmdline_size), setup_sects 0 (means 4).
bz4=$here/loader/bzimage-2.04
head -c 3072 /dev/zero >"$bz4"
put 0x1f4 '\x20\x00\x00\x00' "$bz4"
put 0x1fe '\x55\xaa' "$bz4"
put 0x200 '\xeb\x32' "$bz4"
put 0x202 'HdrS\x04\x02' "$bz4"
put 0x211 '\x01' "$bz4"
put 0x214 '\x00\x00\x10\x00' "$bz4"
put 0xa00 '\xf4' "$bz4"
# A zImage (refused: not LOADED_HIGH) and a protocol 2.02 header (refused).
head -c 1100 "$bz" >"$here/loader/zimage"
put 0x211 '\x00' "$here/loader/zimage"
head -c 1100 "$bz" >"$here/loader/bzimage-2.02"
put 0x206 '\x02\x02' "$here/loader/bzimage-2.02"
# Guest kernels as built (multiboot ELF), stripped to stay small.
for g in hello sys_paging; do
	if [ -f "$build/guests/$g/$g.elf" ]; then
		strip -o "$here/loader/$g.elf" "$build/guests/$g/$g.elf"
	fi
done
# ---------------------------------------------------------------- hypercall
# A 16-byte header (mode, CR3, number of calls, 0), 24-byte calls (kind,
# EAX, EBX, ECX, EDX, ESI), then guest RAM from 0x10000 (fuzz_hypercall.c).
# mode bits: 0 PG, 1 PAE, 2 PSE, 3 WP, 4-5 CPL, 6 pv=on, 7 kvm=on, 8 IF.
mkdir -p "$here/hypercall"
hc() { le32 "$1"; le32 "${2:-0}"; le32 "${3:-0}"; le32 "${4:-0}"; le32 "${5:-0}"; le32 "${6:-0}"; }
vmcall() { hc 0 "$@"; }
B=0x62740000
mmu_ops() { # at 0x10000: five entries; a string at 0x10100
	le32 0; le32 0x20000; le32 0x21003; le32 0      # PTE32
	le32 2; le32 0x400000; le32 0; le32 0          # INVLPG
	le32 3; le32 0; le32 0; le32 0                 # FLUSH
	le32 4; le32 0; le32 0x30000; le32 0           # NEW_CR3
	le32 1; le32 0x20008; le32 0x22003; le32 1     # PTE64
	head -c $((0x100 - 80)) /dev/zero; printf 'hello, hypercall\n'
}
{ le32 0x140; le32 0; le32 16; le32 0
	vmcall $B; vmcall $((B + 1)) 0x10100 17; vmcall $((B + 2)) 0x10000 5
	vmcall $((B + 3)) 0x40001; vmcall $((B + 6)) 1000 0 0x40; hc 2 0 5000; hc 3
	vmcall $((B + 4)); vmcall $((B + 6)) 100000 0 0x41; vmcall $((B + 5))
	hc 2 0 200000; vmcall $((B + 7)); vmcall $((B + 0x99)); vmcall $((B + 6)) 0 0 0
	vmcall $((B + 2)) 0x10000 257; vmcall $((B + 3)) 0
	mmu_ops; } >"$here/hypercall/pv-calls"
# Paging by 4 MiB pages (PSE), directory at 0x11000 mapping 0-4 MiB; the
# batch's bad entries (misaligned, outside RAM, unknown op) change nothing.
{ le32 0x145; le32 0x11000; le32 6; le32 0
	vmcall $((B + 1)) 0x10100 17; vmcall $((B + 1)) 0x400000 4; vmcall $((B + 2)) 0x10200 2
	vmcall $((B + 1)) 0xfffffff0 32; vmcall $((B + 2)) 0x7ffff000 1; vmcall $((B + 2)) 0x10000 5
	mmu_ops; head -c $((0x100 - 17)) /dev/zero
	le32 0; le32 0x20002; le32 0; le32 0; le32 9; le32 0; le32 0; le32 0
	head -c $((0x1000 - 0x220)) /dev/zero; le32 0x87; } >"$here/hypercall/paging-bad"
# kvm=on and pv=on: kvmclock MSRs, KVM's hypercalls, then the same at CPL 3.
{ le32 0x1c0; le32 0; le32 9; le32 0
	hc 1 0x50001 0 3; hc 1 0x50100 0 2; vmcall 1; vmcall 5 0 0; vmcall 3; vmcall $B
	hc 2 0 1000; hc 1 0 0 3; hc 1 0x7ffff001 0 1; } >"$here/hypercall/kvm"
{ le32 0x1f0; le32 0; le32 3; le32 0; vmcall $B; vmcall 1; vmcall $((B + 1)) 0x10000 4; } \
	>"$here/hypercall/cpl3"
# No interface: VMCALL is #UD.
{ le32 0; le32 0; le32 2; le32 0; vmcall $B; vmcall 1; } >"$here/hypercall/none"
echo "seeds written to $here"

# ---------------------------------------------------------------- e1000
# erec OP N VALUE (fuzz_e1000.c): 0 write register 4N, 1 read it, 2 RAM
# dword at 0x10000 + 4N, 3 a frame of VALUE bytes (N odd: broadcast), 4 the
# I/O window, 5 configuration register 4N, 6 rings on, 7 loop the next frame back.
mkdir -p "$here/e1000"
erec() { printf "\\x$(printf %02x "$1")\\x$(printf %02x $(($2 & 255)))\\x$(printf %02x $(($2 >> 8 & 255)))"; le32v "$3"; }
ereg() { erec 0 $(($1 / 4)) "$2"; }
eram() { erec 2 $((($1 - 0x10000) / 4)) "$2"; }
etx() { # SLOT ADDR LOWER UPPER: a transmit descriptor (ring at 0x11000)
	eram $((0x11000 + 16 * $1)) "$2"; eram $((0x11000 + 16 * $1 + 8)) "$3"; eram $((0x11000 + 16 * $1 + 12)) "$4"; }
{ erec 6 0 0; for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do eram $((0x12000 + 4 * i)) $((0x01020304 * (i + 1))); done
	etx 0 0x12000 $((60 | 0x0b << 24)) 0; ereg 0x3818 1; erec 1 $((0xc0 / 4)) 0
	etx 1 0x12000 $((20 | 0x02 << 24)) 0; etx 2 0x12010 $((40 | 0x4b << 24)) 0x00050000; ereg 0x3818 3
	ereg 0x400 0; ereg 0x3818 5; ereg 0x400 2; erec 1 $((0x3810 / 4)) 0; } >"$here/e1000/tx-legacy"
{ erec 6 0 0; eram 0x1200c 0x00450008; eram 0x12010 0x00000000; eram 0x12014 0x06400000
	eram 0x12018 0x0f02000a; eram 0x1201c 0x0202000a; eram 0x12020 0x50000080; eram 0x12024 0x00000100
	eram 0x12028 0x00000000; eram 0x1202c 0xff195000
	etx 0 $((14 | 24 << 8 | 33 << 16)) $((1200 | 0x27 << 24)) $((54 << 8 | 500 << 16)); eram 0x11004 $((34 | 50 << 8))
	etx 1 0x12000 $((1254 | 1 << 20 | 0x2f << 24)) 0x300; ereg 0x3818 2
	etx 2 $((14 | 24 << 8 | 33 << 16)) $((0x22 << 24)) 0; eram 0x11024 $((34 | 40 << 8))
	etx 3 0x12000 $((100 | 1 << 20 | 0x2b << 24)) 0x300; ereg 0x3818 4; erec 1 $((0xc0 / 4)) 0; } >"$here/e1000/tx-offload"
{ erec 6 0 0; for i in 0 1 2 3 4 5 6 7; do eram $((0x10000 + 16 * i)) $((0x18000 + 2048 * i)); done
	ereg 0x2818 6; ereg 0xd0 0xff; erec 3 0 100; erec 3 1 42; erec 3 0 1514; erec 3 1 1518; erec 3 1 2000
	erec 1 $((0xc0 / 4)) 0; erec 3 1 70; erec 3 1 70; erec 3 1 70; erec 3 1 70; erec 3 1 70; ereg 0x2818 3
	erec 7 0 0; etx 0 0x18000 $((64 | 0x0b << 24)) 0; ereg 0x3818 1; ereg 0x100 $((0x8002 | 1 << 26 | 3 << 16))
	ereg 0x2818 7; erec 3 1 300; ereg 0x5200 0xffffffff; ereg 0x100 $((0x8012 | 2 << 12)); erec 3 0 80; } >"$here/e1000/rx"
{ ereg 0x10 0x40; for b in 1 1 0 0 0 0 0 1 0; do ereg 0x10 $((0x42 | b * 4)); ereg 0x10 $((0x43 | b * 4)); done
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do ereg 0x10 0x43; erec 1 4 0; ereg 0x10 0x42; done
	ereg 0x10 0; ereg 0x14 0x0101; erec 1 5 0; ereg 0x14 0x3f01; erec 1 5 0
	ereg 0x20 $((2 << 26 | 1 << 21 | 2 << 16)); erec 1 8 0; ereg 0x20 $((1 << 26 | 1 << 21 | 0x9140 | 1 << 29))
	erec 4 1 0x8; erec 4 0 0; erec 4 3 0x00010000; erec 4 2 0; erec 4 1 0; erec 4 3 $((0x241 | 1 << 26))
	erec 5 1 0; erec 5 4 0xffffffff; erec 5 1 0x7; ereg 0x4074 5; erec 1 $((0x4074 / 4)) 0; } >"$here/e1000/eeprom-phy-io"
