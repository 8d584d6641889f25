/*
 * decode.h - x86 instruction decoder (a thin adapter over Capstone).
 */
#ifndef BT86_TRANSLATOR_DECODE_H
#define BT86_TRANSLATOR_DECODE_H

#include "translator/insn.h"

#include <stddef.h>
#include <stdint.h>

int decode_init(void);
void decode_fini(void);
/*
 * Decode one instruction from `len` bytes at `code` (len <= 16), located at
 * guest `eip`, with 32-bit (code32=1) or 16-bit default sizes.  Returns 0
 * on success; -1 if the bytes are not a valid instruction (out->op is then
 * OP_INVALID, out->len is 0).
 */
int decode_insn(const uint8_t *code, size_t len, uint32_t eip, int code32, struct insn *out);
/* Disassemble into text (for logs of bytes that did not decode, or host code). */
int decode_text(const uint8_t *code, size_t len, uint32_t eip, int code32, char *buf, size_t bufsz);

#endif
