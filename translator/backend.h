/*
 * backend.h - the interface every backend offers the block cache.
 */
#ifndef BT86_TRANSLATOR_BACKEND_H
#define BT86_TRANSLATOR_BACKEND_H

#include "emu/cpu.h"
#include "translator/ir.h"
#include "translator/tbcache.h"

#include <stddef.h>
#include <stdio.h>

/* Size in bytes that compiling `b` needs in the arena. */
size_t interp_code_size(const struct ir_block *b);
/* Compile `b` into `mem`; returns the code to store in tb->code. */
const struct top *interp_compile(const struct ir_block *b, void *mem);
/*
 * Run from `tb` until an exit that is not chained (or the budget runs out,
 * or an exit is requested).  Sets cpu->eip.  Returns the last block run and
 * in *slot its exit slot (-1 for indirect exits), so the caller can chain.
 */
struct tb *interp_exec(struct cpu *cpu, struct tb *tb, int *slot);
/* Print the backend code of a block (for -d out_asm). */
void interp_dump(FILE *f, const struct tb *tb);

#endif
