/*
 * insn_class.h - the monitor's classification of instructions: which ones
 * run inline and which ones it must see (Popek and Goldberg's privileged
 * and sensitive, plus the virtualization-sensitive and hypercalls).
 *
 * The translator's instruction table (translator/insn_table.c) gives each
 * instruction its class; -stats and the stepper print the names.
 */
#ifndef BT86_MONITOR_INSN_CLASS_H
#define BT86_MONITOR_INSN_CLASS_H

enum insn_class {
    CLS_INNOCUOUS,  /* translated inline */
    CLS_CONTROL,    /* ends the block: jumps, calls, returns */
    CLS_PRIVILEGED, /* monitor: CPL 0 only (or IOPL for I/O, CLI, STI) */
    CLS_SENSITIVE,  /* monitor: unprivileged yet sensitive (Popek-Goldberg) */
    CLS_VIRT,       /* monitor: virtualization-sensitive (CPUID, RDTSC) */
    CLS_HYPERCALL,  /* monitor: paravirtual call */
    CLS_COUNT
};
extern const char *const insn_class_names[CLS_COUNT];

/* A class whose instructions the frontend hands to the monitor. */
static inline int insn_class_is_monitor(int cls)
{
    return cls >= CLS_PRIVILEGED && cls < CLS_COUNT;
}

#endif
