/*
 * fuzz_loader.c - any file as -kernel.  The loaders must load it or refuse
 * it with a message; never crash, never write outside guest RAM, never
 * exit.  Inputs go through a real file, since -kernel names one.
 *
 * One machine serves every input: the loaders set every register they
 * pass, and write only RAM, which is zeroed before each input.  Zeroing 16
 * MiB would cost more than loading, so the RAM's pages go back to the
 * kernel (MADV_DONTNEED), which frees only those an input touched and
 * hands out zeroed pages again.
 */
#include "tests/fuzz/fuzz.h"
#include "machine/loader.h"
#include "machine/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static struct machine *m;
#define KERNEL_FD 99
static char path[64];
static char err[512];
static int status;

static void zero_ram(void)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = ((uintptr_t)m->ram + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)m->ram + m->ram_size) & ~(page - 1);
    if (hi <= lo || madvise((void *)lo, hi - lo, MADV_DONTNEED) < 0) {
        memset(m->ram, 0, m->ram_size);
        return;
    }
    memset(m->ram, 0, lo - (uintptr_t)m->ram);
    memset((void *)hi, 0, (uintptr_t)m->ram + m->ram_size - hi);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    m = fuzz_machine(16);
    /* Huge pages would make each input fault in (and zero) 2 MiB at a time. */
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = ((uintptr_t)m->ram + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)m->ram + m->ram_size) & ~(page - 1);
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_NOHUGEPAGE);
    /*
     * The kernel's name goes into messages and into RAM (a multiboot
     * command line starts with it), so it must be the same in every
     * process: an unlinked temporary file, named through a fixed fd.
     */
    char tmp[] = "/tmp/bt86-fuzz-loader.XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0 || dup2(fd, KERNEL_FD) < 0) {
        perror("fuzz_loader: kernel file");
        exit(1);
    }
    close(fd);
    unlink(tmp);
    snprintf(path, sizeof(path), "/dev/fd/%d", KERNEL_FD);
    m->opt.kernel = path;
    m->opt.append = "console=ttyS0";
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!m)
        LLVMFuzzerInitialize(NULL, NULL);
    if (ftruncate(KERNEL_FD, 0) < 0 || pwrite(KERNEL_FD, data, size, 0) != (ssize_t)size) {
        perror(path);
        exit(1);
    }
    cpu_reset(&m->cpu);
    m->cpu.icount = 0; /* each input starts at virtual time 0 (-icount) */
    zero_ram();
    memset(err, 0, sizeof(err));
    status = loader_load_kernel(m, err, sizeof(err));
    if (status < 0 && !err[0]) {
        fprintf(stderr, "fuzz_loader: refused with no message\n");
        abort();
    }
    return 0;
}

uint64_t fuzz_result_hash(void)
{
    struct cpu *cpu = &m->cpu;
    uint64_t h = fuzz_hash(FUZZ_HASH_INIT, &status, sizeof(status));
    h = fuzz_hash(h, err, sizeof(err));
    h = fuzz_hash(h, cpu->r, sizeof(cpu->r));
    uint32_t v[6] = { cpu->eip, cpu_get_eflags(cpu), cpu->cr[0], cpu->gdt.base, cpu->gdt.limit,
                      cpu->seg[S_CS].sel };
    h = fuzz_hash(h, v, sizeof(v));
    return fuzz_hash(h, m->ram, m->ram_size);
}
