/*
 * diff_bt86.c - differential tests: each instruction form of forms.c, on
 * thousands of random states, on the host CPU and through bt86.
 *
 * For each form: generate the states (diff_gen.c), have native32 run them
 * on the host CPU, then fork a child of the set-up machine that runs each
 * state through bt86's translator and compares the eight GPRs, every
 * EFLAGS bit (but the arithmetic flags the manual leaves undefined: those
 * are only counted when they differ), the exception raised if any, the
 * bytes written to the data and stack pages and the guard pages around
 * them, and where EIP ends.  A child per form means a crash or a "not
 * implemented yet" stop of bt86 costs that form only.  The popf forms
 * also run at CPL 0 in bt86 (see cpl0_check).  Control-flow forms run from a code page of
 * INT3 at the same address on both sides: where EIP lands is compared.
 * Two checks that are not forms follow: CPUID and RDTSC, bt86 only (they
 * differ from the host by design), and a #UD sweep of every opcode (see
 * ud_sweep); "-f cpuid" or "-f ud-sweep" runs just one of them.
 *
 * The guest: flat 32-bit protected mode, no paging, and the forms at CPL 3
 * with IOPL 0 as on the host, with Linux's selectors and CR0.AM.  Every
 * exception goes through an interrupt gate to a ring-0 stub that reports
 * its vector on port 0xC0+vector; "int 0x20" after the instruction (a gate
 * that ring 3 may use) reports the normal end.  Both stop the run loop,
 * and the frame on the ring-0 stack gives EIP, EFLAGS and ESP.  The bytes
 * of guest RAM outside the watched region, the code page and the ring-0
 * stack are checked once per form: no case may have written there.
 *
 *   diff_bt86 [-n CASES] [-s SEED] [-f SUBSTRING] [-q] [--native PATH] [--list] [--selftest]
 *
 * --selftest corrupts every bt86 result (a register, the exception, a
 * flag outside the arithmetic ones, a byte in the guard page) and passes
 * only if every case of every form is caught.
 *
 * Exit status: 0 all forms pass, 1 some fail, 77 the host cannot run the
 * native side (not x86, or no 32-bit support).
 */
#include "tests/diff/diff.h"
#include "tests/test_backend.h"
#include "cpu/flags.h"
#include "machine/machine.h"
#include "monitor/monitor.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "softmmu/smc.h"
#include "translator/backend.h"
#include "translator/decode.h"
#include "translator/tbcache.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define RAM_SIZE (4u << 20)
#define GDT_ADDR 0x1000u
#define LDT_ADDR 0x1080u
#define IDT_ADDR 0x1100u
#define TSS_ADDR 0x1400u
#define STUB_ADDR 0x2000u
#define R0_STACK 0x3000u /* the ring-0 stack page, where exception frames go */
#define R0_TOP 0x4000u
#define SEL_CODE0 0x08u
#define SEL_DATA0 0x10u
#define SEL_TSS 0x18u
#define SEL_LDT 0x30u
#define SEL_FS 0x07u    /* LDT entry 0, RPL 3, as native32's */
#define VEC_DONE 0x20u  /* "int 0x20" after the instruction: the normal end */
#define PORT_VECTOR 0xc0
#define PORT_DONE 0xe0
#define BATCH 64

/*
 * Known bt86 bugs: forms listed here still fail (and fail "make check"),
 * but their report says which bug it is.  Remove a line once it passes.
 */
static const struct {
    const char *form;
    const char *bug;
} known[] = {
    { NULL, NULL },
};

/*
 * Forms whose result depends on a flag the SDM leaves undefined, where
 * Intel's CPUs and others disagree: IMUL's SF and ZF follow the truncated
 * result on Intel's (and bt86, which is an Intel CPU, does the same); AMD's
 * keep what the flags were.  They are compared on an Intel host only.
 */
static const struct {
    const char *form;
    const char *why;
} intel_only[] = {
    { "imul eax, ebx / sets dl", "SF after IMUL" },
    { "imul eax, ebx / sete dl", "ZF after IMUL" },
};

static const char *intel_only_why(const char *form)
{
    for (unsigned i = 0; i < sizeof(intel_only) / sizeof(intel_only[0]); i++)
        if (!strcmp(intel_only[i].form, form))
            return intel_only[i].why;
    return NULL;
}

static bool host_is_intel(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    __asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    return b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e; /* GenuineIntel */
#else
    return false;
#endif
}

static struct machine m;
static int done_vector;
static uint8_t before[DIFF_WATCH_SIZE];
static struct segment user_seg[S_COUNT]; /* the ring-3 state every case starts from */
static uint32_t user_hflags;
static struct segment kernel_seg[S_COUNT]; /* and the ring-0 state of the CPL 0 check */
static uint32_t kernel_hflags;
static uint8_t *pristine; /* guest RAM as set up, before any child ran a case */

struct summary {
    volatile int progress;  /* case being run, for a crash report */
    int failures;           /* cases that differ */
    int undef_diff;         /* cases where only-undefined flags differ */
    uint32_t undef_bits;    /* which undefined flags differed */
};
static struct summary *shared;
static int selftest; /* corrupt bt86's results: every case must be caught */

static const char *const reg_names[8] = { "EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI" };

/* ---------------------------------------------------------------- the guest */

static void port_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    done_vector = opaque ? -1 : (int)off;
    machine_shutdown(&m, 0);
}

static void put_desc(uint32_t addr, uint32_t lo, uint32_t hi)
{
    memcpy(m.ram + addr, &lo, 4);
    memcpy(m.ram + addr + 4, &hi, 4);
}

