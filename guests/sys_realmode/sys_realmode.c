/*
 * sys_realmode - from multiboot's protected mode back to real mode and
 * back again. A blob of 16-bit code is copied to 0x7000; the kernel far-jumps
 * to it through a 16-bit code segment, clears CR0.PE, far-jumps to real-mode
 * CS=0x0700, and there: points IVT entries at its own handlers and uses
 * INT n / IRET (recording the pushed FLAGS, CS and IP), takes #DE and #UD
 * through the IVT, does segment arithmetic (ES=0x5000 and an alias), reads
 * above 1 MiB through FFFF:0010 (A20 on) and through an "unreal" FS left
 * with a 4 GiB limit, makes a far call and uses 32-bit operands; then sets
 * CR0.PE and far-jumps back to 32-bit code. No BIOS service is used.
 */
#include "../sys_common/sys.h"

#define BLOB	0x7000
#define SEL_CODE16	0x30
#define SEL_DATA16	0x38
#define SEL_FLAT16	0x40	/* 16-bit data, 4 GiB limit, for unreal FS */

extern char rm_blob[], rm_blob_end[], rm_res[];
void realmode_call(void);
uint32_t saved_esp32;

__asm__(".text\n"
	".globl realmode_call\n"
	"realmode_call:\n"
	"  pushal\n"
	"  movl %esp, saved_esp32\n"
	"  ljmp $0x30, $(0x7000 + pm16 - rm_blob)\n"

	".code16\n"
	".globl rm_blob\n"
	"rm_blob:\n"
	"pm16:\n"
	"  movw $0x38, %ax\n"
	"  movw %ax, %ds\n"
	"  movw %ax, %es\n"
	"  movw %ax, %gs\n"
	"  movw %ax, %ss\n"
	"  movw $0x40, %ax\n"
	"  movw %ax, %fs\n"		/* keeps its 4 GiB limit in real mode */
	"  movl %cr0, %eax\n"
	"  andl $0xfffffffe, %eax\n"
	"  movl %eax, %cr0\n"
	"  ljmp $0x0700, $(rm_entry - rm_blob)\n"
	"rm_entry:\n"
	"  movw $0x0700, %ax\n"
	"  movw %ax, %ds\n"
	"  xorw %ax, %ax\n"
	"  movw %ax, %ss\n"
	"  movw $0x7000, %sp\n"
	"  lidt (rm_idtr - rm_blob)\n"
	/* IVT: 0x40 -> h40, 0 -> hskip (#DE), 6 -> hskip (#UD) */
	"  xorw %ax, %ax\n"
	"  movw %ax, %es\n"
	"  movw $(h40 - rm_blob), %es:0x100\n"
	"  movw $0x0700, %es:0x102\n"
	"  movw $(hskip - rm_blob), %es:0x0\n"
	"  movw $0x0700, %es:0x2\n"
	"  movw $(hskip - rm_blob), %es:0x18\n"
	"  movw $0x0700, %es:0x1a\n"
	/* res+0: CS, res+2: CR0 low word */
	"  movw %cs, %ax\n"
	"  movw %ax, (rm_res - rm_blob)\n"
	"  movl %cr0, %eax\n"
	"  movw %ax, (rm_res - rm_blob + 2)\n"
	/* INT 0x40: handler records FLAGS/CS/IP at res+4..9, returns AX */
	"  xorw %ax, %ax\n"
	"int40_insn:\n"
	"  int $0x40\n"
	"int40_next:\n"
	"  movw %ax, (rm_res - rm_blob + 10)\n"
	/* #DE and #UD through the IVT: the handler skips 2 bytes, counts */
	"  xorw %cx, %cx\n"
	"  movw $1, %ax\n"
	"  xorw %dx, %dx\n"
	"  divw %cx\n"
	"  ud2\n"
	/* Segment arithmetic: write at 5000:1234, read back via 5123:0004 */
	"  movw $0x5000, %ax\n"
	"  movw %ax, %es\n"
	"  movw $0x1234, %di\n"
	"  movw $0xbeef, %es:(%di)\n"
	"  movw $0x5123, %ax\n"
	"  movw %ax, %es\n"
	"  movw %es:0x4, %ax\n"
	"  movw %ax, (rm_res - rm_blob + 14)\n"
	/* FFFF:0010 = linear 0x100000 (the multiboot header) */
	"  movw $0xffff, %ax\n"
	"  movw %ax, %es\n"
	"  movl %es:0x10, %eax\n"
	"  movl %eax, (rm_res - rm_blob + 16)\n"
	/* unreal FS: 32-bit address 0x100004 */
	"  movl $0x100004, %ebx\n"
	"  addr32 movl %fs:(%ebx), %eax\n"
	"  movl %eax, (rm_res - rm_blob + 20)\n"
	/* far call and 32-bit operands */
	"  lcall $0x0700, $(farfn - rm_blob)\n"
	"  movw %bx, (rm_res - rm_blob + 24)\n"
	"  movl $0x12345678, %eax\n"
	"  addl $0x11111111, %eax\n"
	"  movl %eax, (rm_res - rm_blob + 26)\n"
	/* push/pop of segment registers, pushf */
	"  pushw %ds\n"
	"  popw %ax\n"
	"  movw %ax, (rm_res - rm_blob + 30)\n"
	"  movw %sp, %ax\n"
	"  movw %ax, (rm_res - rm_blob + 32)\n"
	/* back to protected mode */
	"  cli\n"
	"  movl %cr0, %eax\n"
	"  orl $1, %eax\n"
	"  movl %eax, %cr0\n"
	"  ljmpl $0x08, $back32\n"

	"h40:\n"
	"  pushw %bp\n"
	"  movw %sp, %bp\n"
	"  movw 2(%bp), %ax\n"
	"  movw %ax, (rm_res - rm_blob + 4)\n"	/* IP */
	"  movw 4(%bp), %ax\n"
	"  movw %ax, (rm_res - rm_blob + 6)\n"	/* CS */
	"  movw 6(%bp), %ax\n"
	"  movw %ax, (rm_res - rm_blob + 8)\n"	/* FLAGS */
	"  movw $0x4040, %ax\n"
	"  popw %bp\n"
	"  iret\n"
	"hskip:\n"
	"  pushw %bp\n"
	"  movw %sp, %bp\n"
	"  addw $2, 2(%bp)\n"
	"  incw (rm_res - rm_blob + 12)\n"
	"  popw %bp\n"
	"  iret\n"
	"farfn:\n"
	"  movw $0x1111, %bx\n"
	"  lret\n"
	"rm_idtr:\n"
	"  .word 0x3ff\n"
	"  .long 0\n"
	".p2align 2\n"
	".globl rm_res\n"
	"rm_res:\n"
	"  .fill 64, 1, 0\n"
	".globl rm_blob_end\n"
	"rm_blob_end:\n"
	".code32\n"
	"back32:\n"
	"  movl $0x10, %eax\n"
	"  movl %eax, %ds\n"
	"  movl %eax, %es\n"
	"  movl %eax, %fs\n"
	"  movl %eax, %gs\n"
	"  movl %eax, %ss\n"
	"  movl saved_esp32, %esp\n"
	"  popal\n"
	"  ret\n");

