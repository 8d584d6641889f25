/*
 * gdbstub.c - GDB's remote serial protocol, over one TCP connection.
 *
 * Everything happens in the run loop's thread, between blocks: while the
 * guest runs, a poll every few thousand instructions accepts a connection
 * or reads gdb's Ctrl-C (0x03); while it is stopped, stopped() reads and
 * answers packets until gdb says c, s or vCont.  Breakpoints, watchpoints
 * and steps are machine/debug.c's; this file speaks the protocol:
 *
 *   qSupported, qXfer:features:read (i386 target.xml), ?, g G p P, m M X
 *   (linear addresses, through the page tables, never setting A/D bits),
 *   Z0-Z4 z0-z4, c s vCont, D k, and 0x03 while running.
 *
 * Registers are gdb's i386 layout: eax ecx edx ebx esp ebp esi edi eip
 * eflags cs ss ds es fs gs, then the x87 registers, which read as an FPU
 * after FNINIT until bt86 has one.
 */
#define _POSIX_C_SOURCE 200809L
#include "machine/gdbstub.h"
#include "machine/debug.h"
#include "machine/machine.h"
#include "monitor/monitor.h"
#include "softmmu/memory.h"
#include "softmmu/paging.h"
#include "translator/tbcache.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PACKET_SIZE 4096

struct gdbstub {
    int listen_fd, conn_fd;
    int attached_stop; /* gdb has connected and must see a stop first */
    int wait;          /* -S: stop before the first instruction */
    struct debug *debug;
    char out[2 * PACKET_SIZE + 8];
    char pkt[PACKET_SIZE + 1], reply[2 * PACKET_SIZE + 1];
};

/* Registers that gdb's 32-bit core description lists, in its order. */
enum { NREGS_GPR = 16, NREGS_CORE = 32 };

static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>i386</architecture>\n"
    "<feature name=\"org.gnu.gdb.i386.core\">\n"
    "<flags id=\"i386_eflags\" size=\"4\">\n"
    "<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>\n"
    "<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>\n"
    "<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>\n"
    "<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>\n"
    "<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>\n"
    "<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>\n"
    "<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>\n"
    "<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
    "<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
    "</flags>\n"
    "<reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>\n"
    "<reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>\n"
    "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "</feature>\n"
    "</target>\n";

/* ------------------------------------------------------------ transport */

static void conn_close(struct gdbstub *g)
{
    if (g->conn_fd >= 0)
        close(g->conn_fd);
    g->conn_fd = -1;
}