static void setup_machine(void)
{
    m.opt.ram_mb = RAM_SIZE >> 20;
    m.opt.no_reboot = 1;
    m.ram_size = RAM_SIZE;
    m.ram = calloc(1, RAM_SIZE);
    if (!m.ram) {
        fprintf(stderr, "diff_bt86: out of memory\n");
        exit(2);
    }
    if (!m.opt.backend) /* -backend wins */
        m.opt.backend = test_backend_from_env();
    machine_init_core(&m);
    ioport_register(&m.io, PORT_VECTOR, 32, NULL, port_write, NULL, "diff-vector");
    ioport_register(&m.io, PORT_DONE, 1, NULL, port_write, &m, "diff-done");
    if (decode_init() < 0) {
        fprintf(stderr, "diff_bt86: cannot initialize the decoder\n");
        exit(2);
    }
    m.cpu.machine = &m;
    memset(m.ram, 0xcc, DIFF_LOW_LAND); /* where 0x66-truncated branches land */

    /* Linux's layout where ring 3 can see it: user code 0x23, user data 0x2b. */
    put_desc(GDT_ADDR + SEL_CODE0, 0x0000ffff, 0x00cf9b00);
    put_desc(GDT_ADDR + SEL_DATA0, 0x0000ffff, 0x00cf9300);
    put_desc(GDT_ADDR + SEL_TSS, TSS_ADDR << 16 | 0x67, 0x00008b00); /* busy 32-bit TSS */
    put_desc(GDT_ADDR + (DIFF_USER_CS & ~3u), 0x0000ffff, 0x00cffb00);
    put_desc(GDT_ADDR + (DIFF_USER_DS & ~3u), 0x0000ffff, 0x00cff300);
    put_desc(GDT_ADDR + SEL_LDT, LDT_ADDR << 16 | 7, 0x00008200);
    put_desc(LDT_ADDR, 0x0000ffff | (DIFF_FS_BASE & 0xffff) << 16,
             0x00cff300 | (DIFF_FS_BASE & 0xff000000u) | ((DIFF_FS_BASE >> 16) & 0xff));
    /* The TSS: ring-0 stack; an I/O map base past the limit: no port for ring 3. */
    uint32_t esp0 = R0_TOP, ss0 = SEL_DATA0, iomap = 0x68u << 16;
    memcpy(m.ram + TSS_ADDR + 4, &esp0, 4);
    memcpy(m.ram + TSS_ADDR + 8, &ss0, 4);
    memcpy(m.ram + TSS_ADDR + 0x64, &iomap, 4);
    for (uint32_t v = 0; v <= VEC_DONE; v++) {
        uint32_t stub = STUB_ADDR + v * 8;
        /* Interrupt gates; INT3, INTO and the end marker may be raised from ring 3, as on Linux. */
        uint32_t dpl3 = v == EXC_BP || v == EXC_OF || v == VEC_DONE;
        put_desc(IDT_ADDR + v * 8, SEL_CODE0 << 16 | (stub & 0xffff),
                 (stub & 0xffff0000u) | (dpl3 ? 0xee00 : 0x8e00));
        uint8_t *st = m.ram + stub;
        st[0] = 0xe6; st[1] = v == VEC_DONE ? PORT_DONE : PORT_VECTOR + v; /* out port, al */
        st[2] = 0xf4;                                                       /* hlt (never reached) */
        st[3] = 0xeb; st[4] = 0xfd;
    }
}

static void setup_cpu(void)
{
    struct cpu *cpu = &m.cpu;
    cpu_reset(cpu);
    cpu->cr[0] |= CR0_PE | CR0_AM;
    cpu->gdt = (struct dtable){ GDT_ADDR, 0x37 };
    cpu->idt = (struct dtable){ IDT_ADDR, (VEC_DONE + 1) * 8 - 1 };
    uint32_t lo, hi;
    static const struct { int seg; uint16_t sel; } segs[] = {
        { S_LDTR, SEL_LDT }, { S_TR, SEL_TSS }, { S_CS, DIFF_USER_CS }, { S_SS, DIFF_USER_DS },
        { S_DS, DIFF_USER_DS }, { S_ES, DIFF_USER_DS }, { S_GS, DIFF_USER_DS }, { S_FS, SEL_FS },
    };
    for (unsigned i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
        uint16_t sel = segs[i].sel;
        /* S_LDTR is loaded first, so that the LDT selector of FS reads from it. */
        if (segs[i].seg == S_LDTR || segs[i].seg == S_TR) {
            memcpy(&lo, m.ram + GDT_ADDR + sel, 4);
            memcpy(&hi, m.ram + GDT_ADDR + sel + 4, 4);
        } else if (desc_read(cpu, sel, &lo, &hi) < 0) {
            fprintf(stderr, "diff_bt86: cannot read descriptor %#x\n", sel);
            exit(2);
        }
        seg_set_cache(&cpu->seg[segs[i].seg], sel, lo, hi);
    }
    cpu->hflags = (cpu->hflags & ~HF_CPL_MASK) | 3u << HF_CPL_SHIFT;
    cpu_update_hflags(cpu);
    memcpy(user_seg, cpu->seg, sizeof(user_seg));
    user_hflags = cpu->hflags;
    /* The CPL 0 variant (see cpl0_check): ring-0 code and stack, the same data segments. */
    memcpy(kernel_seg, user_seg, sizeof(kernel_seg));
    desc_read(cpu, SEL_CODE0, &lo, &hi);
    seg_set_cache(&kernel_seg[S_CS], SEL_CODE0, lo, hi);
    desc_read(cpu, SEL_DATA0, &lo, &hi);
    seg_set_cache(&kernel_seg[S_SS], SEL_DATA0, lo, hi);
    kernel_hflags = user_hflags & ~HF_CPL_MASK;
}

/* The code page of a flow or sweep request, rewritten only when it changed. */
static void load_code_page(const struct diff_req *q)
{
    uint8_t page[0x1000];
    diff_code_page(page, q);
    if (memcmp(page, m.ram + DIFF_CODE, sizeof(page))) {
        tb_invalidate_phys(m.tbs, DIFF_CODE, sizeof(page));
        memcpy(m.ram + DIFF_CODE, page, sizeof(page));
    }
}

static void load_code(const struct diff_form *f)
{
    uint8_t code[DIFF_MAXCODE + 4];
    memcpy(code, f->code, f->len);
    code[f->len] = 0xcd; code[f->len + 1] = VEC_DONE; /* int VEC_DONE */
    code[f->len + 2] = 0xf4;                           /* hlt (never reached) */
    tb_invalidate_phys(m.tbs, DIFF_CODE, sizeof(code));
    memcpy(m.ram + DIFF_CODE, code, f->len + 3);
}

static int has_error_code(int v)
{
    return v == EXC_DF || (v >= EXC_TS && v <= EXC_PF) || v == EXC_AC;
}

