/*
 * helpers_alu.c - instructions too involved to inline as IR: division,
 * rotates through carry, double shifts, bit scans, BCD adjusts,
 * CMPXCHG8B, the stack-frame instructions (ENTER, PUSHA, POPA), BOUND,
 * and the two ways out (raise an exception, stop on the unimplemented).
 *
 * Constraints they live under:
 *   - Precise exceptions.  A helper may fault (cpu_raise unwinds to the
 *     run loop, which restarts the instruction), so every check and every
 *     memory access that can fault comes before the first register write.
 *     The stack helpers write guest memory first, registers last.
 *   - Deterministic undefined flags.  Intel leaves many flags undefined
 *     here; bt86 picks one value, listed in the table at the top of
 *     cpu/flags.c, so that runs are reproducible.  Where this file's
 *     choices depend on measurements on a real CPU, the comment says so.
 *   - No C undefined behaviour: the build is exercised under UBSan, so
 *     shifts stay below the width and signed overflow is avoided by
 *     doing signed division on magnitudes.
 *
 * Flags that a helper defines are written with cpu_set_eflags(), which
 * also ends the lazy state (cc_op becomes CC_EFLAGS).  Example, DIV r/m16
 * as the frontend emits it:
 *
 *     f_call(c, H_DIV, src, f_movi(c, 2), 0);   ->  helper_div(cpu, src, 2, 0, next)
 */
#include "base/exit_status.h"
#include "monitor/helpers.h"
#include "monitor/helpers_impl.h"
#include "monitor/monitor.h"
#include "cpu/flags.h"
#include "softmmu/tlb.h"

#include <stdio.h>
#include <stdlib.h>

static inline uint32_t mask_of(int size)
{
    return size == 1 ? 0xffu : size == 2 ? 0xffffu : 0xffffffffu;
}

static inline uint32_t sign_of(int size)
{
    return 1u << (8 * size - 1);
}

/* Value of the low `size` bytes as a signed number, without casts that wrap. */
static inline int64_t sext(uint32_t v, int size)
{
    uint32_t m = mask_of(size);
    v &= m;
    return (v & sign_of(size)) ? (int64_t)v - ((int64_t)m + 1) : (int64_t)v;
}

static inline uint32_t parity_flag(uint32_t v)
{
    return __builtin_parity(v & 0xff) ? 0 : F_PF;
}

/* SF ZF PF of a result of `size` bytes. */
static inline uint32_t szp(uint32_t v, int size)
{
    v &= mask_of(size);
    return (v ? 0 : F_ZF) | ((v & sign_of(size)) ? F_SF : 0) | parity_flag(v);
}

/* Write the low `size` bytes of a register, keeping the rest (as the CPU does). */
static inline void set_reg(struct cpu *cpu, int r, uint32_t v, int size)
{
    uint32_t m = mask_of(size);
    cpu->r[r] = (cpu->r[r] & ~m) | (v & m);
}

/* ---- DIV / IDIV ---------------------------------------------------------- */

/* AX, DX:AX or EDX:EAX: the dividend of a division by an operand of `size`. */
static uint64_t dividend(struct cpu *cpu, int size)
{
    if (size == 1)
        return cpu->r[R_EAX] & 0xffff;
    if (size == 2)
        return (cpu->r[R_EDX] & 0xffff) << 16 | (cpu->r[R_EAX] & 0xffff);
    return (uint64_t)cpu->r[R_EDX] << 32 | cpu->r[R_EAX];
}

static void div_store(struct cpu *cpu, uint32_t q, uint32_t r, int size)
{
    if (size == 1) {
        set_reg(cpu, R_EAX, (r & 0xff) << 8 | (q & 0xff), 2);
    } else {
        set_reg(cpu, R_EAX, q, size);
        set_reg(cpu, R_EDX, r, size);
    }
}

uint32_t helper_div(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    int size = (int)b;
    uint64_t d = a & mask_of(size);
    if (d == 0)
        cpu_raise(cpu, EXC_DE, 0, 0);
    uint64_t n = dividend(cpu, size);
    uint64_t q = n / d, r = n % d;
    if (q > mask_of(size))
        cpu_raise(cpu, EXC_DE, 0, 0);
    div_store(cpu, (uint32_t)q, (uint32_t)r, size);
    return 0;
}

