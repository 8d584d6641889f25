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

#endif