extern char int40_insn[], int40_next[];

int main(const char *cmdline __attribute__((unused)))
{
	volatile uint8_t *blob;
	volatile uint16_t *res;
	struct dtr d;
	uint16_t cs;

	sys_init();
	set_seg(SEL_CODE16 >> 3, 0, 0xffff, ACC_CODE0, 0);
	set_seg(SEL_DATA16 >> 3, 0, 0xffff, ACC_DATA0, 0);
	set_seg(SEL_FLAT16 >> 3, 0, 0xfffff, ACC_DATA0, FL_G);
	/* Launder the address so that the compiler sees no constant pointer. */
	__asm__("movl %1, %0" : "=r"(blob) : "i"(BLOB));
	for (uint32_t i = 0; i < (uint32_t)(rm_blob_end - rm_blob); i++)
		blob[i] = rm_blob[i];
	res = (volatile uint16_t *)(blob + (rm_res - rm_blob));
	printf("sys_realmode: %u-byte real-mode blob at %04x\n",
	       (unsigned)(rm_blob_end - rm_blob), BLOB);

	realmode_call();

	d.limit = sizeof(idt) - 1;
	d.base = (uint32_t)idt;
	__asm__ volatile("lidt %0" : : "m"(d));
	__asm__ volatile("movw %%cs, %0" : "=r"(cs));
	printf("back in protected mode: cs=%04x\n", cs);

	printf("real mode: cs=%04x cr0.PE=%u\n", res[0], res[1] & 1);
	printf("int 0x40: pushed ip=%s cs=%04x flags=%04x, returned ax=%04x\n",
	       res[2] == (uint16_t)(int40_next - rm_blob) ? "next insn" : "wrong",
	       res[3], res[4], res[5]);
	printf("#DE + #UD through the IVT: %u handled\n", res[6]);
	printf("5123:0004 reads %04x; linear 0x51234 holds %04x\n", res[7],
	       *(volatile uint16_t *)0x51234);
	printf("FFFF:0010 reads %04x%04x (multiboot magic 1badb002)\n", res[9], res[8]);
	printf("unreal fs:0x100004 reads %04x%04x\n", res[11], res[10]);
	printf("far call: bx=%04x; 32-bit add: eax=%04x%04x\n", res[12], res[14], res[13]);
	printf("push ds/pop ax: %04x; sp after: %04x\n", res[15], res[16]);
	puts("sys_realmode: done");
	return 0;
}