/*
 * Signed division on magnitudes: the 64-bit dividend of a 32-bit IDIV may
 * be INT64_MIN, whose negation (or division by -1) is undefined in C.  The
 * quotient truncates toward zero and the remainder takes the dividend's
 * sign, as x86 does; -2^(n-1) is a valid quotient (the P6 accepts it; the
 * 8086 did not).
 */
uint32_t helper_idiv(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    int size = (int)b, bits = 8 * size;
    uint64_t wide_mask = size == 4 ? ~0ull : (1ull << (2 * bits)) - 1;
    uint64_t n = dividend(cpu, size);
    int nneg = (n >> (2 * bits - 1)) & 1;
    uint64_t un = nneg ? (0 - n) & wide_mask : n;
    uint32_t d = a & mask_of(size);
    int dneg = (d & sign_of(size)) != 0;
    uint64_t ud = dneg ? (0 - (uint64_t)d) & mask_of(size) : d;
    if (ud == 0)
        cpu_raise(cpu, EXC_DE, 0, 0);
    uint64_t uq = un / ud, ur = un % ud;
    int qneg = nneg ^ dneg;
    uint64_t limit = qneg ? 1ull << (bits - 1) : (1ull << (bits - 1)) - 1;
    if (uq > limit)
        cpu_raise(cpu, EXC_DE, 0, 0);
    uint32_t q = (uint32_t)(qneg ? 0 - uq : uq);
    uint32_t r = (uint32_t)(nneg ? 0 - ur : ur);
    div_store(cpu, q, r, size);
    return 0;
}

/* ---- ROL ROR RCL RCR ----------------------------------------------------- */

/*
 * RCL/RCR rotate a (width+1)-bit quantity, CF:value, kept in a uint64_t
 * so that a 33-bit rotate needs no special case.  Returns that quantity
 * after rotating; the caller splits result and CF.
 */
static uint64_t rotate_carry(int op, uint32_t v, uint32_t cf, int bits, uint32_t count)
{
    uint64_t wmask = (1ull << (bits + 1)) - 1;
    uint64_t x = (uint64_t)cf << bits | v;
    uint32_t k = count % (uint32_t)(bits + 1);
    if (k == 0)
        return x;
    if (op == HOP_RCL)
        return ((x << k) | (x >> (bits + 1 - k))) & wmask;
    return ((x >> k) | (x << (bits + 1 - k))) & wmask;
}

uint32_t helper_rotate(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    int op = c & 0xff, size = (c >> 8) & 0xff, mode = (c >> 16) & 0xff;
    int bits = 8 * size;
    uint32_t m = mask_of(size), v = a & m, n = b & 31;

    if (op == HOP_ROL || op == HOP_ROR) {
        uint32_t k = n % (uint32_t)bits;
        if (k == 0)
            return v;
        if (op == HOP_ROL)
            return ((v << k) | (v >> (bits - k))) & m;
        return ((v >> k) | (v << (bits - k))) & m;
    }

    uint64_t x = rotate_carry(op, v, cpu_get_cf(cpu), bits, n);
    uint32_t r = (uint32_t)x & m;
    if (mode == 0)
        return r;
    /*
     * Only a masked count of zero leaves the flags alone: RCL r/m8 by 9
     * rotates back to the same value but still writes CF and OF.  OF is
     * that of the first 1-bit step, from the original operand, for every
     * count: what Intel hardware does (measured on a Xeon host).
     */
    if (n == 0)
        return 0;
    uint32_t cf = (uint32_t)(x >> bits) & 1, of;
    uint32_t sign = sign_of(size);
    if (op == HOP_RCL)
        of = ((v & sign) != 0) ^ ((v & (sign >> 1)) != 0);
    else
        of = cpu_get_cf(cpu) ^ ((v & sign) != 0);
    cpu_set_eflags(cpu, (cf ? F_CF : 0) | (of ? F_OF : 0), F_CF | F_OF);
    return 0;
}

/* ---- SHLD / SHRD --------------------------------------------------------- */

/*
 * Counts above 16 on 16-bit operands are undefined in the manual.  Intel
 * hardware (measured on a Xeon host, result and CF for every count) acts
 * as if shifting the 48-bit concatenation dest:src:dest, so once the
 * source's bits are used up the destination's own bits come back in; CF
 * is the last bit shifted out of that 48-bit value.  For counts up to 16
 * this is the documented 32-bit dest:src shift, so one formula serves
 * every count.  OF, for every count, is that of the first 1-bit step, as
 * the same host gives it.
 */
