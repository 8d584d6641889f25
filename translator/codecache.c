/*
 * codecache.c - the bounded memory for generated code, mapped once or twice (see codecache.h).
 */
#define _GNU_SOURCE /* mremap */
#include "translator/codecache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE_DOWN(n) ((n) & ~(size_t)4095)
#define PAGE_UP(n) (((n) + 4095) & ~(size_t)4095)
/* After the cache, in every mapping of it: a write or a jump past its end
 * (a backend's size bug) faults there, at once, instead of landing in
 * whatever the host mapped next. */
#define RED_ZONE ((size_t)4096)

/*
 * One memory object mapped writable and, elsewhere, executable; 0 on
 * success.  Shared anonymous memory, aliased by mremap() with an old size
 * of 0, rather than a memfd: perf takes such a mapping ("/dev/zero") for
 * anonymous and so reads -perfmap's symbols for it, not a file's.
 */
static int map_twice(struct code_cache *cc, size_t size)
{
#ifdef MREMAP_MAYMOVE
    size_t all = size + RED_ZONE;
    uint8_t *rw = mmap(NULL, all, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (rw == MAP_FAILED)
        return -1;
    uint8_t *rx = mremap(rw, 0, all, MREMAP_MAYMOVE);
    if (rx == MAP_FAILED || mprotect(rx, size, PROT_READ | PROT_EXEC) != 0 ||
        mprotect(rx + size, RED_ZONE, PROT_NONE) != 0 || mprotect(rw + size, RED_ZONE, PROT_NONE) != 0) {
        if (rx != MAP_FAILED)
            munmap(rx, all);
        munmap(rw, all);
        return -1;
    }
    *cc = (struct code_cache){ .base = rw, .exec = rx, .size = size, .executable = 1, .dual = 1 };
    return 0;
#else
    (void)cc;
    (void)size;
    return -1;
#endif
}

int code_cache_init(struct code_cache *cc, size_t size, int executable)
{
    size = PAGE_UP(size);
    if (executable && map_twice(cc, size) == 0)
        return 0;
    uint8_t *p = mmap(NULL, size + RED_ZONE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    if (mprotect(p + size, RED_ZONE, PROT_NONE) != 0) {
        munmap(p, size + RED_ZONE);
        return -1;
    }
    *cc = (struct code_cache){ .base = p, .exec = p, .size = size, .executable = executable, .open = 1 };
    /* Whether the host lets us flip it at all: say so now, not at the first block. */
    if (executable && (mprotect(p, size, PROT_READ | PROT_EXEC) != 0 ||
                       mprotect(p, size, PROT_READ | PROT_WRITE) != 0)) {
        int e = errno;
        munmap(p, size + RED_ZONE);
        errno = e;
        return -1;
    }
    cc->open = !executable;
    cc->rw_from = 0;
    return 0;
}

void code_cache_destroy(struct code_cache *cc)
{
    if (cc->dual)
        munmap(cc->exec, cc->size + RED_ZONE);
    if (cc->base)
        munmap(cc->base, cc->size + RED_ZONE);
    *cc = (struct code_cache){ 0 };
}


static void protect(struct code_cache *cc, size_t from, size_t to, int prot)
{
    if (to > cc->size)
        to = cc->size;
    if (from >= to)
        return;
    /* Cannot fail on a mapping of our own once the first flip worked. */
    if (mprotect(cc->base + from, to - from, prot) != 0) {
        perror("bt86: mprotect of the code cache");
        abort();
    }
}

/* Make [from, size) writable (not executable). */
static void open_from(struct code_cache *cc, size_t from)
{
    if (cc->executable && !cc->dual && from < cc->rw_from) {
        protect(cc, from, cc->rw_from, PROT_READ | PROT_WRITE);
        cc->rw_from = from;
    }
    cc->open = 1;
}

void code_cache_open(struct code_cache *cc)
{
    open_from(cc, 0);
}

void code_cache_open_tail(struct code_cache *cc)
{
    open_from(cc, PAGE_DOWN(cc->used));
}

void code_cache_close(struct code_cache *cc)
{
    if (cc->dual) {
        /* Hosts whose instruction cache does not snoop data writes. */
        __builtin___clear_cache((char *)cc->exec, (char *)cc->exec + cc->used);
    } else if (cc->executable && cc->open) {
        size_t hi = PAGE_UP(cc->used);
        /* Hosts whose instruction cache does not snoop data writes (aarch64). */
        if (cc->used > cc->rw_from)
            __builtin___clear_cache((char *)cc->base + cc->rw_from, (char *)cc->base + cc->used);
        if (hi > cc->rw_from) {
            protect(cc, cc->rw_from, hi, PROT_READ | PROT_EXEC);
            cc->rw_from = hi;
        }
    }
    cc->open = 0;
}

void *code_cache_alloc(struct code_cache *cc, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > cc->size - cc->used)
        return NULL;
    void *p = cc->base + cc->used;
    cc->used += n;
    return p;
}

void code_cache_reset(struct code_cache *cc)
{
    cc->used = 0;
    /* Reset while open (a flush in the middle of a translation): what is
     * allocated next must be writable now. */
    if (cc->open)
        open_from(cc, 0);
}