/* Run q through bt86, at CPL 3 as on the host, or at CPL 0 (cpl0: see cpl0_check). */
static void run_bt86_at(const struct diff_req *q, struct diff_res *res, int cpl0)
{
    struct cpu *cpu = &m.cpu;
    uint8_t *watch = m.ram + DIFF_WATCH;
    diff_fill(watch, q);
    memcpy(before, watch, DIFF_WATCH_SIZE);
    memcpy(cpu->r, q->r, 32);
    /* A form may have left other segments or CPL behind: every case starts at ring 3 alike. */
    memcpy(cpu->seg, cpl0 ? kernel_seg : user_seg, sizeof(user_seg));
    cpu->hflags = cpl0 ? kernel_hflags : user_hflags;
    cpu_set_eflags(cpu, q->eflags, 0x003f7fd7u); /* nothing interrupts, IF set or not */
    uint32_t base = DIFF_CODE + (q->mode ? DIFF_FLOW_OFF : 0);
    if (q->mode)
        load_code_page(q);
    cpu->eip = base;
    cpu->halted = 0;
    cpu->pending_vector = -1;
    cpu->exit_request = 0;
    m.stop = 0;
    done_vector = -2;
    cpu_exec(cpu);

    memset(res, 0, sizeof(*res));
    memcpy(res->r, cpu->r, 32);
    res->vector = done_vector == -1 ? -1 : done_vector;
    if (cpl0 && done_vector >= -1) {
        /* No stack switch: the frame (EIP, CS, EFLAGS) is on the form's stack; undo its push. */
        uint32_t esp = cpu->r[R_ESP], f[3] = { 0, 0, 0 };
        int err = done_vector >= 0 && has_error_code(done_vector);
        esp += err * 4;
        if (esp >= DIFF_WATCH && esp + 12 <= DIFF_WATCH + DIFF_WATCH_SIZE) {
            memcpy(f, m.ram + esp, 12);
            memcpy(watch + (esp - err * 4 - DIFF_WATCH), before + (esp - err * 4 - DIFF_WATCH), 12 + err * 4);
        }
        res->eip_off = f[0] - base - (done_vector == -1 ? 2 : 0);
        res->eflags = f[2];
        res->r[R_ESP] = esp + 12;
        if (f[1] != SEL_CODE0)
            res->vector = 98;
    } else if (done_vector >= -1) {
        /* The frame on the ring-0 stack: [error,] EIP, CS, EFLAGS, ESP, SS of ring 3. */
        uint32_t f[5];
        memcpy(f, m.ram + R0_TOP - sizeof(f), sizeof(f));
        res->eip_off = f[0] - base - (done_vector == -1 ? 2 : 0);
        res->eflags = f[2];
        res->r[R_ESP] = f[3];
        if (f[1] != DIFF_USER_CS || f[4] != DIFF_USER_DS ||
            cpu->r[R_ESP] != R0_TOP - 20 - (done_vector >= 0 && has_error_code(done_vector)) * 4)
            res->vector = 98; /* not from ring 3 as the form started */
    } else {
        res->vector = 99; /* the run loop stopped without either report */
    }
    diff_changes(before, watch, res);
}

static void run_bt86(const struct diff_req *q, struct diff_res *res)
{
    run_bt86_at(q, res, 0);
}

/* Guest RAM that no case may change: all but the watched region, the code page, the ring-0 stack. */
static int outside_watch(uint32_t a)
{
    return (a < DIFF_WATCH || a >= DIFF_WATCH + DIFF_WATCH_SIZE) && (a < DIFF_CODE || a >= DIFF_CODE + 0x1000) &&
           (a < R0_STACK || a >= R0_TOP);
}

/* The first byte of guest RAM outside the watch that differs from snap, or -1. */
static long stray_write(const uint8_t *snap)
{
    for (uint32_t a = 0; a < RAM_SIZE; a += 4096)
        if (memcmp(snap + a, m.ram + a, 4096))
            for (uint32_t i = a; i < a + 4096; i++)
                if (snap[i] != m.ram[i] && outside_watch(i))
                    return i;
    return -1;
}

/* ---------------------------------------------------------------- the host */

static pid_t native_pid;
static int native_ldt; /* native32 could set up FS */
static FILE *native_in, *native_out;