static uint32_t double_shift(struct cpu *cpu, int left, uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t n = c & 31;
    int size = (c >> 8) & 0xff, mode = (c >> 16) & 0xff;
    uint32_t m = mask_of(size), r, cf;
    a &= m;
    b &= m;
    if (n == 0)
        return mode == 0 ? a : 0;
    if (size == 2) {
        uint64_t x = (uint64_t)a << 32 | (uint64_t)b << 16 | a;
        if (left) {
            r = (uint32_t)(x >> (32 - n)) & 0xffff;
            cf = (uint32_t)(x >> (48 - n)) & 1;
        } else {
            r = (uint32_t)(x >> n) & 0xffff;
            cf = (uint32_t)(x >> (n - 1)) & 1;
        }
    } else if (left) {
        r = (a << n) | (b >> (32 - n));
        cf = (a >> (32 - n)) & 1;
    } else {
        r = (a >> n) | (b << (32 - n));
        cf = (a >> (n - 1)) & 1;
    }
    if (mode == 0)
        return r;
    /* OF of the first 1-bit step (defined for a count of 1; Intel's for all). */
    uint32_t sign = sign_of(size), of;
    if (left)
        of = ((a & sign) != 0) ^ ((a & (sign >> 1)) != 0);
    else
        of = (b & 1) ^ ((a & sign) != 0);
    cpu_set_eflags(cpu, szp(r, size) | (cf ? F_CF : 0) | (of ? F_OF : 0), F_ARITH);
    return 0;
}

uint32_t helper_shld(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    return double_shift(cpu, 1, a, b, c);
}

uint32_t helper_shrd(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    return double_shift(cpu, 0, a, b, c);
}

/* ---- BSF / BSR ----------------------------------------------------------- */

/* A zero source leaves the destination as it was (what Intel and AMD do). */
/*
 * Only ZF is defined.  The others, as Intel hardware sets them (measured
 * on a Xeon host): all clear but PF, which is the parity of the bit index
 * found (set, as for an index of 0, when the source is zero).
 */
static uint32_t bit_scan(struct cpu *cpu, uint32_t v, uint32_t old, int reverse)
{
    uint32_t idx = v ? (reverse ? 31 - (uint32_t)__builtin_clz(v) : (uint32_t)__builtin_ctz(v)) : 0;
    cpu_set_eflags(cpu, (v ? 0 : F_ZF) | parity_flag(idx), F_ARITH);
    return v ? idx : old;
}

uint32_t helper_bsf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    return bit_scan(cpu, a & mask_of((int)c), b, 0);
}

uint32_t helper_bsr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    return bit_scan(cpu, a & mask_of((int)c), b, 1);
}

/* ---- DAA DAS AAA AAS AAM AAD --------------------------------------------- */

/*
 * Straight from the SDM's pseudo-code, including AAA's "AX += 106h" (the
 * P6 form, where a carry out of AL reaches AH) and AAS's "AX -= 6; AH -= 1"
 * (a borrow out of AL takes one more from AH).  Undefined flags follow
 * cpu/flags.c's table; on an Intel host that table matches DAA DAS AAA
 * AAS AAM exactly, for every AX, CF and AF.
 */
