/*
 * test_codecache.c - the code cache's mappings: what is written at an
 * allocation reads back at its executable address, no mapping is both
 * writable and executable (/proc/self/maps), and the red zone after the
 * cache faults when written or read.
 */
#include "check.h"
#include "translator/codecache.h"

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
    (void)sig;
    siglongjmp(fault_jmp, 1);
}

/* Whether touching p (a write when `write`) faults. */
static int faults(volatile uint8_t *p, int write)
{
    struct sigaction sa, old_segv, old_bus;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_fault;
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    int faulted = 1;
    if (!sigsetjmp(fault_jmp, 1)) {
        if (write)
            *p = 0x90;
        else
            (void)*p;
        faulted = 0;
    }
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    return faulted;
}

/* The permissions ("rwxp") of the mapping holding p, or "" when none does. */
static void perms_of(const void *p, char out[5])
{
    out[0] = 0;
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        char pm[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, pm) == 3 && (uintptr_t)p >= lo &&
            (uintptr_t)p < hi) {
            memcpy(out, pm, 5);
            break;
        }
    }
    fclose(f);
}

static void check_cache(int executable)
{
    struct code_cache cc;
    CHECK(code_cache_init(&cc, 64 << 10, executable) == 0);
    code_cache_open_tail(&cc);
    uint8_t *p = code_cache_alloc(&cc, 100);
    CHECK(p != NULL);
    memset(p, 0xc3, 100);
    code_cache_close(&cc);
    const uint8_t *e = code_cache_exec(&cc, p);
    CHECK(e[0] == 0xc3 && e[99] == 0xc3);
    CHECK(code_cache_rw(&cc, e) == p);
    char pw[5], pe[5];
    perms_of(p, pw);
    perms_of(e, pe);
    if (pw[0] || pe[0]) {
        /* W^X, whichever way the cache is made */
        CHECK(!(strchr(pw, 'w') && strchr(pw, 'x')));
        CHECK(!(strchr(pe, 'w') && strchr(pe, 'x')));
        if (executable)
            CHECK(strchr(pe, 'x') != NULL);
        else
            CHECK(!strchr(pe, 'x'));
    }
    if (cc.dual) {
        /* patched later, through the writable mapping, while closed */
        p[0] = 0x90;
        CHECK(e[0] == 0x90);
    }
    /* the red zone, in each mapping */
    CHECK(faults(cc.base + cc.size, 1));
    CHECK(faults((uint8_t *)cc.exec + cc.size, 0));
    CHECK(!faults(cc.base + cc.size - 1, 0));
    code_cache_destroy(&cc);
}

int main(void)
{
    check_cache(1);
    check_cache(0);
    return check_done("test_codecache");
}
