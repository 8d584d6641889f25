/*
 * native32.c - the host-CPU side of the differential tests.
 *
 * A 32-bit Linux program (gcc -m32) that reads struct diff_req records on
 * stdin and answers each with a struct diff_res on stdout, flushing when a
 * request says so.  For each request it fills the data and stack pages
 * (mapped at the same addresses as in bt86's guest RAM), builds a thunk in
 * an executable page: save the host registers, load EFLAGS and the eight
 * GPRs from the request, the instruction, store the eight GPRs and EFLAGS,
 * restore the host registers and the C ABI's flags.  ESP is just another register: the
 * instruction runs on the test's stack page, and a fault is caught on an
 * alternate signal stack, so neither the kernel nor libc ever touches the
 * pages being compared.  FS is an LDT data segment based at DIFF_FS_BASE.
 * Control-flow and sweep requests (mode 1, 2) run from a code page mapped
 * at DIFF_CODE, as bt86 does: the thunk jumps there, and the #BP of the
 * INT3 where EIP lands (see DIFF_FLOW_OFF) ends the run.
 * "native32 --probe" prints "ok ldt" ("ok noldt" when modify_ldt is not
 * allowed): the harness learns that this host runs 32-bit code.
 */
#define _GNU_SOURCE
#include "tests/diff/diff.h"

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/ldt.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#if !defined(__i386__)
#error "native32.c must be built for i386 (gcc -m32)"
#endif

#define THUNK_ADDR 0x00400000u

static uint8_t *watch = (uint8_t *)DIFF_WATCH;
static uint8_t *thunk = (uint8_t *)THUNK_ADDR;
static uint8_t *code_page = (uint8_t *)DIFF_CODE;
static uint8_t before[DIFF_WATCH_SIZE];
static uint32_t in_regs[9], out_regs[9]; /* GPRs then EFLAGS */
static uint32_t host_esp;
static uint32_t scratch[64];
static uint32_t insn_addr, insn_len;
static sigjmp_buf env;
static struct diff_res res;
static uint8_t cur_code[DIFF_MAXCODE];
static uint32_t cur_len = ~0u, cur_mode;
static uint16_t fs_sel; /* LDT data segment based at DIFF_FS_BASE, 0 if none */

/* FS: a flat data segment based at DIFF_FS_BASE, through the LDT. */
static int setup_fs(void)
{
    struct user_desc d;
    memset(&d, 0, sizeof(d));
    d.entry_number = 0;
    d.base_addr = DIFF_FS_BASE;
    d.limit = 0xfffff;
    d.seg_32bit = 1;
    d.limit_in_pages = 1;
    d.useable = 1;
    if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)) != 0)
        return -1;
    fs_sel = 0x7; /* LDT entry 0, RPL 3 */
    return 0;
}

static void *map_fixed(uint32_t addr, uint32_t len, int prot)
{
    void *p = mmap((void *)addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *)addr) {
        fprintf(stderr, "native32: cannot map 0x%08x at its fixed address\n", addr);
        exit(77);
    }
    return p;
}

static uint8_t *put(uint8_t *p, const void *bytes, int n)
{
    memcpy(p, bytes, n);
    return p + n;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
    return p + 4;
}

/* modrm reg field per GPR for "mov r32, [disp32]" / "mov [disp32], r32" */
static uint8_t *mov_abs(uint8_t *p, int load, int reg, uint32_t addr)
{
    *p++ = load ? 0x8b : 0x89;
    *p++ = 0x05 | (reg << 3);
    return put32(p, addr);
}

