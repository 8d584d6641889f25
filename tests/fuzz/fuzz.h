/*
 * fuzz.h - what every fuzz target shares: the libFuzzer entry points, and a
 * PC built by machine_init() around a one-instruction kernel, for targets
 * that need the devices.
 *
 * Each target is linked two ways: with libFuzzer (make fuzz-NAME, clang),
 * and with replay.c, an ordinary main() that feeds it files, so that make
 * check replays the seeds and every crash ever found on any compiler.
 */
#ifndef BT86_TESTS_FUZZ_H
#define BT86_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct machine;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A machine with RAM_MB of RAM and every device, its kernel a multiboot
 * image holding one HLT; exits with a message when that cannot be built. */
struct machine *fuzz_machine(uint32_t ram_mb);

/*
 * What the last input left that a guest or a user could see (registers,
 * memory, values read).  replay -c runs inputs in several orders and
 * compares it, so that no input's result depends on the one before.
 */
uint64_t fuzz_result_hash(void);

/* FNV-1a over 64-bit words (the tail bytewise): fast enough to hash RAM. */
static inline uint64_t fuzz_hash(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (; n >= 8; n -= 8, b += 8) {
        uint64_t w;
        __builtin_memcpy(&w, b, 8);
        h = (h ^ w) * 0x100000001b3ull;
    }
    for (; n; n--, b++)
        h = (h ^ *b) * 0x100000001b3ull;
    return h;
}

#define FUZZ_HASH_INIT 0xcbf29ce484222325ull

#endif