static int put_raw(struct gdbstub *g, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(g->conn_fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static void put_packet(struct gdbstub *g, const char *data)
{
    char *buf = g->out;
    if (g->conn_fd < 0)
        return;
    size_t n = strlen(data);
    unsigned sum = 0;
    buf[0] = '$';
    memcpy(buf + 1, data, n);
    for (size_t i = 0; i < n; i++)
        sum += (uint8_t)data[i];
    snprintf(buf + 1 + n, 4, "#%02x", sum & 0xff);
    if (put_raw(g, buf, n + 4) < 0)
        conn_close(g);
}

/* Blocking read of one byte; -1 when gdb went away. */
static int get_byte(struct gdbstub *g)
{
    uint8_t c;
    for (;;) {
        ssize_t r = read(g->conn_fd, &c, 1);
        if (r == 1)
            return c;
        if (r < 0 && errno == EINTR)
            continue;
        return -1;
    }
}

/* The next packet's payload (NUL-terminated, escapes kept); -1 on EOF. */
static int get_packet(struct gdbstub *g, char *out, size_t cap, size_t *len)
{
    for (;;) {
        int c = get_byte(g);
        if (c < 0)
            return -1;
        if (c == 0x03) {
            /* A Ctrl-C while already stopped: nothing more to stop. */
            continue;
        }
        if (c != '$')
            continue; /* acks ('+', '-') and noise */
        size_t n = 0;
        unsigned sum = 0;
        for (;;) {
            c = get_byte(g);
            if (c < 0)
                return -1;
            if (c == '#')
                break;
            sum += (unsigned)c;
            if (n + 1 < cap)
                out[n++] = (char)c;
        }
        int h = get_byte(g), l = get_byte(g);
        if (h < 0 || l < 0)
            return -1;
        char cs[3] = { (char)h, (char)l, 0 };
        if (strtoul(cs, NULL, 16) != (sum & 0xff)) {
            put_raw(g, "-", 1);
            continue;
        }
        put_raw(g, "+", 1);
        out[n] = 0;
        *len = n;
        return 0;
    }
}

/* ------------------------------------------------------------ registers */

static void put_hex_le(char **p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        sprintf(*p, "%02x", (v >> (8 * i)) & 0xff);
        *p += 2;
    }
}

static uint32_t get_hex_le(const char *s, int bytes)
{
    uint32_t v = 0;
    for (int i = 0; i < bytes; i++) {
        char b[3] = { s[2 * i], s[2 * i + 1], 0 };
        v |= (uint32_t)strtoul(b, NULL, 16) << (8 * i);
    }
    return v;
}

static const int gdb_seg[6] = { S_CS, S_SS, S_DS, S_ES, S_FS, S_GS };
static const int gdb_gpr[8] = { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };

static int reg_size(int n)
{
    return (n >= 16 && n < 24) ? 10 : 4;
}

static void reg_read(struct cpu *cpu, int n, char **p)
{
    if (n < 8)
        put_hex_le(p, cpu->r[gdb_gpr[n]], 4);
    else if (n == 8)
        put_hex_le(p, cpu->eip, 4);
    else if (n == 9)
        put_hex_le(p, cpu_get_eflags(cpu), 4);
    else if (n < 16)
        put_hex_le(p, cpu->seg[gdb_seg[n - 10]].sel, 4);
    else if (n < 24) {
        for (int i = 0; i < 10; i++, *p += 2)
            memcpy(*p, "00", 2);
        **p = 0;
    } else
        put_hex_le(p, n == 24 ? 0x37f : n == 26 ? 0xffff : 0, 4); /* as after FNINIT */
}

static int reg_write(struct cpu *cpu, int n, uint32_t v)
{
    if (n < 8) {
        cpu->r[gdb_gpr[n]] = v;
    } else if (n == 8) {
        cpu->eip = v;
    } else if (n == 9) {
        cpu_set_eflags(cpu, v, 0xffffffffu);
        cpu_update_hflags(cpu);
    } else if (n < 16) {
        int s = gdb_seg[n - 10];
        if (cpu->seg[s].sel == (uint16_t)v)
            return 0;
        /* A protected-mode load needs the descriptor checks: not from here. */
        if ((cpu->cr[0] & CR0_PE) && !(cpu->eflags & F_VM))
            return -1;
        seg_load_real(cpu, s, (uint16_t)v);
        cpu_update_hflags(cpu);
    }
    return 0; /* the x87 registers: nothing to write yet */
}

/* ------------------------------------------------------------ memory */

/* Host pointer to guest linear address `lin`, or NULL if not RAM/ROM. */
static uint8_t *lin_host(struct cpu *cpu, uint32_t lin, uint32_t *phys)
{
    if (paging_debug_translate(cpu, lin, phys) < 0)
        return NULL;
    return mem_host_ptr(cpu->mem, *phys);
}

static void handle_read_mem(struct cpu *cpu, const char *args, char *reply)
{
    char *end;
    uint32_t addr = (uint32_t)strtoul(args, &end, 16);
    uint32_t len = *end == ',' ? (uint32_t)strtoul(end + 1, NULL, 16) : 0;
    if (len > PACKET_SIZE / 2 - 8)
        len = PACKET_SIZE / 2 - 8;
    char *p = reply;
    for (uint32_t i = 0; i < len; i++) {
        uint32_t phys;
        uint8_t *h = lin_host(cpu, addr + i, &phys);
        if (!h)
            break;
        sprintf(p, "%02x", *h);
        p += 2;
    }
    if (p == reply && len)
        strcpy(reply, "E14"); /* EFAULT */
    else
        *p = 0;
}

static int write_mem(struct cpu *cpu, uint32_t addr, const uint8_t *data, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        uint32_t phys;
        uint8_t *h = lin_host(cpu, addr + i, &phys);
        if (!h)
            return -1;
        *h = data[i];
        /* Translated copies of these bytes are stale now. */
        tb_invalidate_phys(cpu->tbs, phys, 1);
    }
    return 0;
}