static int start_native(const char *path, char *why, int whylen)
{
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "'%s' --probe 2>&1", path);
    FILE *p = popen(cmd, "r");
    char line[256] = "";
    if (!p || !fgets(line, sizeof(line), p)) {
        snprintf(why, whylen, "cannot run %s", path);
        if (p)
            pclose(p);
        return -1;
    }
    int st = pclose(p);
    native_ldt = !strcmp(line, "ok ldt\n");
    if (strncmp(line, "ok", 2) || st != 0) {
        line[strcspn(line, "\n")] = 0;
        snprintf(why, whylen, "%s cannot run here: %s", path, line);
        return -1;
    }
    int to[2], from[2];
    if (pipe(to) < 0 || pipe(from) < 0)
        return snprintf(why, whylen, "pipe: %s", strerror(errno)), -1;
    native_pid = fork();
    if (native_pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[0]); close(to[1]); close(from[0]); close(from[1]);
        execl(path, path, (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    native_in = fdopen(to[1], "w");
    native_out = fdopen(from[0], "r");
    return 0;
}

static int run_native(struct diff_req *q, struct diff_res *res, int n)
{
    for (int i = 0; i < n; i += BATCH) {
        int k = n - i < BATCH ? n - i : BATCH;
        for (int j = 0; j < k; j++) {
            q[i + j].flush = j == k - 1;
            if (fwrite(&q[i + j], sizeof(*q), 1, native_in) != 1)
                return -1;
        }
        if (fflush(native_in) != 0)
            return -1;
        if (fread(&res[i], sizeof(*res), k, native_out) != (size_t)k)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- reports */

static void print_flags(uint32_t f)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        { F_CF, "CF" }, { 2, "1" }, { F_PF, "PF" }, { F_AF, "AF" }, { F_ZF, "ZF" },
        { F_SF, "SF" }, { F_TF, "TF" }, { F_IF, "IF" }, { F_DF, "DF" }, { F_OF, "OF" },
        { 0x1000, "IOPL0" }, { 0x2000, "IOPL1" }, { F_NT, "NT" }, { F_RF, "RF" }, { F_VM, "VM" },
        { F_AC, "AC" }, { F_VIF, "VIF" }, { F_VIP, "VIP" }, { F_ID, "ID" },
    };
    printf("%08x [", f);
    int any = 0;
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (f & names[i].bit)
            printf("%s%s", any++ ? " " : "", names[i].name);
    printf("]");
}

static void print_state(const char *label, const uint32_t *r, uint32_t fl)
{
    printf("    %-8s", label);
    for (int i = 0; i < 8; i++)
        printf(" %s=%08x", reg_names[i], r[i]);
    printf(" EFL=");
    print_flags(fl);
    printf("\n");
}

static void print_vector(const char *label, const struct diff_res *r)
{
    if (r->vector < 0)
        printf("%s: no exception, EIP advanced %u", label, r->eip_off);
    else
        printf("%s: exception %d at EIP offset %d", label, r->vector, (int)r->eip_off);
}

static void print_mem(const char *label, const struct diff_res *r)
{
    printf("    %s wrote %u bytes:", label, r->nchg);
    for (uint32_t i = 0; i < r->nchg && i < 24; i++)
        printf(" [%08x]=%02x", DIFF_WATCH + r->chg_off[i], r->chg_val[i]);
    printf(r->nchg > 24 ? " ...\n" : "\n");
}

static int same_mem(const struct diff_res *a, const struct diff_res *b)
{
    uint32_t n = a->nchg < DIFF_MAXCHG ? a->nchg : DIFF_MAXCHG;
    return a->nchg == b->nchg && !memcmp(a->chg_off, b->chg_off, n * 2) &&
           !memcmp(a->chg_val, b->chg_val, n);
}

/* 0 if they agree; otherwise print (when asked) and return 1. */
static int compare(const struct diff_form *f, const struct diff_plan *p, int idx,
                   const struct diff_req *q, const struct diff_res *want, const struct diff_res *got,
                   int print)
{
    /* Every bit but the arithmetic flags the manual leaves undefined. */
    uint32_t defined = diff_defined_flags(p, q) | ~F_ARITH;
    uint32_t fdiff = want->eflags ^ got->eflags;
    int bad = want->vector != got->vector || want->eip_off != got->eip_off ||
              memcmp(want->r, got->r, 32) || (fdiff & defined) || !same_mem(want, got);
    if (!bad) {
        if (fdiff) {
            shared->undef_diff++;
            shared->undef_bits |= fdiff;
        }
        return 0;
    }
    if (!print)
        return 1;
    printf("  first difference, case %d:\n", idx);
    printf("    bytes   ");
    for (int i = 0; i < f->len; i++)
        printf(" %02x", f->code[i]);
    printf("   (memory seed 0x%08x fill %u", q->mem_seed, q->fill_mode);
    for (int i = 0; i < DIFF_NOVERRIDE; i++)
        if (q->ov_off[i] != ~0u)
            printf(", [%08x]=%08x", DIFF_DATA + q->ov_off[i], q->ov_val[i]);
    printf(")\n");
    print_state("input", q->r, q->eflags | 2);
    print_state("host", want->r, want->eflags);
    print_state("bt86", got->r, got->eflags);
    printf("    ");
    print_vector("host", want);
    printf("; ");
    print_vector("bt86", got);
    printf("\n");
    for (int i = 0; i < 8; i++)
        if (want->r[i] != got->r[i])
            printf("    %s: host %08x, bt86 %08x\n", reg_names[i], want->r[i], got->r[i]);
    if (fdiff & defined) {
        printf("    defined flags differ: ");
        print_flags(fdiff & defined);
        printf(" (host ");
        print_flags(want->eflags & defined);
        printf(", bt86 ");
        print_flags(got->eflags & defined);
        printf(")\n");
    }
    if (!same_mem(want, got)) {
        print_mem("host", want);
        print_mem("bt86", got);
    }
    return 1;
}

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

static const char *known_bug(const char *form)
{
    for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (known[i].form && !strcmp(known[i].form, form))
            return known[i].bug;
    return NULL;
}

/*
 * POPF at CPL 0, which the host cannot run: bt86 runs each case of a form
 * with the popf constraint at CPL 0 as well, and the result must be the
 * host's at CPL 3 but for what the SDM's POPF table gives CPL 0 beyond
 * CPL 3 with IOPL 0: IF and IOPL loaded from the image (everything else
 * loads or stays alike; RF is cleared at both).  Returns the failures.
 */
static int cpl0_check(const struct diff_form *f, const struct diff_plan *p, const struct diff_req *q,
                      const struct diff_res *want, int n)
{
    int popf = 0;
    for (int i = 0; i < p->ncons; i++)
        popf |= p->cons[i].kind == CONS_POPF;
    if (!popf || selftest)
        return 0;
    int failures = 0, first = -1;
    struct diff_res want0, got;
    for (int i = 0; i <= n; i++) {
        int k = i < n ? i : first; /* then the first failure again, to print it */
        if (k < 0)
            break;
        uint32_t img = 0, mask = F_IF | F_IOPL;
        for (int j = 0; j < DIFF_NOVERRIDE; j++)
            if (q[k].ov_off[j] == q[k].r[R_ESP] - DIFF_DATA)
                img = q[k].ov_val[j];
        want0 = want[k];
        want0.eflags = (want[k].eflags & ~mask) | (img & mask);
        run_bt86_at(&q[k], &got, 1);
        if (i == n) {
            printf("FAIL %s at CPL 0: %d of %d cases differ from the host's CPL 3 result with IF "
                   "and IOPL loaded (SDM, POPF)\n", f->name, failures, n);
            compare(f, p, k, &q[k], &want0, &got, 1);
        } else if (compare(f, p, k, &q[k], &want0, &got, 0) && !failures++) {
            first = k;
        }
    }
    return failures;
}

/* In a child: run the form's cases through bt86; exit status 0 pass, 1 fail. */
static _Noreturn void bt86_child(const struct diff_form *f, const struct diff_plan *p,
                                 const struct diff_req *q, const struct diff_res *want, int n,
                                 int quiet)
{
    struct diff_res got;
    int first = -1;
    alarm(120);
    setup_cpu();
    load_code(f);

    for (int i = 0; i < n; i++) {
        shared->progress = i;
        run_bt86(&q[i], &got);
        if (selftest) {
            /* EFLAGS: a bit outside the arithmetic ones, which the manual always defines */
            static const uint32_t sysflags[] = { F_TF, F_IF, F_DF, F_IOPL, F_NT, F_RF, F_AC, F_ID, 2 };
            switch (i % 4) {
            case 0: got.r[(i / 4) % 8] ^= 1u << (i % 32); break;
            case 1: got.vector = got.vector >= 0 ? -1 : EXC_UD; break;
            case 2: got.eflags ^= sysflags[(i / 4) % (sizeof(sysflags) / sizeof(sysflags[0]))]; break;
            default: /* a byte written to a guard page */
                if (got.nchg < DIFF_MAXCHG) {
                    memmove(got.chg_off + 1, got.chg_off, got.nchg * 2);
                    memmove(got.chg_val + 1, got.chg_val, got.nchg);
                    got.chg_off[0] = (uint16_t)(i % DIFF_GUARD);
                    got.chg_val[0] = 0;
                }
                got.nchg++;
                break;
            }
        }
        if (compare(f, p, i, &q[i], &want[i], &got, 0)) {
            if (first < 0)
                first = i;
            shared->failures++;
        }
    }
    int cpl0_failures = cpl0_check(f, p, q, want, n);
    long stray = stray_write(pristine);
    if (stray >= 0 && !selftest) {
        printf("FAIL %s: guest RAM outside the watched pages changed, first at %08lx (%02x, was %02x)\n",
               f->name, stray, m.ram[stray], pristine[stray]);
        fflush(stdout);
        _exit(1);
    }
    const char *bug = known_bug(f->name);
    if (selftest) {
        if (shared->failures != n)
            printf("FAIL selftest %s: only %d of %d corrupted cases caught\n", f->name, shared->failures, n);
        fflush(stdout);
        _exit(shared->failures == n ? 0 : 1);
    }
    if (shared->failures) {
        printf("FAIL %s: %d of %d cases differ%s%s%s\n", f->name, shared->failures, n,
               bug ? " (known bug: " : "", bug ? bug : "", bug ? ")" : "");
        /* Run the first failing case again, to print it. */
        setup_cpu();
        run_bt86(&q[first], &got);
        compare(f, p, first, &q[first], &want[first], &got, 1);
    } else if (!quiet && !cpl0_failures) {
        printf("PASS %s (%d cases", f->name, n);
        if (shared->undef_diff)
            printf("; undefined flags differed in %d", shared->undef_diff);
        printf("%s)\n", cpl0_failures ? "" : p->ncons && p->cons[0].kind == CONS_POPF ? ", and at CPL 0" : "");
    }
    shared->failures += cpl0_failures;
    fflush(stdout);
    _exit(shared->failures ? 1 : 0);
}

/* ---------------------------------------------------------------- bt86 only: CPUID, RDTSC */

/*
 * CPUID and RDTSC are virtualization-sensitive: bt86 describes its own
 * i686 and keeps its own time, so they are not compared with the host;
 * only checked for consistency.  Returns the number of problems.
 */
static void run_code(const uint8_t *code, int len, uint32_t eax, struct diff_res *res)
{
    struct diff_form f = { "virt", (uint8_t)len, { 0 }, "", "" };
    struct diff_req q;
    memcpy(f.code, code, len);
    memset(&q, 0, sizeof(q));
    q.r[R_EAX] = eax;
    q.r[R_ESP] = DIFF_STACK + 0x800;
    q.code_len = len;
    memcpy(q.code, code, len);
    for (int i = 0; i < DIFF_NOVERRIDE; i++)
        q.ov_off[i] = ~0u;
    load_code(&f);
    run_bt86(&q, res);
}

static _Noreturn void virt_child(void)
{
    static const uint8_t cpuid[] = { 0x0f, 0xa2 };
    /* rdtsc; mov ebx, eax; mov ecx, edx; rdtsc */
    static const uint8_t rdtsc[] = { 0x0f, 0x31, 0x89, 0xc3, 0x89, 0xd1, 0x0f, 0x31 };
    struct diff_res r0, r0b, r1, t0, t1;
    int bad = 0;
    alarm(20);
    setup_cpu();
    run_code(cpuid, 2, 0, &r0);
    run_code(cpuid, 2, 0, &r0b);
    run_code(cpuid, 2, 1, &r1);
    char vendor[13];
    memcpy(vendor, &r0.r[R_EBX], 4);
    memcpy(vendor + 4, &r0.r[R_EDX], 4);
    memcpy(vendor + 8, &r0.r[R_ECX], 4);
    vendor[12] = 0;
    uint32_t family = (r1.r[R_EAX] >> 8) & 0xf;
    int printable = 1;
    for (int i = 0; i < 12; i++)
        printable &= vendor[i] >= 0x20 && vendor[i] < 0x7f;
    if (r0.vector != -1 || r1.vector != -1) {
        printf("FAIL cpuid: exception %d / %d\n", r0.vector, r1.vector);
        bad++;
    } else {
        if (r0.r[R_EAX] < 1 || !printable || memcmp(&r0, &r0b, sizeof(r0))) {
            printf("FAIL cpuid leaf 0: max leaf %u, vendor '%s'%s\n", r0.r[R_EAX], vendor,
                   memcmp(&r0, &r0b, sizeof(r0)) ? ", differs between two runs" : "");
            bad++;
        }
        if (family != 6 || !(r1.r[R_EDX] & (1u << 4))) {
            printf("FAIL cpuid leaf 1: EAX=%08x (family %u, want 6) EDX=%08x (TSC bit %s)\n",
                   r1.r[R_EAX], family, r1.r[R_EDX], (r1.r[R_EDX] & 16) ? "set" : "clear");
            bad++;
        }
    }
    run_code(rdtsc, sizeof(rdtsc), 0, &t0);
    run_code(rdtsc, sizeof(rdtsc), 0, &t1);
    uint64_t a = (uint64_t)t0.r[R_ECX] << 32 | t0.r[R_EBX], b = (uint64_t)t0.r[R_EDX] << 32 | t0.r[R_EAX];
    uint64_t c = (uint64_t)t1.r[R_ECX] << 32 | t1.r[R_EBX], d = (uint64_t)t1.r[R_EDX] << 32 | t1.r[R_EAX];
    if (t0.vector != -1 || t1.vector != -1 || !(a < b && b < c && c < d)) {
        printf("FAIL rdtsc: not increasing: %llu %llu, then %llu %llu (exceptions %d %d)\n",
               (unsigned long long)a, (unsigned long long)b, (unsigned long long)c,
               (unsigned long long)d, t0.vector, t1.vector);
        bad++;
    }
    printf("%s cpuid/rdtsc (bt86 only): vendor '%s', leaf 1 EAX=%08x (family %u) EDX=%08x, "
           "TSC increasing\n", bad ? "FAIL" : "PASS", vendor, r1.r[R_EAX], family, r1.r[R_EDX]);
    fflush(stdout);
    _exit(bad ? 1 : 0);
}

static int check_virt(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        virt_child();
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) <= 1)
        return WEXITSTATUS(st);
    printf("FAIL cpuid/rdtsc: bt86 %s\n", WIFSIGNALED(st) ? "crashed" : "stopped");
    return 1;
}

