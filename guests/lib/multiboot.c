/* multiboot.c - print the memory map the loader handed us (multiboot v1). */
#include "guest.h"

#define MB_INFO_MEM	(1 << 0)
#define MB_INFO_MMAP	(1 << 6)

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};

struct mb_mmap_entry {
	uint32_t size;		/* of the rest of the entry, not counting this field */
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

void print_memory_map(void)
{
	const struct mb_info *mbi = (const struct mb_info *)multiboot_info;
	uint32_t p, end;

	if (!mbi) {
		puts("no multiboot info");
		return;
	}
	if (mbi->flags & MB_INFO_MEM)
		printf("mem_lower=%uK mem_upper=%uK\n", mbi->mem_lower, mbi->mem_upper);
	if (!(mbi->flags & MB_INFO_MMAP)) {
		puts("no memory map");
		return;
	}
	end = mbi->mmap_addr + mbi->mmap_length;
	for (p = mbi->mmap_addr; p < end;) {
		const struct mb_mmap_entry *e = (const struct mb_mmap_entry *)p;

		printf("  %016llx-%016llx type %u\n", e->addr, e->addr + e->len - 1,
		       e->type);
		p += e->size + sizeof(e->size);
	}
}