static void handle_write_mem(struct cpu *cpu, char *args, size_t plen, int binary, char *reply)
{
    char *end;
    uint32_t addr = (uint32_t)strtoul(args, &end, 16);
    uint32_t len = *end == ',' ? (uint32_t)strtoul(end + 1, &end, 16) : 0;
    char *colon = strchr(args, ':');
    if (!colon) {
        strcpy(reply, "E01");
        return;
    }
    static uint8_t data[PACKET_SIZE];
    const char *src = colon + 1, *stop = args + plen;
    uint32_t n = 0;
    while (n < len && n < sizeof(data) && src < stop) {
        if (binary) {
            uint8_t c = (uint8_t)*src++;
            if (c == 0x7d && src < stop)
                c = (uint8_t)*src++ ^ 0x20;
            data[n++] = c;
        } else {
            if (src + 1 >= stop)
                break;
            data[n++] = (uint8_t)get_hex_le(src, 1);
            src += 2;
        }
    }
    if (n != len) {
        strcpy(reply, "E01");
        return;
    }
    strcpy(reply, write_mem(cpu, addr, data, len) < 0 ? "E14" : "OK");
}

/* ------------------------------------------------------------ run control */

static void stop_reply(struct gdbstub *g, struct cpu *cpu, enum debug_stop why, char *out)
{
    static const char *const watch_kind[4] = { "", "watch", "rwatch", "awatch" };
    int tid = cpu->index + 1;
    switch (why) {
    case DEBUG_WATCH:
        sprintf(out, "T05%s:%x;thread:%02x;", watch_kind[g->debug->watch_hit.type & 3],
                g->debug->watch_hit.addr, tid);
        break;
    case DEBUG_BREAK:
        sprintf(out, "T05%sthread:%02x;",
                debug_bp_at(g->debug, cpu->seg[S_CS].base + cpu->eip) == 2 ? "hwbreak:;"
                                                                            : "swbreak:;",
                tid);
        break;
    case DEBUG_INTERRUPT:
        sprintf(out, "%sthread:%02x;", g->attached_stop ? "T05" : "T02", tid);
        break;
    default:
        sprintf(out, "T05thread:%02x;", tid);
        break;
    }
}

/* A thread ID of gdb's (hex; 0 any, -1 all): the CPU, or NULL if none is. */
static struct cpu *thread_cpu(struct machine *m, const char *id, struct cpu *stopped)
{
    if (!strcmp(id, "-1") || !strcmp(id, "0") || !*id)
        return stopped;
    char *end;
    long t = strtol(id, &end, 16);
    if (*end || t < 1 || t > m->ncpus)
        return NULL;
    return m->cpus[t - 1];
}

static int handle_z(struct gdbstub *g, int insert, const char *args, char *reply)
{
    char *end;
    int type = (int)strtol(args, &end, 10);
    if (*end != ',')
        return -1;
    uint32_t addr = (uint32_t)strtoul(end + 1, &end, 16);
    uint32_t kind = *end == ',' ? (uint32_t)strtoul(end + 1, NULL, 16) : 1;
    int r;
    switch (type) {
    case 0:
    case 1:
        r = insert ? debug_bp_insert(g->debug, addr, type) : debug_bp_remove(g->debug, addr, type);
        break;
    case 2:
    case 3:
    case 4: {
        static const int t[5] = { 0, 0, WATCH_WRITE, WATCH_READ, WATCH_ACCESS };
        r = insert ? debug_wp_insert(g->debug, addr, kind, t[type])
                   : debug_wp_remove(g->debug, addr, kind, t[type]);
        break;
    }
    default:
        reply[0] = 0; /* not supported */
        return 0;
    }
    strcpy(reply, r < 0 ? "E22" : "OK");
    return 0;
}