/* ---------------------------------------------------------------- the #UD sweep */

/*
 * Every one-byte opcode and every 0F xx, each with eight memory ModRM
 * bytes ([esi], every reg field) and eight register ones (mod 3, every reg
 * field), then zeros for immediates: what does the host do with it?  Where
 * the host raises #UD, bt86 must too; where the host raises #GP (at CPL 3:
 * I/O, HLT, CLI, INT n, control registers...), bt86 must too.  Where bt86
 * raises #UD but the host runs the instruction, it must be an extension
 * bt86's CPUID does not advertise (reported by group); a base (P6) opcode
 * fails.  The sweep runs in mode 2 (see DIFF_SWEEP_WORD), so that what
 * executes stops at once, on both sides.  Not swept: prefixes (they are
 * not opcodes), the x87 (D8-DF and WAIT: bt86 has none yet), and on the
 * host SYSCALL, SYSRET, SYSENTER, SYSEXIT (they would enter the host
 * kernel).
 */
#define SWEEP_NMODRM 16
#define SWEEP_MAX (512 * SWEEP_NMODRM)

struct sweep_case {
    int32_t vector; /* bt86's; -3 not run, -4 bt86 stopped or crashed */
    uint32_t eip_off;
};

static int sweep_skip(int twobyte, int op)
{
    if (twobyte)
        return op == 0x05 || op == 0x07 || op == 0x34 || op == 0x35;
    switch (op) {
    case 0x0f: case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: case 0x66:
    case 0x67: case 0xf0: case 0xf2: case 0xf3: case 0x9b:
        return 1;
    }
    return op >= 0xd8 && op <= 0xdf;
}

