/*
 * string_op.h - how translated code asks for a string instruction: the
 * interface between the frontend (translator/frontend_sys.c), which packs
 * the request, and the string helpers (monitor/helpers_string.c), which run
 * it.  Neither side needs the other's enums.
 *
 * INS and OUTS are privileged (IOPL and the TSS I/O bitmap), so they go
 * through their own monitor entries, H_INS and H_OUTS; the other five are
 * innocuous and share H_STRING.
 */
#ifndef BT86_MONITOR_STRING_OP_H
#define BT86_MONITOR_STRING_OP_H

#include <stdint.h>

enum string_op { STR_MOVS, STR_CMPS, STR_SCAS, STR_LODS, STR_STOS, STR_INS, STR_OUTS };
/* The repeat prefix: none, REP/REPE (F3), REPNE (F2). */
enum string_rep { STR_REP_NONE, STR_REP_E, STR_REP_NE };

/* The helper's first argument: the operation, element size, address size (2 or 4), prefix. */
static inline uint32_t string_pack(enum string_op op, unsigned size, unsigned addrsize,
                                   enum string_rep rep)
{
    return (uint32_t)op | size << 8 | addrsize << 12 | (uint32_t)rep << 16;
}
static inline enum string_op string_op_of(uint32_t a) { return (enum string_op)(a & 0xff); }
static inline unsigned string_size_of(uint32_t a) { return (a >> 8) & 0xf; }
static inline unsigned string_addrsize_of(uint32_t a) { return (a >> 12) & 0xf; }
static inline enum string_rep string_rep_of(uint32_t a) { return (enum string_rep)((a >> 16) & 0xff); }

#endif