uint32_t helper_bcd(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    uint32_t fl = cpu_get_eflags(cpu);
    uint32_t ax = cpu->r[R_EAX] & 0xffff;
    uint32_t al = ax & 0xff, ah = ax >> 8;
    uint32_t old_al = al, old_cf = fl & F_CF, af = fl & F_AF, cf = 0;
    uint32_t base = b & 0xff, f;

    switch (a) {
    case HOP_DAA:
        if ((al & 0x0f) > 9 || af) {
            cf = old_cf || al + 6 > 0xff;
            al = (al + 6) & 0xff;
            af = 1;
        } else {
            af = 0;
        }
        if (old_al > 0x99 || old_cf) {
            al = (al + 0x60) & 0xff;
            cf = 1;
        } else {
            cf = 0;
        }
        ax = ah << 8 | al;
        f = szp(al, 1);
        break;
    case HOP_DAS:
        if ((al & 0x0f) > 9 || af) {
            cf = old_cf || al < 6;
            al = (al - 6) & 0xff;
            af = 1;
        } else {
            af = 0;
        }
        /* No "else CF = 0" here, unlike DAA: the borrow of the low step stays. */
        if (old_al > 0x99 || old_cf) {
            al = (al - 0x60) & 0xff;
            cf = 1;
        }
        ax = ah << 8 | al;
        f = szp(al, 1);
        break;
    case HOP_AAA:
        if ((al & 0x0f) > 9 || af) {
            ax = (ax + 0x106) & 0xffff;
            af = cf = 1;
        } else {
            af = cf = 0;
        }
        ax &= 0xff0f;
        f = szp(ax, 1);
        break;
    case HOP_AAS:
        if ((al & 0x0f) > 9 || af) {
            ax = (ax - 6) & 0xffff;
            ax = (ax - 0x100) & 0xffff;
            af = cf = 1;
        } else {
            af = cf = 0;
        }
        ax &= 0xff0f;
        f = szp(ax, 1);
        break;
    case HOP_AAM:
        if (base == 0)
            cpu_raise(cpu, EXC_DE, 0, 0);
        ax = (al / base) << 8 | (al % base);
        af = cf = 0;
        f = szp(ax, 1);
        break;
    case HOP_AAD:
    {
        /* Undefined CF AF OF: as Intel hardware, those of the 8-bit add AH*base + AL. */
        uint32_t t = (ah * base) & 0xff;
        ax = (al + t) & 0xff;
        cf = al + t > 0xff;
        af = ((al ^ t ^ ax) & 0x10) != 0;
        f = szp(ax, 1) | ((((al ^ ax) & (t ^ ax)) & 0x80) ? F_OF : 0);
        break;
    }
    default:
        return 0;
    }
    set_reg(cpu, R_EAX, ax, 2);
    /* OF is 0 for all six (undefined everywhere, see cpu/flags.c). */
    cpu_set_eflags(cpu, f | (cf ? F_CF : 0) | (af ? F_AF : 0), F_ARITH);
    return 0;
}

/* ---- CMPXCHG8B ----------------------------------------------------------- */

uint32_t helper_cmpxchg8b(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    /* A locked read-modify-write: a fault is reported as a write, before anything changes. */
    mem_probe_write(cpu, a, 4);
    mem_probe_write(cpu, a + 4, 4);
    uint32_t lo = mem_read(cpu, a, 4), hi = mem_read(cpu, a + 4, 4);
    if (lo == cpu->r[R_EAX] && hi == cpu->r[R_EDX]) {
        mem_write(cpu, a, cpu->r[R_EBX], 4);
        mem_write(cpu, a + 4, cpu->r[R_ECX], 4);
        cpu_set_eflags(cpu, F_ZF, F_ZF);
    } else {
        /* The P6 always writes (the bus cycle is locked): the old value goes back. */
        mem_write(cpu, a, lo, 4);
        mem_write(cpu, a + 4, hi, 4);
        cpu->r[R_EAX] = lo;
        cpu->r[R_EDX] = hi;
        cpu_set_eflags(cpu, 0, F_ZF);
    }
    return 0;
}

/* ---- ENTER PUSHA POPA ---------------------------------------------------- */

/*
 * The stack pointer is SP or ESP depending on SS.B (HF_SS32), not on the
 * operand size; with a 16-bit stack, ESP's upper half is kept and SP
 * wraps within the 64 KiB segment.  These helpers work on a copy of ESP
 * and commit it only after the last memory access.
 */
static inline uint32_t sp_add(const struct cpu *cpu, uint32_t sp, uint32_t delta)
{
    if (cpu->hflags & HF_SS32)
        return sp + delta;
    return (sp & 0xffff0000u) | ((sp + delta) & 0xffff);
}

static inline uint32_t stack_addr(const struct cpu *cpu, uint32_t sp)
{
    return cpu->seg[S_SS].base + ((cpu->hflags & HF_SS32) ? sp : sp & 0xffff);
}

static void push(struct cpu *cpu, uint32_t *sp, uint32_t v, int size)
{
    *sp = sp_add(cpu, *sp, 0 - (uint32_t)size);
    mem_write(cpu, stack_addr(cpu, *sp), v, size);
}

/*
 * The SDM's pseudo-code walks the old frames by decrementing EBP itself,
 * then overwrites EBP with FrameTemp; a temporary does the walk here, so
 * with a 16-bit operand size EBP's upper half is untouched.  The frame
 * pointer is written at the operand size (BP or EBP) and the stack
 * pointer at the stack size (SP or ESP).
 */
