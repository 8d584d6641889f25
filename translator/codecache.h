/*
 * codecache.h - the memory backends write their code into.
 *
 * Kept apart from block metadata so that a native backend can have it
 * executable without making the metadata executable too.  It is one
 * mapping of bounded size, filled by bumping a pointer; when an
 * allocation does not fit, the block cache flushes everything (between
 * blocks, when no generated code is running) and starts again.
 *
 * W^X: no mapping of an executable cache is writable and executable at
 * once.  Where the host's mremap() can alias memory, the cache is one
 * memory object mapped twice: writable at `base`, executable at `exec`
 * (code_cache_exec() and code_cache_rw() convert), so that a backend may
 * patch jumps in code it wrote earlier, even in code that is running,
 * without a system call.  Elsewhere there is one mapping, and writes
 * happen between code_cache_open() and code_cache_close(), which flip it
 * with mprotect(); a host that forbids the flip makes code_cache_init()
 * fail, and bt86 says so rather than run with memory both writable and
 * executable.  Only the pages that hold code are executable then: the
 * part not yet allocated stays writable (and never executable), so that
 * a translation, which only appends, opens with code_cache_open_tail()
 * at the cost of flipping one or two pages, not the whole cache
 * (mprotect's cost grows with the pages it walks).  code_cache_open()
 * makes everything writable.  With two mappings open and close only keep
 * the instruction cache coherent.
 *
 * A page that is neither readable, writable nor executable follows the
 * cache in each mapping: the red zone, where a runaway write or jump
 * faults.
 *
 *   code_cache_init(&cc, 32 << 20, 1);
 *   code_cache_open_tail(&cc);
 *   void *p = code_cache_alloc(&cc, n);   // NULL: full, flush and retry
 *   ... write n bytes at p, to run at code_cache_exec(&cc, p) ...
 *   code_cache_close(&cc);                // executable
 */
#ifndef BT86_TRANSLATOR_CODECACHE_H
#define BT86_TRANSLATOR_CODECACHE_H

#include <stddef.h>
#include <stdint.h>

struct code_cache {
    uint8_t *base; /* where code is written */
    uint8_t *exec; /* where it runs: base, or the executable mapping of two */
    size_t size, used;
    int executable; /* mapped PROT_EXEC when closed */
    int open;       /* currently writable */
    int dual;       /* two mappings: always writable at base */
    size_t rw_from; /* executable caches: [0, rw_from) is code (RX), the rest RW */
};

/* Map `size` bytes; returns 0, or -1 with errno set. */
int code_cache_init(struct code_cache *cc, size_t size, int executable);
void code_cache_destroy(struct code_cache *cc);
/* Make the cache writable (and, if executable, not executable). */
void code_cache_open(struct code_cache *cc);
/* Make writable only what is not allocated yet: enough to allocate and
 * write new code, and cheap. */
void code_cache_open_tail(struct code_cache *cc);
/* Make it executable again (a no-op for a data-only cache). */
void code_cache_close(struct code_cache *cc);
/* `n` bytes, 16-byte aligned, or NULL when the cache is full. */
void *code_cache_alloc(struct code_cache *cc, size_t n);
/* Forget every allocation. */
void code_cache_reset(struct code_cache *cc);
/* The executable address of written byte p, and the writable one of executable byte e. */
static inline const void *code_cache_exec(const struct code_cache *cc, const void *p)
{
    return cc->exec + ((const uint8_t *)p - cc->base);
}
static inline void *code_cache_rw(const struct code_cache *cc, const void *e)
{
    return cc->base + ((const uint8_t *)e - cc->exec);
}

#endif
