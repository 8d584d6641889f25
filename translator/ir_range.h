/*
 * ir_range.h - what a block's own code says about a value's range.
 *
 * A table lookup indexes with a byte (movzx ecx, cl; mov eax, [ecx*4 +
 * table]): whatever the byte, the address stays inside one page, which a
 * backend can then probe the TLB for without waiting for the index.
 */
#ifndef BT86_TRANSLATOR_IR_RANGE_H
#define BT86_TRANSLATOR_IR_RANGE_H

#include "translator/ir.h"

#include <stdint.h>

/*
 * The unsigned range [*lo, *hi] of value v where op `at` reads it, as the
 * ops of block b before `at` computed it; 0 when they do not tell (a guest
 * register from before the block, a load of 32 bits, a sum that may wrap).
 * def[t] is the op that writes temporary t, -1 for none.
 */
int ir_value_range(const struct ir_block *b, const int16_t *def, int v, int at, uint32_t *lo,
                   uint32_t *hi);

#endif
