/*
 * insn_table.h - one row per decoded instruction (enum insn_op): its name,
 * its class and the helper or monitor entry it becomes.
 *
 * The class of an instruction is decided here and nowhere else:
 * translator/decode.c copies it into struct insn (with one documented
 * exception, PUSH/POP of a segment register), and the monitor's own table
 * (monitor/helpers.c, helper_table[].cls) is checked against it, row by row,
 * by tests/unit/test_insn_table.c.  The helper ids and the classes are the
 * monitor's (monitor/helpers.h, monitor/insn_class.h): the translator, above
 * it, names them.
 */
#ifndef BT86_TRANSLATOR_INSN_TABLE_H
#define BT86_TRANSLATOR_INSN_TABLE_H

#include "monitor/helpers.h"
#include "translator/insn.h"

#include <stdint.h>

struct insn_info {
    const char *name;   /* mnemonic, as in the Intel manual */
    uint8_t cls;        /* enum insn_class */
    /*
     * The helper or monitor entry the frontend calls for it, when that is
     * one entry whose class is compatible: equal to `cls` for a monitor
     * class, innocuous otherwise.  H_NONE when it is inlined, or when it
     * takes several entries or one of another class (see `note`).
     */
    uint8_t helper;
    const char *note;   /* why a form differs from the row, or NULL */
};

extern const struct insn_info insn_table[OP_COUNT];

#endif