uint32_t helper_enter(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    uint32_t alloc = a & 0xffff, level = b & 31;
    int size = (int)c;
    uint32_t sp = cpu->r[R_ESP], bp = cpu->r[R_EBP];

    push(cpu, &sp, bp, size);
    uint32_t frame = sp;
    if (level > 0) {
        for (uint32_t i = 1; i < level; i++) {
            bp = sp_add(cpu, bp, 0 - (uint32_t)size);
            push(cpu, &sp, mem_read(cpu, stack_addr(cpu, bp), size), size);
        }
        push(cpu, &sp, frame, size);
    }
    set_reg(cpu, R_EBP, frame, size);
    cpu->r[R_ESP] = sp_add(cpu, sp, 0 - alloc);
    return 0;
}

uint32_t helper_pusha(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    int size = (int)a;
    const uint32_t *r = cpu->r;
    /* R_EAX..R_EDI is the push order, and r[R_ESP] is still the original ESP. */
    uint32_t addr[8], sp = r[R_ESP];
    for (int i = 0; i < 8; i++) {
        sp = sp_add(cpu, sp, 0 - (uint32_t)size);
        addr[i] = stack_addr(cpu, sp);
        mem_probe_write(cpu, addr[i], (uint32_t)size);
    }
    for (int i = 0; i < 8; i++)
        mem_write(cpu, addr[i], r[i], size);
    cpu->r[R_ESP] = sp;
    return 0;
}

uint32_t helper_popa(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    int size = (int)a;
    uint32_t v[8], sp = cpu->r[R_ESP];
    for (int i = 7; i >= 0; i--) {
        v[i] = mem_read(cpu, stack_addr(cpu, sp), size);
        sp = sp_add(cpu, sp, (uint32_t)size);
    }
    for (int i = 0; i < 8; i++)
        if (i != R_ESP) /* the saved ESP is skipped */
            set_reg(cpu, i, v[i], size);
    cpu->r[R_ESP] = sp;
    return 0;
}

/* ---- BOUND, exceptions, the unimplemented -------------------------------- */

uint32_t helper_bound(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    int size = (int)c;
    int64_t idx = sext(a, size);
    int64_t lower = sext(mem_read(cpu, b, size), size);
    int64_t upper = sext(mem_read(cpu, b + (uint32_t)size, size), size);
    if (idx < lower || idx > upper)
        cpu_raise(cpu, EXC_BR, 0, 0);
    return 0;
}

uint32_t helper_raise(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    cpu_raise(cpu, (int)a, 0, 0);
}

/* A hint, architecturally a NOP; the CPU spins waiting for something
 * another CPU will do, which the run loop may let happen first. */
uint32_t helper_pause(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    if (cpu->spin_wait)
        cpu->spin_wait(cpu);
    return 0;
}

/* A data access through a segment that is not flat (HF_SEGCHK). */
uint32_t helper_segchk(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    seg_check(cpu, (int)(b & 0xf), a, (int)(b >> 4 & 0xf), (int)(b >> 8 & 1));
    return 0;
}

/*
 * The translator met an instruction it has no IR for.  Stopping loudly
 * beats guessing: the message names the bytes and Capstone's reading of
 * them so that the gap is easy to fill.  Bytes are read only up to the end
 * of the instruction's page unless they are needed to decode it (the
 * translator fetched them, so they are mapped), so that printing the
 * message cannot itself fault on a following, unmapped page.
 */
uint32_t helper_unimplemented(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    int code32 = (cpu->hflags & HF_CODE32) != 0;
    uint32_t eip = cpu->insn_eip, base = cpu->seg[S_CS].base;
    uint8_t bytes[15];
    char text[128];
    size_t n = 0;

    fflush(stdout);
    while (n < sizeof(bytes)) {
        uint32_t off = eip + (uint32_t)n;
        uint32_t lin = base + (code32 ? off : off & 0xffff);
        if (n > 0 && (lin & 0xfff) == 0)
            break;
        bytes[n++] = (uint8_t)mem_read(cpu, lin, 1);
    }
    int len = cpu->disasm(bytes, n, eip, code32, text, sizeof(text));
    while (len == 0 && n < sizeof(bytes)) {
        uint32_t off = eip + (uint32_t)n;
        bytes[n++] = (uint8_t)mem_read(cpu, base + (code32 ? off : off & 0xffff), 1);
        len = cpu->disasm(bytes, n, eip, code32, text, sizeof(text));
    }
    if (len > 0)
        n = (size_t)len;

    fprintf(stderr, "bt86: unimplemented instruction at EIP 0x%08x (linear 0x%08x): bytes", eip,
            base + eip);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " %02x", bytes[i]);
    fprintf(stderr, " : %s\n", text);
    exit(EXIT_FATAL);
}
