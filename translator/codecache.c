/*
 * codecache.c - one bounded mapping for generated code (see codecache.h).
 */
#include "translator/codecache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int code_cache_init(struct code_cache *cc, size_t size, int executable)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    *cc = (struct code_cache){ .base = p, .size = size, .executable = executable, .open = 1 };
    if (executable && mprotect(p, size, PROT_READ | PROT_EXEC) != 0) {
        int e = errno;
        munmap(p, size);
        errno = e;
        return -1;
    }
    cc->open = !executable;
    return 0;
}

void code_cache_destroy(struct code_cache *cc)
{
    if (cc->base)
        munmap(cc->base, cc->size);
    *cc = (struct code_cache){ 0 };
}

static void protect(struct code_cache *cc, int prot)
{
    /* Cannot fail on a mapping of our own once the first flip worked. */
    if (mprotect(cc->base, cc->size, prot) != 0) {
        perror("bt86: mprotect of the code cache");
        abort();
    }
}

void code_cache_open(struct code_cache *cc)
{
    if (cc->executable && !cc->open)
        protect(cc, PROT_READ | PROT_WRITE);
    cc->open = 1;
}

void code_cache_close(struct code_cache *cc)
{
    if (cc->executable && cc->open) {
        /* Hosts whose instruction cache does not snoop data writes (aarch64). */
        __builtin___clear_cache((char *)cc->base, (char *)cc->base + cc->used);
        protect(cc, PROT_READ | PROT_EXEC);
        cc->open = 0;
    }
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
}
