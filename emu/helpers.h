/*
 * helpers.h - C functions that translated code calls (IR_CALL).
 *
 * Two kinds: monitor entries, the point of bt86 (every sensitive
 * instruction lands in one, see emu/monitor*.c), and helpers for innocuous
 * instructions too involved to inline (division, string instructions, BCD).
 * Each helper receives the CPU, three IR values and the next instruction's
 * EIP; it may raise a guest exception with cpu_raise().
 */
#ifndef BT86_EMU_HELPERS_H
#define BT86_EMU_HELPERS_H

#include "emu/cpu.h"
#include "emu/log.h"
#include "emu/monitor.h"
#include "translator/insn_table.h"

#include <stdint.h>

typedef uint32_t (*helper_fn)(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);

struct helper_info {
    helper_fn fn;
    const char *name;
    int cls; /* enum insn_class of the instruction it serves */
};

extern const struct helper_info helper_table[H_COUNT];

/*
 * -d monitor: call helper `id` and log the entry (arguments) and what it
 * did (result, and the changes it made to IF, IOPL, CPL, CS, CR0, CR3, CR4).
 */
uint32_t helper_call_logged(struct cpu *cpu, uint32_t id, uint32_t a, uint32_t b, uint32_t c,
                            uint32_t aux);

/* -stats: call helper `id` and add the time it took to its entry. */
uint32_t helper_call_timed(struct cpu *cpu, uint32_t id, uint32_t a, uint32_t b, uint32_t c,
                           uint32_t aux);

/*
 * The one path from translated code into a helper or the monitor, which
 * every backend takes for IR_CALL: it counts the entry for -stats, and
 * times or logs it when -stats or -d monitor ask.  Inline, so that the
 * plain case costs an increment and two predicted branches.
 */
static inline uint32_t helper_call(struct cpu *cpu, uint32_t id, uint32_t a, uint32_t b,
                                   uint32_t c, uint32_t aux)
{
    monitor_stats.helper_calls[id]++;
    if (__builtin_expect(log_mask & LOG_MONITOR, 0))
        return helper_call_logged(cpu, id, a, b, c, aux);
    if (__builtin_expect(monitor_stats.timing, 0))
        return helper_call_timed(cpu, id, a, b, c, aux);
    return helper_table[id].fn(cpu, a, b, c, aux);
}

static inline const char *helper_name(uint32_t id)
{
    return id < H_COUNT ? helper_table[id].name : "?";
}

#endif