static void build_thunk(const uint8_t *code, uint32_t len, uint32_t mode)
{
    uint8_t *p = thunk;
    *p++ = 0x60;                                        /* pusha */
    *p++ = 0x89; *p++ = 0x25; p = put32(p, (uint32_t)&host_esp); /* mov [host_esp], esp */
    *p++ = 0xbc; p = put32(p, (uint32_t)&scratch[64]);  /* mov esp, scratch top */
    *p++ = 0x8e; *p++ = 0x25; p = put32(p, (uint32_t)&fs_sel); /* mov fs, [fs_sel] */
    *p++ = 0xff; *p++ = 0x35; p = put32(p, (uint32_t)&in_regs[8]); /* push dword [eflags] */
    *p++ = 0x9d;                                        /* popfd */
    for (int r = 0; r < 8; r++)
        if (r != 4)
            p = mov_abs(p, 1, r, (uint32_t)&in_regs[r]);
    p = mov_abs(p, 1, 4, (uint32_t)&in_regs[4]);        /* ESP last */
    if (mode) {
        /* jmp DIFF_CODE+DIFF_FLOW_OFF: the run ends in on_fault */
        insn_addr = DIFF_CODE + DIFF_FLOW_OFF;
        *p++ = 0xe9;
        p = put32(p, insn_addr - (uint32_t)(p + 4));
        insn_len = len;
        __builtin___clear_cache((char *)thunk, (char *)p);
        return;
    }
    insn_addr = (uint32_t)p;
    p = put(p, code, len);
    for (int r = 0; r < 8; r++)
        p = mov_abs(p, 0, r, (uint32_t)&out_regs[r]);
    *p++ = 0xbc; p = put32(p, (uint32_t)&scratch[64]);  /* mov esp, scratch top */
    *p++ = 0x9c;                                        /* pushfd */
    *p++ = 0x8f; *p++ = 0x05; p = put32(p, (uint32_t)&out_regs[8]); /* pop dword [eflags] */
    /* The C ABI wants DF clear; AC would make C code fault on a misaligned access. */
    *p++ = 0x68; p = put32(p, 0x202);                   /* push 0x202 */
    *p++ = 0x9d;                                        /* popfd */
    p = mov_abs(p, 1, 4, (uint32_t)&host_esp);          /* mov esp, [host_esp] */
    *p++ = 0x61;                                        /* popa */
    *p++ = 0xc3;                                        /* ret */
    insn_len = len;
    __builtin___clear_cache((char *)thunk, (char *)p);
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    /* The kernel may hand the handler the instruction's AC: C code must not see it. */
    __asm__ volatile("pushfl; andl $~0x40000, (%%esp); popfl" ::: "memory", "cc");
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    if ((uint32_t)g[REG_EIP] - THUNK_ADDR >= 0x1000 && !cur_mode) {
        /* Not the instruction under test: a bug here, die of it. */
        signal(sig, SIG_DFL);
        return;
    }
    static const int map[8] = { REG_EAX, REG_ECX, REG_EDX, REG_EBX, REG_UESP, REG_EBP, REG_ESI, REG_EDI };
    for (int r = 0; r < 8; r++)
        res.r[r] = g[map[r]];
    res.eflags = g[REG_EFL];
    res.vector = g[REG_TRAPNO];
    res.eip_off = g[REG_EIP] - insn_addr;
    if (cur_mode && res.vector == 14 && (uint32_t)g[REG_EIP] < DIFF_LOW_LAND &&
        (uint32_t)si->si_addr == (uint32_t)g[REG_EIP]) {
        /* a fetch below 64 KiB, where bt86 has INT3: the landing it stands for */
        res.vector = 3;
        res.eip_off++;
        res.eflags &= ~0x10000u; /* RF: a #BP is a trap, the fault's RF does not stand for it */
    }
    siglongjmp(env, 1);
}

static void run(const struct diff_req *q)
{
    if (q->mode != cur_mode || q->code_len != cur_len || memcmp(q->code, cur_code, q->code_len)) {
        build_thunk(q->code, q->code_len, q->mode);
        memcpy(cur_code, q->code, q->code_len);
        cur_len = q->code_len;
        cur_mode = q->mode;
    }
    if (q->mode) {
        diff_code_page(code_page, q);
        __builtin___clear_cache((char *)code_page, (char *)code_page + 0x1000);
    }
    diff_fill(watch, q);
    memcpy(before, watch, DIFF_WATCH_SIZE);
    memcpy(in_regs, q->r, 32);
    in_regs[8] = q->eflags; /* IF set, IOPL 0, TF clear: what ring 3 runs with */
    memset(&res, 0, sizeof(res));
    if (sigsetjmp(env, 1) == 0) {
        ((void (*)(void))thunk)();
        memcpy(res.r, out_regs, 32);
        res.eflags = out_regs[8];
        res.vector = -1;
        res.eip_off = insn_len;
    }
    diff_changes(before, watch, &res);
}

int main(int argc, char **argv)
{
    int ldt = setup_fs() == 0;
    if (argc > 1 && !strcmp(argv[1], "--probe")) {
        printf("ok %s\n", ldt ? "ldt" : "noldt");
        return 0;
    }
    map_fixed(DIFF_WATCH, DIFF_WATCH_SIZE, PROT_READ | PROT_WRITE);
    map_fixed(THUNK_ADDR, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);
    map_fixed(DIFF_CODE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);

    static uint8_t altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    int sigs[] = { SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP };
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);

    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
    struct diff_req q;
    while (fread(&q, sizeof(q), 1, stdin) == 1) {
        if (q.code_len > DIFF_MAXCODE)
            return 2;
        run(&q);
        fwrite(&res, sizeof(res), 1, stdout);
        if (q.flush)
            fflush(stdout);
    }
    fflush(stdout);
    return 0;
}