/* The extension an opcode belongs to, or NULL for a base (P6) opcode. */
static const char *sweep_group(int twobyte, int op, int modrm)
{
    if (!twobyte) {
        switch (op) {
        case 0x62: return "EVEX prefix (AVX-512; BOUND with a register operand)";
        case 0xc4: case 0xc5: return "VEX prefix (AVX; LES/LDS with a register operand)";
        case 0x8f: return "XOP prefix (AMD; POP with a reserved reg field)";
        case 0xc6: case 0xc7: return modrm == 0xf8 ? "RTM (XABORT, XBEGIN)" : NULL;
        case 0xd6: return "SALC (undocumented)";
        case 0xf1: return "INT1/ICEBP (undocumented)";
        }
        return NULL;
    }
    /* 0F 00 and the memory forms, SMSW and LMSW of 0F 01 are the P6's; the rest came later. */
    if (op == 0x01 && modrm >= 0xc0 && ((modrm >> 3) & 7) != 4 && ((modrm >> 3) & 7) != 6)
        return "0F 01 system extensions (VMX, SVM, MONITOR, XGETBV, RDTSCP...)";
    if (op == 0x0d)
        return "PREFETCHW (3DNow!/PRFCHW)";
    if (op == 0x0e || op == 0x0f)
        return "3DNow!";
    if ((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) || (op >= 0x50 && op <= 0x5f) ||
        (op >= 0xc2 && op <= 0xc6))
        return "SSE/SSE2";
    if (op >= 0x18 && op <= 0x1f) /* the P6 decodes all of them as NOPs (hints) */
        return modrm < 0xc0 ? "hint space with memory (0F 18 SSE prefetches, MPX, CET)" : NULL;
    if (op == 0x38 || op == 0x3a)
        return "three-byte escapes (SSSE3, SSE4, SHA, AES...)";
    if (op == 0x37)
        return "GETSEC (SMX)";
    if ((op >= 0x60 && op <= 0x7f) || op >= 0xd0)
        return "MMX/SSE2 (0F 60-7F, 0F D0-FF)";
    if (op == 0xae)
        return "0F AE (FXSAVE/FXRSTOR, SSE MXCSR and fences, XSAVE)";
    if (op == 0xc7)
        return "0F C7 (RDRAND, RDSEED, XSAVES...)";
    if (op == 0xb8)
        return "POPCNT";
    return NULL;
}

static void sweep_bytes(int twobyte, int op, int modrm, struct diff_req *q)
{
    memset(q, 0, sizeof(*q));
    int n = 0;
    if (twobyte)
        q->code[n++] = 0x0f;
    q->code[n++] = (uint8_t)op;
    q->code[n++] = (uint8_t)modrm;
    n += 5; /* zeros: immediates, displacements */
    q->code_len = n;
    q->mode = 2;
    q->fill_mode = 2;
    for (int r = 0; r < 8; r++)
        q->r[r] = DIFF_SWEEP_REG;
    q->r[R_ESP] = DIFF_STACK + 0x800;
    for (int i = 0; i < DIFF_NOVERRIDE; i++)
        q->ov_off[i] = ~0u;
}

static void print_bytes(const struct diff_req *q)
{
    int n = q->code[0] == 0x0f ? 3 : 2;
    for (int i = 0; i < n; i++)
        printf("%s%02x", i ? " " : "", q->code[i]);
}

