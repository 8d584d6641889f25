/*
 * fuzz_loader.c - any file as -kernel.  The loaders must load it or refuse
 * it with a message; never crash, never write outside guest RAM, never
 * exit.  Inputs go through a real file, since -kernel names one.
 */
#include "tests/fuzz/fuzz.h"
#include "emu/loader.h"
#include "emu/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct machine *m;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    m = fuzz_machine(16);
    snprintf(path, sizeof(path), "/tmp/bt86-fuzz-loader.%d", (int)getpid());
    m->opt.kernel = path;
    m->opt.append = "console=ttyS0";
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!m)
        LLVMFuzzerInitialize(NULL, NULL);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size) {
        perror(path);
        exit(1);
    }
    fclose(f);
    char err[512];
    err[0] = 0;
    if (loader_load_kernel(m, err, sizeof(err)) < 0 && !err[0]) {
        fprintf(stderr, "fuzz_loader: refused with no message\n");
        abort();
    }
    unlink(path);
    return 0;
}