/* Returns 1 when the guest should run (debug_resume() done), 0 otherwise. */
static int handle_vcont(struct gdbstub *g, struct cpu *cpu, const char *args, char *reply)
{
    if (!strcmp(args, "?")) {
        strcpy(reply, "vCont;c;C;s;S");
        return 0;
    }
    if (*args != ';') {
        reply[0] = 0;
        return 0;
    }
    /* One CPU: the first action is the one for it. */
    char a = args[1];
    if (a == 'c' || a == 'C') {
        debug_resume(g->debug, cpu, DEBUG_RUN_CONTINUE);
        return 1;
    }
    if (a == 's' || a == 'S') {
        debug_resume(g->debug, cpu, DEBUG_RUN_STEP);
        return 1;
    }
    strcpy(reply, "E01");
    return 0;
}

static void handle_query(struct machine *m, struct cpu *sel, const char *q, char *reply)
{
    reply[0] = 0;
    if (!strncmp(q, "qSupported", 10)) {
        sprintf(reply, "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+",
                PACKET_SIZE);
    } else if (!strncmp(q, "qXfer:features:read:target.xml:", 31)) {
        char *end;
        unsigned long off = strtoul(q + 31, &end, 16);
        unsigned long len = *end == ',' ? strtoul(end + 1, NULL, 16) : 0;
        unsigned long total = sizeof(target_xml) - 1;
        if (len > PACKET_SIZE - 16)
            len = PACKET_SIZE - 16;
        if (off >= total) {
            strcpy(reply, "l");
        } else {
            unsigned long n = total - off < len ? total - off : len;
            reply[0] = off + n >= total ? 'l' : 'm';
            memcpy(reply + 1, target_xml + off, n);
            reply[1 + n] = 0;
        }
    } else if (!strncmp(q, "qXfer:features:read:", 20)) {
        strcpy(reply, "E00");
    } else if (!strcmp(q, "qC")) {
        sprintf(reply, "QC%02x", sel->index + 1);
    } else if (!strcmp(q, "qfThreadInfo")) {
        char *p = reply;
        for (int i = 0; i < m->ncpus; i++)
            p += sprintf(p, "%s%02x", i ? "," : "m", i + 1);
    } else if (!strcmp(q, "qsThreadInfo")) {
        strcpy(reply, "l");
    } else if (!strcmp(q, "qAttached")) {
        strcpy(reply, "1");
    } else if (!strncmp(q, "qThreadExtraInfo,", 17)) {
        struct cpu *c = thread_cpu(m, q + 17, NULL);
        if (!c) {
            strcpy(reply, "E01");
            return;
        }
        char s[64];
        snprintf(s, sizeof(s), "CPU#%d [%s]", c->index,
                 c->sipi_wait ? "wait-for-SIPI" : c->halted ? "halted" : "running");
        char *p = reply;
        for (const char *t = s; *t; t++, p += 2)
            sprintf(p, "%02x", (uint8_t)*t);
    }
}