/* Returns the number of failures. */
static int ud_sweep(void)
{
    static const uint8_t modrms[SWEEP_NMODRM] = { 0x06, 0x0e, 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e,
                                                  0xc0, 0xc8, 0xd0, 0xd8, 0xe0, 0xe8, 0xf0, 0xf8 };
    struct diff_req *q = calloc(SWEEP_MAX, sizeof(*q));
    struct diff_res *want = calloc(SWEEP_MAX, sizeof(*want));
    struct sweep_case *got = mmap(NULL, SWEEP_MAX * sizeof(*got), PROT_READ | PROT_WRITE,
                                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int n = 0, opcodes = 0;
    for (int tb = 0; tb < 2; tb++)
        for (int op = 0; op < 256; op++) {
            if (sweep_skip(tb, op))
                continue;
            opcodes++;
            for (int k = 0; k < SWEEP_NMODRM; k++)
                sweep_bytes(tb, op, modrms[k], &q[n++]);
        }
    if (run_native(q, want, n) < 0) {
        printf("FAIL #UD sweep: native32 stopped answering\n");
        return 1;
    }
    for (int i = 0; i < n; i++)
        got[i].vector = -3;

    /* bt86: a child runs the cases from `start` on; if one kills it, go on after it. */
    int start = 0;
    while (start < n) {
        shared->progress = start;
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            freopen("/dev/null", "w", stderr); /* bt86's one-time notes about missing extensions */
            setup_cpu();
            for (int i = start; i < n; i++) {
                shared->progress = i;
                alarm(5);
                struct diff_res r;
                run_bt86(&q[i], &r);
                got[i].vector = r.vector;
                got[i].eip_off = r.eip_off;
            }
            _exit(0);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            break;
        got[shared->progress].vector = -4;
        start = shared->progress + 1;
    }

    int failures = 0, host_ud = 0, host_gp = 0, base_ud = 0, extra = 0;
    const char *groups[64];
    int ngroups = 0;
    for (int i = 0; i < n; i++) {
        int hud = want[i].vector == EXC_UD && want[i].eip_off == 0;
        int bud = got[i].vector == EXC_UD && got[i].eip_off == 0;
        int hgp = want[i].vector == EXC_GP && want[i].eip_off == 0;
        if (hud || hgp) {
            host_ud += hud;
            host_gp += hgp;
            if (got[i].vector == want[i].vector && got[i].eip_off == 0)
                continue;
            int tb = q[i].code[0] == 0x0f;
            if (hgp && bud && sweep_group(tb, q[i].code[tb], q[i].code[tb + 1])) {
                extra++; /* privileged or faulting on the host, an extension bt86 lacks */
                continue;
            }
            /* FXRSTOR of the sweep's image: its MXCSR has reserved bits, which only an SSE
             * CPU checks; bt86's FXSR without SSE (a Pentium II's) loads it. */
            if (hgp && tb && q[i].code[1] == 0xae && q[i].code[2] < 0xc0 && ((q[i].code[2] >> 3) & 7) == 1)
                continue;
            if (!failures++)
                printf("FAIL #UD sweep: the host raises #UD or #GP, bt86 does not:\n");
            printf("    ");
            print_bytes(&q[i]);
            printf(": host #%s, ", hud ? "UD" : "GP");
            if (got[i].vector == -4)
                printf("bt86 stopped or crashed\n");
            else if (got[i].vector < 0)
                printf("bt86 ran it (EIP landed at offset %d)\n", (int)got[i].eip_off);
            else
                printf("bt86 exception %d at offset %d\n", got[i].vector, (int)got[i].eip_off);
            continue;
        }
        if (!bud)
            continue;
        extra++;
        int tb = q[i].code[0] == 0x0f;
        const char *g = sweep_group(tb, q[i].code[tb], q[i].code[tb + 1]);
        if (!g) {
            failures++;
            base_ud++;
        }
        int j;
        for (j = 0; j < ngroups; j++)
            if (groups[j] == g)
                break;
        if (j == ngroups && ngroups < 64)
            groups[ngroups++] = g;
    }
    printf("%s #UD sweep: %d opcodes, %d encodings: host #UD %d, host #GP %d (bt86 the same in all but "
           "%d), bt86 #UD where the host runs it %d (base opcodes among them: %d)\n",
           failures ? "FAIL" : "PASS", opcodes, n, host_ud, host_gp, failures - base_ud, extra, base_ud);
    /* The report: where bt86 raises #UD and the host does not, by group. */
    for (int j = 0; j < ngroups; j++) {
        printf("%s   #UD in bt86 only, %s:", groups[j] ? "info:" : "FAIL #UD sweep:",
               groups[j] ? groups[j] : "a base P6 opcode, not an extension");
        for (int i = 0; i < n; i += SWEEP_NMODRM) { /* one entry per opcode */
            int tb = q[i].code[0] == 0x0f, cnt = 0;
            for (int k = i; k < i + SWEEP_NMODRM; k++)
                cnt += !(want[k].vector == EXC_GP && want[k].eip_off == 0) &&
                       !(want[k].vector == EXC_UD && want[k].eip_off == 0) &&
                       got[k].vector == EXC_UD && got[k].eip_off == 0 &&
                       sweep_group(tb, q[k].code[tb], q[k].code[tb + 1]) == groups[j];
            if (!cnt)
                continue;
            if (!groups[j]) { /* base opcodes: every encoding, the host's outcome */
                for (int k = i; k < i + SWEEP_NMODRM; k++)
                    if (!(want[k].vector == EXC_GP && want[k].eip_off == 0) &&
                        !(want[k].vector == EXC_UD && want[k].eip_off == 0) &&
                        got[k].vector == EXC_UD && got[k].eip_off == 0) {
                        printf(" [");
                        print_bytes(&q[k]);
                        printf("]");
                    }
                continue;
            }
            printf(" %s%02x", tb ? "0f" : "", q[i].code[tb]);
            if (cnt < SWEEP_NMODRM)
                printf("(%d)", cnt);
        }
        printf("\n");
    }
    munmap(got, SWEEP_MAX * sizeof(*got));
    free(q);
    free(want);
    return failures;
}

static void usage(void)
{
    fprintf(stderr, "usage: diff_bt86 [-n CASES] [-s SEED] [-f SUBSTRING] [-q] [-backend NAME] [--native PATH] [--list] [--selftest]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int ncases = 200, quiet = 0, list = 0;
    uint32_t seed = 1;
    const char *filter = NULL;
    char native[4096];
    snprintf(native, sizeof(native), "%s", argv[0]);
    char *slash = strrchr(native, '/');
    snprintf(slash ? slash + 1 : native, sizeof(native) - (slash ? slash + 1 - native : 0), "native32");

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            ncases = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-s") && i + 1 < argc)
            seed = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-f") && i + 1 < argc)
            filter = argv[++i];
        else if (!strcmp(argv[i], "--native") && i + 1 < argc)
            snprintf(native, sizeof(native), "%s", argv[++i]);
        else if (!strcmp(argv[i], "-q"))
            quiet = 1;
        else if (!strcmp(argv[i], "-backend") && i + 1 < argc) {
            const struct backend *be = backend_find(argv[++i]);
            if (!be) {
                fprintf(stderr, "diff_bt86: unknown backend '%s'\n", argv[i]);
                return 2;
            }
            m.opt.backend = be;
        }
        else if (!strcmp(argv[i], "--selftest"))
            selftest = 1;
        else if (!strcmp(argv[i], "--list"))
            list = 1;
        else
            usage();
    }
    if (ncases < 1)
        usage();

    /* static: the early "skipped" returns must not look like leaks to LSan */
    static struct diff_plan *plans;
    plans = calloc(diff_nforms, sizeof(*plans));
    for (int i = 0; i < diff_nforms; i++) {
        char err[200];
        if (diff_plan_parse(&diff_forms[i], &plans[i], err, sizeof(err)) < 0) {
            fprintf(stderr, "diff_bt86: form '%s': %s\n", diff_forms[i].name, err);
            return 2;
        }
        if (list)
            printf("%-50s %-14s %s\n", diff_forms[i].name, diff_forms[i].rule, diff_forms[i].cons);
    }
    if (list)
        return 0;

#if !defined(__x86_64__) && !defined(__i386__)
    printf("skipped: the host CPU is not x86, nothing to compare against\n");
    return 77;
#endif
    char why[4400];
    signal(SIGPIPE, SIG_IGN);
    if (start_native(native, why, sizeof(why)) < 0) {
        printf("skipped: %s\n", why);
        return 77;
    }
    setup_machine();
    pristine = malloc(RAM_SIZE);
    if (!pristine) {
        fprintf(stderr, "diff_bt86: out of memory\n");
        return 2;
    }
    memcpy(pristine, m.ram, RAM_SIZE);
    shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    struct diff_req *q = calloc(ncases, sizeof(*q));
    struct diff_res *want = calloc(ncases, sizeof(*want));
    int forms = 0, failed = 0, known_failed = 0, undef_forms = 0, skipped = 0, not_intel = 0;
    bool intel_host = host_is_intel();
    long long cases = 0, bad_cases = 0, undef_cases = 0, mem_cases = 0;
    int flow_forms = 0, flow_both = 0, flow_never = 0;
    long long flow_taken = 0, flow_fell = 0;
    long long vectors[33] = { 0 };
    int rule_forms[RULE_COUNT] = { 0 };
    uint32_t undef_bits = 0, rule_undef_bits[RULE_COUNT] = { 0 };
    long long rule_undef[RULE_COUNT] = { 0 };

    for (int fi = 0; fi < diff_nforms; fi++) {
        const struct diff_form *f = &diff_forms[fi];
        if (filter && !strstr(f->name, filter))
            continue;
        if (plans[fi].needs_fs && !native_ldt) {
            if (!quiet)
                printf("SKIP %s: the host does not allow modify_ldt, FS cannot be set up\n", f->name);
            skipped++;
            continue;
        }
        const char *why = intel_only_why(f->name);
        if (why && !intel_host) {
            printf("SKIP %s: it reads %s, undefined in the SDM; bt86 gives what Intel's CPUs "
                   "give, and this host's CPU is not Intel's\n",
                   f->name, why);
            not_intel++;
            continue;
        }
        uint32_t rng = (name_hash(f->name) ^ (seed * 0x9e3779b9u)) | 1;
        for (int i = 0; i < ncases; i++)
            diff_gen(f, &plans[fi], &rng, &q[i]);
        if (run_native(q, want, ncases) < 0) {
            printf("FAIL %s: native32 stopped answering (form bytes it cannot run?)\n", f->name);
            return 1;
        }
        int taken = 0, fell = 0;
        for (int i = 0; i < ncases; i++) {
            if (plans[fi].mode && want[i].vector == EXC_BP) {
                if (want[i].eip_off == f->len + 1u)
                    fell++;
                else
                    taken++;
            }
            if (want[i].vector >= 0 && !plans[fi].mode)
                vectors[want[i].vector < 32 ? want[i].vector : 32]++;
            if (want[i].nchg)
                mem_cases++;
        }
        if (plans[fi].mode) {
            flow_forms++;
            flow_taken += taken;
            flow_fell += fell;
            flow_both += taken && fell;
            if (!taken) {
                flow_never++;
                printf("info: %s never branched on the host in %d cases\n", f->name, ncases);
            }
        }
        memset(shared, 0, sizeof(*shared));
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0)
            bt86_child(f, &plans[fi], q, want, ncases, quiet);
        int st = 0;
        waitpid(pid, &st, 0);
        forms++;
        rule_forms[plans[fi].rule]++;
        cases += ncases;
        undef_cases += shared->undef_diff;
        undef_bits |= shared->undef_bits;
        rule_undef[plans[fi].rule] += shared->undef_diff;
        rule_undef_bits[plans[fi].rule] |= shared->undef_bits;
        if (shared->undef_diff)
            undef_forms++;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            continue;
        failed++;
        if (known_bug(f->name))
            known_failed++;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 1) {
            bad_cases += shared->failures;
            continue;
        }
        bad_cases++;
        printf("FAIL %s: bt86 %s at case %d", f->name,
               WIFSIGNALED(st) ? (WTERMSIG(st) == SIGALRM ? "timed out" : "crashed")
                               : WEXITSTATUS(st) == 2 ? "stopped (not implemented?)" : "exited",
               shared->progress);
        if (WIFSIGNALED(st))
            printf(" (signal %d)", WTERMSIG(st));
        else
            printf(" (status %d)", WEXITSTATUS(st));
        printf("\n");
        const struct diff_req *c = &q[shared->progress];
        print_state("input", c->r, c->eflags | 2);
    }

    /* bt86-only checks and the #UD sweep: not forms, run unless -f names others */
    int extra_failed = 0;
    if (!selftest && (!filter || strstr("cpuid rdtsc", filter)))
        extra_failed += check_virt();
    if (!selftest && (!filter || strstr("ud-sweep", filter)))
        extra_failed += ud_sweep() != 0;
    failed += extra_failed;

    if (selftest)
        printf("\nselftest: corrupted results %s\n", failed ? "went unnoticed" : "all caught");
    printf("\n%d forms, %lld cases, %lld failures (%d forms failed, %d of them known bugs)%s\n", forms,
           cases, bad_cases, failed - extra_failed, known_failed,
           extra_failed ? "; the cpuid/rdtsc check or the #UD sweep failed" : "");
    if (skipped)
        printf("%d forms skipped: they need FS, and the host does not allow modify_ldt\n", skipped);
    if (not_intel)
        printf("%d forms skipped: they read flags that Intel's CPUs and this host's set differently\n",
               not_intel);
    printf("coverage: forms per flag rule:");
    for (int r = 0; r < RULE_COUNT; r++)
        if (rule_forms[r])
            printf(" %s=%d", diff_rule_names[r], rule_forms[r]);
    printf("\ncoverage: %d control-flow forms: %lld cases branched, %lld fell through; %d forms did "
           "both, %d never branched\n", flow_forms, flow_taken, flow_fell, flow_both, flow_never);
    printf("coverage: %lld cases wrote memory; host exceptions (control flow aside):", mem_cases);
    int anyv = 0;
    for (int v = 0; v < 33; v++)
        if (vectors[v]) {
            printf(" #%d=%lld", v, vectors[v]);
            anyv = 1;
        }
    printf("%s\n", anyv ? "" : " none");
    printf("info: undefined flags differed (not a failure) in %lld cases of %d forms", undef_cases,
           undef_forms);
    if (undef_bits) {
        printf(", flags ");
        print_flags(undef_bits);
    }
    printf("\n");
    for (int r = 0; r < RULE_COUNT; r++)
        if (rule_undef[r]) {
            printf("info:   rule %-5s %lld cases, flags ", diff_rule_names[r], rule_undef[r]);
            print_flags(rule_undef_bits[r]);
            printf("\n");
        }
    fclose(native_in);
    waitpid(native_pid, NULL, 0);
    free(q);
    free(want);
    free(plans);
    free(pristine);
    return failed ? 1 : 0;
}
