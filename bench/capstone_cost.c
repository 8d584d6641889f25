/*
 * capstone_cost.c - what decoding alone costs: Capstone (detail on) over a
 * guest's code section, repeatedly.  The reference for bt86's translation
 * cost per guest instruction (bench/translate-cost.sh).
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CODE.bin\n", argv[0]);
        return 1;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static uint8_t code[1 << 20];
    size_t n = fread(code, 1, sizeof(code), f);
    fclose(f);
    csh h;
    cs_open(CS_ARCH_X86, CS_MODE_32, &h);
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    cs_insn *in = cs_malloc(h);
    struct timespec t0, t1;
    uint64_t count = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int rep = 0; rep < 20; rep++) {
        const uint8_t *p = code;
        size_t left = n;
        uint64_t addr = 0x100000;
        while (left) {
            if (cs_disasm_iter(h, &p, &left, &addr, in)) {
                count++;
            } else {
                p++;
                left--;
                addr++;
            }
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("%.3f\n", s * 1e6 / count);
    cs_free(in, 1);
    cs_close(&h);
    return 0;
}