/* Answer packets until gdb resumes the guest, detaches or goes away. */
static void serve(struct gdbstub *g, struct cpu *stopped, enum debug_stop why)
{
    char *pkt = g->pkt, *reply = g->reply;
    size_t plen;
    struct machine *m = stopped->machine;
    /* -smp: each CPU is a thread, its ID the CPU index + 1.  Hg picks the
     * CPU whose registers and memory view the packets use; a stop selects
     * the stopping CPU, as gdb then expects. */
    struct cpu *cpu = stopped;
    if (!g->attached_stop) {
        stop_reply(g, cpu, why, reply);
        put_packet(g, reply);
    }
    while (g->conn_fd >= 0) {
        if (get_packet(g, pkt, sizeof(g->pkt), &plen) < 0) {
            conn_close(g);
            break;
        }
        reply[0] = 0;
        char *p = reply;
        switch (pkt[0]) {
        case '?':
            stop_reply(g, stopped, why, reply);
            g->attached_stop = 0;
            break;
        case 'g':
            for (int n = 0; n < NREGS_CORE; n++)
                reg_read(cpu, n, &p);
            break;
        case 'G': {
            const char *s = pkt + 1;
            int ok = 1;
            for (int n = 0; n < NREGS_GPR && (size_t)(s - pkt) + 8 <= plen; n++, s += 8)
                if (reg_write(cpu, n, get_hex_le(s, 4)) < 0)
                    ok = 0;
            strcpy(reply, ok ? "OK" : "E01");
            break;
        }
        case 'p': {
            int n = (int)strtol(pkt + 1, NULL, 16);
            if (n < 0 || n >= NREGS_CORE)
                strcpy(reply, "E00");
            else
                reg_read(cpu, n, &p);
            break;
        }
        case 'P': {
            char *eq;
            int n = (int)strtol(pkt + 1, &eq, 16);
            if (*eq != '=' || n < 0 || n >= NREGS_CORE || strlen(eq + 1) < 2u * reg_size(n))
                strcpy(reply, "E00");
            else
                strcpy(reply, reg_write(cpu, n, get_hex_le(eq + 1, 4)) < 0 ? "E01" : "OK");
            break;
        }
        case 'm':
            handle_read_mem(cpu, pkt + 1, reply);
            break;
        case 'M':
            handle_write_mem(cpu, pkt + 1, plen - 1, 0, reply);
            break;
        case 'X':
            handle_write_mem(cpu, pkt + 1, plen - 1, 1, reply);
            break;
        case 'Z':
        case 'z':
            handle_z(g, pkt[0] == 'Z', pkt + 1, reply);
            break;
        case 'c':
        case 'C':
            /* "c ADDR" resumes elsewhere; a signal number (C) means nothing here.
             * Every CPU resumes: they run in turn, none can be held back. */
            if (pkt[0] == 'c' && pkt[1])
                stopped->eip = (uint32_t)strtoul(pkt + 1, NULL, 16);
            debug_resume(g->debug, stopped, DEBUG_RUN_CONTINUE);
            return;
        case 's':
        case 'S':
            if (pkt[0] == 's' && pkt[1])
                stopped->eip = (uint32_t)strtoul(pkt + 1, NULL, 16);
            debug_resume(g->debug, stopped, DEBUG_RUN_STEP);
            return;
        case 'v':
            if (!strncmp(pkt, "vCont", 5)) {
                if (handle_vcont(g, stopped, pkt + 5, reply))
                    return;
            } else if (!strncmp(pkt, "vMustReplyEmpty", 15)) {
                reply[0] = 0;
            }
            break;
        case 'D':
            put_packet(g, "OK");
            conn_close(g);
            break;
        case 'k':
            conn_close(g);
            fprintf(stderr, "bt86: killed by gdb\n");
            machine_shutdown(m, 0);
            debug_clear_all(g->debug);
            return;
        case 'H': {
            /* Hg: the registers' and memory's CPU; Hc (step, continue): all run. */
            struct cpu *c = thread_cpu(m, pkt + 2, stopped);
            if (!c) {
                strcpy(reply, "E22");
                break;
            }
            if (pkt[1] == 'g')
                cpu = c;
            strcpy(reply, "OK");
            break;
        }
        case 'T':
            strcpy(reply, thread_cpu(m, pkt + 1, NULL) ? "OK" : "E01");
            break;
        case 'q':
            handle_query(m, cpu, pkt, reply);
            break;
        default:
            break; /* empty reply: not supported */
        }
        put_packet(g, reply);
    }
    /* gdb detached or went away: let the guest run free. */
    debug_clear_all(g->debug);
    debug_resume(g->debug, stopped, DEBUG_RUN_CONTINUE);
}

