/*
 * mbinfo - what the multiboot loader hands over: the information flags,
 * lower/upper memory, the memory map, the command line and the modules
 * (-initrd "file args,..."), as QEMU provides them.
 */
#include "guest.h"



int main(const char *cmdline)
{
    const unsigned *mbi = (const unsigned *)multiboot_info;
    printf("mbinfo: flags has mem=%d cmdline=%d mods=%d mmap=%d\n", mbi[0] & 1, (mbi[0] >> 2) & 1,
           (mbi[0] >> 3) & 1, (mbi[0] >> 6) & 1);
    printf("mbinfo: mem_lower=%u KiB mem_upper=%u KiB\n", mbi[1], mbi[2]);
    printf("mbinfo: cmdline \"%s\"\n", cmdline);
    print_memory_map();
    unsigned count = mbi[5];
    const unsigned *mods = (const unsigned *)mbi[6];
    printf("mbinfo: %u modules\n", count);
    for (unsigned i = 0; i < count && i < 4; i++) {
        const unsigned char *start = (const unsigned char *)mods[i * 4];
        unsigned len = mods[i * 4 + 1] - mods[i * 4];
        printf("mbinfo: module %u: %u bytes, page aligned %d, \"%s\", starts \"%c%c%c\"\n", i, len,
               (mods[i * 4] & 0xfff) == 0, (const char *)mods[i * 4 + 2], start[0], start[1],
               start[2]);
    }
    return 0;
}
