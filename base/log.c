/*
 * log.c - the -d / -D debug log switches.
 */
#include "base/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

unsigned log_mask;
FILE *log_file;

static const struct {
    const char *name;
    unsigned mask;
    const char *help;
} items[] = {
    { "in_asm", LOG_IN_ASM, "show guest code of each block translated, with instruction classes" },
    { "op", LOG_OP, "show the IR of each block translated" },
    { "out_asm", LOG_OUT_ASM, "show the backend's code for each block translated" },
    { "int", LOG_INT, "show interrupts and exceptions" },
    { "exec", LOG_EXEC, "show each block executed" },
    { "cpu", LOG_CPU, "show the CPU registers before each block executed" },
    { "monitor", LOG_MONITOR, "show each entry into the monitor" },
    { "unimp", LOG_UNIMP, "show accesses to unimplemented devices and ports" },
    { "guest_errors", LOG_GUEST_ERRORS, "show guest errors (bad descriptors...)" },
    { "post", LOG_POST, "show POST codes written to port 0x80" },
};

int log_parse(const char *spec)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        unsigned found = 0;
        for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
            if (!strcmp(t, items[i].name))
                found = items[i].mask;
        if (!strcmp(t, "all"))
            found = ~0u;
        if (!found) {
            fprintf(stderr, "bt86: unknown -d item '%s' (try -d help)\n", t);
            return -1;
        }
        log_mask |= found;
    }
    return 0;
}

void log_help(FILE *f)
{
    fprintf(f, "Log items (comma separated):\n");
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
        fprintf(f, "%-13s %s\n", items[i].name, items[i].help);
}

int log_set_file(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bt86: -D %s: cannot open for writing: %s\n", path, strerror(errno));
        return -1;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    log_file = f;
    return 0;
}