/* ------------------------------------------------------------ connection */

static int accept_conn(struct gdbstub *g, int blocking)
{
    if (!blocking) {
        fcntl(g->listen_fd, F_SETFL, fcntl(g->listen_fd, F_GETFL) | O_NONBLOCK);
    }
    int fd;
    do {
        fd = accept(g->listen_fd, NULL, NULL);
    } while (fd < 0 && errno == EINTR);
    if (!blocking)
        fcntl(g->listen_fd, F_SETFL, fcntl(g->listen_fd, F_GETFL) & ~O_NONBLOCK);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    g->conn_fd = fd;
    return 0;
}

static void gdb_stopped(void *opaque, struct cpu *cpu, enum debug_stop why)
{
    struct gdbstub *g = opaque;
    if (g->conn_fd < 0) {
        if (accept_conn(g, 1) < 0) {
            debug_resume(g->debug, cpu, DEBUG_RUN_CONTINUE);
            return;
        }
        g->attached_stop = 1;
    }
    serve(g, cpu, why);
}

static void gdb_poll(void *opaque, struct cpu *cpu)
{
    struct gdbstub *g = opaque;
    (void)cpu;
    if (g->conn_fd < 0) {
        if (accept_conn(g, 0) == 0) {
            /* gdb expects a stopped target when it connects. */
            g->attached_stop = 1;
            debug_request_stop(g->debug);
        }
        return;
    }
    uint8_t buf[64];
    ssize_t r = recv(g->conn_fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (r == 0) {
        conn_close(g);
        debug_clear_all(g->debug);
        return;
    }
    for (ssize_t i = 0; i < r; i++)
        if (buf[i] == 0x03)
            debug_request_stop(g->debug);
}

static const struct debug_frontend gdb_frontend = { gdb_stopped, gdb_poll };

struct gdbstub *gdbstub_init(const char *spec, int wait)
{
    char host[256] = "", port[32];
    const char *s = spec;
    if (!strncmp(s, "tcp:", 4))
        s += 4;
    const char *colon = strrchr(s, ':');
    if (colon) {
        size_t n = (size_t)(colon - s);
        if (n >= sizeof(host))
            n = sizeof(host) - 1;
        memcpy(host, s, n);
        host[n] = 0;
        s = colon + 1;
    }
    char *end;
    long pn = strtol(s, &end, 10);
    if (!*s || *end || pn <= 0 || pn > 65535) {
        fprintf(stderr, "bt86: -gdb %s: expected tcp::PORT or tcp:HOST:PORT\n", spec);
        return NULL;
    }
    snprintf(port, sizeof(port), "%ld", pn);

    struct addrinfo hints = { 0 }, *res;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int e = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (e) {
        fprintf(stderr, "bt86: -gdb %s: %s\n", spec, gai_strerror(e));
        return NULL;
    }
    int fd = -1, err = 0;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        fprintf(stderr, "bt86: -gdb %s: cannot listen: %s\n", spec, strerror(err));
        return NULL;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    struct gdbstub *g = calloc(1, sizeof(*g));
    if (!g) {
        close(fd);
        fprintf(stderr, "bt86: -gdb %s: out of memory\n", spec);
        return NULL;
    }
    g->listen_fd = fd;
    g->conn_fd = -1;
    g->wait = wait;
    if (wait)
        fprintf(stderr, "bt86: waiting for gdb on %s\n", spec);
    return g;
}

void gdbstub_attach(struct gdbstub *g, struct machine *m)
{
    g->debug = &m->debug;
    m->gdb = g;
    debug_set_frontend(&m->debug, &gdb_frontend, g);
    if (g->wait)
        debug_request_stop(&m->debug);
}

void gdbstub_exit(struct gdbstub *g, int status)
{
    if (g->conn_fd < 0)
        return;
    char buf[8];
    snprintf(buf, sizeof(buf), "W%02x", status & 0xff);
    put_packet(g, buf);
    conn_close(g);
}
