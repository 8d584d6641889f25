/*
 * pit8254.c - the 8254 interval timer: three 16-bit down counters clocked at
 * 1.193182 MHz, each with a gate input and an OUT pin.
 *
 * Nothing ticks.  The CLK edges are numbered from virtual time 0 (tick k
 * begins at ceil(k * 1e9 / 1193182) ns, computed exactly in integers), and
 * each channel keeps the tick at which its counting element was last loaded
 * (`load`).  The count and OUT at any tick follow from the mode:
 *
 *   mode 0  OUT low, high once the count reaches 0 (N+1 CLKs after the write)
 *   mode 1  on a gate rising edge, OUT low for N CLKs (retriggerable)
 *   mode 2  period N: OUT low during the CLK where the count is 1
 *   mode 3  period N: OUT high for ceil(N/2) CLKs, low for floor(N/2);
 *           the count steps by 2 (from N-1 when N is odd)
 *   mode 4  OUT low for one CLK when the count reaches 0
 *   mode 5  as 4, started by a gate rising edge
 *
 * A count is loaded into the counting element on the CLK after it is
 * written, as on the chip.  In modes 2 and 3 a count written while counting
 * takes over at the end of the current period (half-period in mode 3): it
 * is kept as a pending regime (`pend_*`) until that tick.  Modes 2 and 3 with
 * a count of 1 (illegal on the chip) run as a count of 2.
 *
 * IRQ0 follows OUT0: a virtual-time timer is armed at OUT0's next
 * transition; when it fires (between blocks) every transition due by then
 * is delivered in order, so a mode 2 pulse one CLK wide still makes a
 * rising edge however late the host is (after a long stall, only the last
 * two periods are replayed).
 */
#include "hw/pit8254.h"

#include "base/timer.h"
#include "softmmu/ioport.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PIT_HZ 1193182u
#define NS_PER_S 1000000000ull
#define TICK_NEVER INT64_MAX

struct pit_channel {
    uint8_t mode;      /* 0..5 */
    uint8_t cw_mode;   /* the mode bits as written (6 and 7 read back as such) */
    uint8_t rw;        /* 1: lsb, 2: msb, 3: lsb then msb */
    uint8_t bcd;
    uint8_t gate;
    uint8_t armed;     /* a count was written since the control word */
    uint8_t running;   /* the counting element counts (armed, gated, triggered) */
    uint8_t out_done;  /* modes 0, 4: terminal count passed before `load` (paused by the gate) */
    uint8_t pre_out;   /* OUT between a (re)start and the CLK that loads the count */
    uint32_t cr;       /* the count last written, 1..65536 (10000 in BCD) */
    uint32_t n;        /* modes 2, 3: the period in effect */
    uint32_t start;    /* modes 0, 1, 4, 5: the count at `load` (0: past terminal) */
    uint32_t frozen;   /* the count while not counting */
    int64_t load;      /* tick of the CLK that loaded the counting element */
    uint8_t pend;      /* modes 2, 3: a new count waits for the next reload */
    uint32_t pend_n;
    int64_t pend_at, pend_load;
    int64_t null_until; /* status NULL COUNT until this tick */
    /* bus side */
    uint8_t wstate, wlo; /* lsb-then-msb write: the msb comes next */
    uint8_t rstate;      /* lsb-then-msb read: the msb comes next */
    uint8_t latched;     /* count latch: bytes left to read */
    uint16_t latch;
    uint8_t status_latched, status;
};

struct pit {
    struct clock *clock;
    struct pit_channel ch[3];
    void (*irq0)(void *opaque, int level);
    void *opaque;
    struct timer timer;
    int irq0_level;
    int64_t irq0_tick; /* OUT0 transitions up to this tick have reached irq0 */
};

/* ------------------------------------------------------------------ time */

static int64_t tick_of(uint64_t ns)
{
    return (int64_t)((ns / NS_PER_S) * PIT_HZ + (ns % NS_PER_S) * PIT_HZ / NS_PER_S);
}

/* The first ns at which tick_of() reaches k. */
static uint64_t ns_of(int64_t k)
{
    if (k <= 0)
        return 0;
    uint64_t q = (uint64_t)k / PIT_HZ, r = (uint64_t)k % PIT_HZ;
    if (q >= UINT64_MAX / NS_PER_S - 1)
        return TIMER_NEVER;
    return q * NS_PER_S + (r * NS_PER_S + PIT_HZ - 1) / PIT_HZ;
}

static int64_t now_tick(struct pit *p)
{
    return tick_of(clock_now(p->clock));
}

/* ------------------------------------------------------------------ counting */

static uint32_t modulus(const struct pit_channel *c)
{
    return c->bcd ? 10000 : 65536;
}

static int periodic(const struct pit_channel *c)
{
    return c->mode == 2 || c->mode == 3;
}

/* Modes 2 and 3: period and start tick in effect at tick t. */
static void regime(const struct pit_channel *c, int64_t t, uint32_t *n, int64_t *load)
{
    if (c->pend && t >= c->pend_at) {
        *n = c->pend_n;
        *load = c->pend_load;
    } else {
        *n = c->n;
        *load = c->load;
    }
    if (*n < 2)
        *n = 2;
}

static uint32_t mode3_high(uint32_t n)
{
    return (n + 1) / 2;
}

/* OUT and the count at tick t; changes nothing. */
static void eval(const struct pit_channel *c, int64_t t, int *out, uint32_t *count)
{
    uint32_t m = modulus(c);

    if (!c->running) {
        *out = c->mode == 0 ? c->out_done : 1;
        *count = c->frozen;
        return;
    }
    if (periodic(c)) {
        uint32_t n, r;
        int64_t load;
        regime(c, t, &n, &load);
        if (t < load) {
            *out = 1;
            *count = c->frozen;
            return;
        }
        r = (uint32_t)((t - load) % n);
        if (c->mode == 2) {
            *out = r != n - 1;
            *count = (n - r) % m;
        } else {
            uint32_t h = mode3_high(n), top = n & ~1u;
            *out = r < h;
            *count = (top - 2 * (r < h ? r : r - h)) % m;
        }
        return;
    }
    if (t < c->load) {
        *out = c->pre_out;
        *count = c->frozen;
        return;
    }
    int64_t d = t - c->load;
    *count = (c->start + m - (uint32_t)(d % m)) % m;
    switch (c->mode) {
    case 0:
        *out = c->out_done || d >= c->start;
        break;
    case 1:
        *out = d >= c->start;
        break;
    default: /* 4, 5: one CLK low at the terminal count */
        *out = c->out_done || d != c->start;
        break;
    }
}

static int out_at(const struct pit_channel *c, int64_t t)
{
    int out;
    uint32_t count;
    eval(c, t, &out, &count);
    return out;
}

static uint32_t count_at(const struct pit_channel *c, int64_t t)
{
    int out;
    uint32_t count;
    eval(c, t, &out, &count);
    return count;
}

/* The first tick after t at which OUT changes, or TICK_NEVER. */
static int64_t next_edge(const struct pit_channel *c, int64_t t)
{
    if (!c->running)
        return TICK_NEVER;
    if (periodic(c)) {
        uint32_t n;
        int64_t load, k, r;
        regime(c, t, &n, &load);
        int64_t first = c->mode == 2 ? n - 1 : mode3_high(n);
        if (t < load)
            return load + first;
        k = (t - load) / n;
        r = (t - load) % n;
        return r < first ? load + k * n + first : load + (k + 1) * n;
    }
    int64_t term = c->load + c->start;
    switch (c->mode) {
    case 0:
        return !c->out_done && term > t ? term : TICK_NEVER;
    case 1:
        if (c->pre_out && c->load > t)
            return c->load;
        return term > t ? term : TICK_NEVER;
    default:
        if (c->out_done)
            return TICK_NEVER;
        if (term > t)
            return term;
        return term + 1 > t ? term + 1 : TICK_NEVER;
    }
}

/* A pending period takes over once its tick has come. */
static void fold(struct pit_channel *c, int64_t t)
{
    if (c->pend && t >= c->pend_at) {
        c->n = c->pend_n;
        c->load = c->pend_load;
        c->pend = 0;
    }
}

static uint32_t from_bcd(uint32_t v)
{
    return ((v >> 12 & 15) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 + (v & 15)) % 10000;
}

static uint16_t to_bcd(uint32_t v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

static uint16_t bus_value(const struct pit_channel *c, uint32_t count)
{
    return c->bcd ? to_bcd(count) : (uint16_t)count;
}

static void set_mode(struct pit_channel *c, uint8_t cw, int64_t t)
{
    c->frozen = count_at(c, t);
    c->cw_mode = (cw >> 1) & 7;
    c->mode = c->cw_mode > 5 ? c->cw_mode - 4 : c->cw_mode;
    c->rw = (cw >> 4) & 3;
    c->bcd = cw & 1;
    c->frozen %= modulus(c);
    c->armed = c->running = c->pend = 0;
    c->out_done = 0;
    c->pre_out = c->mode != 0;
    c->null_until = TICK_NEVER;
    c->wstate = c->rstate = c->latched = c->status_latched = 0;
}

static void write_count(struct pit_channel *c, uint32_t raw, int64_t t)
{
    uint32_t m = modulus(c), v = c->bcd ? from_bcd(raw) : raw;
    uint32_t n = v ? v : m;

    c->cr = n;
    switch (c->mode) {
    case 0:
    case 4:
        c->armed = 1;
        c->out_done = 0;
        c->pre_out = c->mode == 4;
        c->frozen = n % m;
        c->start = n;
        c->load = t + 1;
        c->running = c->gate;
        c->null_until = t + 1;
        break;
    case 1:
    case 5: /* waits for a gate trigger; a one-shot under way goes on */
        c->armed = 1;
        c->null_until = TICK_NEVER;
        break;
    default:
        c->armed = 1;
        if (c->running && t >= c->load) {
            /* The current period (mode 2) or half period (mode 3) runs out first. */
            int64_t b;
            if (c->pend) {
                b = c->pend_at;
            } else if (c->mode == 2) {
                uint32_t per = c->n < 2 ? 2 : c->n;
                b = c->load + ((t - c->load) / per + 1) * per;
            } else {
                b = next_edge(c, t);
            }
            int high_after = c->mode == 2 || !out_at(c, b - 1);
            uint32_t nn = n < 2 ? 2 : n;
            c->pend = 1;
            c->pend_n = n;
            c->pend_at = b;
            c->pend_load = high_after ? b : b - mode3_high(nn);
            c->null_until = b;
        } else {
            c->n = n;
            c->load = t + 1;
            c->running = c->gate;
            c->pend = 0;
            c->null_until = t + 1;
        }
        break;
    }
}

static void gate_change(struct pit_channel *c, int level, int64_t t)
{
    int out;
    uint32_t count;

    eval(c, t, &out, &count);
    c->gate = level;
    switch (c->mode) {
    case 0:
    case 4: /* the gate pauses counting */
        if (!c->armed)
            break;
        if (!level && c->running) {
            c->frozen = count;
            if (t >= c->load && t - c->load >= c->start)
                c->out_done = 1;
            c->running = 0;
        } else if (level && !c->running) {
            c->start = c->frozen ? c->frozen : (c->out_done ? 0 : modulus(c));
            c->load = t + 1;
            c->pre_out = c->mode == 0 ? c->out_done : 1;
            c->running = 1;
        }
        break;
    case 1:
    case 5: /* a rising edge (re)triggers */
        if (level && c->armed) {
            c->frozen = count;
            c->pre_out = out;
            c->start = c->cr;
            c->load = t + 1;
            c->out_done = 0;
            c->running = 1;
            c->null_until = t + 1;
        }
        break;
    default: /* low stops with OUT high; a rising edge reloads */
        if (!level && c->running) {
            c->frozen = count;
            c->running = 0;
            c->pend = 0;
        } else if (level && c->armed) {
            c->n = c->cr;
            c->load = t + 1;
            c->running = 1;
            c->pend = 0;
            c->null_until = t + 1;
        }
        break;
    }
}

/* ------------------------------------------------------------------ IRQ0 */

static void set_irq0(struct pit *p, int level)
{
    if (level != p->irq0_level) {
        p->irq0_level = level;
        if (p->irq0)
            p->irq0(p->opaque, level);
    }
}

/* Hand every OUT0 transition due by tick t to irq0, in order. */
static void irq0_deliver(struct pit *p, int64_t t)
{
    struct pit_channel *c = &p->ch[0];
    int64_t x;
    int steps = 0;

    while ((x = next_edge(c, p->irq0_tick)) <= t) {
        if (++steps == 16 && periodic(c)) {
            uint32_t n;
            int64_t load;
            regime(c, t, &n, &load);
            if (t - 2 * (int64_t)n > p->irq0_tick) {
                p->irq0_tick = t - 2 * (int64_t)n;
                continue;
            }
        }
        p->irq0_tick = x;
        set_irq0(p, out_at(c, x));
    }
    if (t > p->irq0_tick)
        p->irq0_tick = t;
}

static void irq0_schedule(struct pit *p)
{
    int64_t x = next_edge(&p->ch[0], p->irq0_tick);
    if (x == TICK_NEVER)
        timer_del(&p->timer);
    else
        timer_mod(&p->timer, ns_of(x));
}

/* After a change to channel 0 at tick t: OUT0 as it is now, and the next edge. */
static void irq0_settle(struct pit *p, int64_t t)
{
    set_irq0(p, out_at(&p->ch[0], t));
    p->irq0_tick = t;
    irq0_schedule(p);
}

static void pit_timer_cb(void *opaque)
{
    struct pit *p = opaque;
    irq0_deliver(p, now_tick(p));
    irq0_schedule(p);
}

/* Around every change of a channel's state: channel 0's past edges go out first. */
static void change_begin(struct pit *p, int i, int64_t t)
{
    if (i == 0)
        irq0_deliver(p, t);
    fold(&p->ch[i], t);
}

static void change_end(struct pit *p, int i, int64_t t)
{
    if (i == 0)
        irq0_settle(p, t);
}

/* ------------------------------------------------------------------ registers */

static void latch_count(struct pit_channel *c, int64_t t)
{
    if (c->latched)
        return; /* a second latch before the first is read is ignored */
    c->latch = bus_value(c, count_at(c, t));
    c->latched = c->rw == 3 ? 2 : 1;
}

static void latch_status(struct pit_channel *c, int64_t t)
{
    if (c->status_latched)
        return;
    c->status = (uint8_t)(out_at(c, t) << 7 | (t < c->null_until) << 6 | c->rw << 4 |
                          c->cw_mode << 1 | c->bcd);
    c->status_latched = 1;
}

static uint8_t read_counter(struct pit_channel *c, int64_t t)
{
    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    if (c->latched) {
        int msb = c->rw == 2 || (c->rw == 3 && c->latched == 1);
        c->latched--;
        return msb ? c->latch >> 8 : c->latch & 0xff;
    }
    uint16_t v = bus_value(c, count_at(c, t));
    if (c->rw == 1)
        return v & 0xff;
    if (c->rw == 2)
        return v >> 8;
    c->rstate ^= 1;
    return c->rstate ? v & 0xff : v >> 8;
}

static void write_counter(struct pit_channel *c, uint8_t v, int64_t t)
{
    if (c->rw == 1) {
        write_count(c, v, t);
    } else if (c->rw == 2) {
        write_count(c, (uint32_t)v << 8, t);
    } else if (!c->wstate) {
        c->wlo = v;
        c->wstate = 1;
        if (c->mode == 0) { /* the first byte stops counting and drops OUT */
            if (c->running)
                c->frozen = count_at(c, t);
            c->running = 0;
            c->out_done = 0;
        }
    } else {
        c->wstate = 0;
        write_count(c, c->wlo | (uint32_t)v << 8, t);
    }
}

static void control_write(struct pit *p, uint8_t v, int64_t t)
{
    int sc = v >> 6;

    if (sc == 3) { /* read-back: bit 5 clear latches counts, bit 4 clear latches status */
        for (int i = 0; i < 3; i++) {
            if (!(v & (2 << i)))
                continue;
            if (!(v & 0x20))
                latch_count(&p->ch[i], t);
            if (!(v & 0x10))
                latch_status(&p->ch[i], t);
        }
        return;
    }
    if (((v >> 4) & 3) == 0) {
        latch_count(&p->ch[sc], t);
        return;
    }
    change_begin(p, sc, t);
    set_mode(&p->ch[sc], v, t);
    change_end(p, sc, t);
}

static uint32_t pit_ioread(void *opaque, uint32_t offset, int size)
{
    struct pit *p = opaque;
    int64_t t = now_tick(p);
    uint32_t v = 0;
    for (int i = 0; i < size; i++) {
        uint32_t reg = offset + i;
        uint8_t b = reg < 3 ? read_counter(&p->ch[reg], t) : 0xff;
        v |= (uint32_t)b << (8 * i);
    }
    return v;
}

static void pit_iowrite(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct pit *p = opaque;
    int64_t t = now_tick(p);
    for (int i = 0; i < size; i++) {
        uint32_t reg = offset + i;
        uint8_t b = (uint8_t)(value >> (8 * i));
        if (reg == 3) {
            control_write(p, b, t);
        } else if (reg < 3) {
            change_begin(p, (int)reg, t);
            write_counter(&p->ch[reg], b, t);
            change_end(p, (int)reg, t);
        }
    }
}

/* ------------------------------------------------------------------ interface */

void pit_set_gate(struct pit *p, int channel, int level)
{
    if (channel < 0 || channel > 2 || p->ch[channel].gate == (level != 0))
        return;
    int64_t t = now_tick(p);
    change_begin(p, channel, t);
    gate_change(&p->ch[channel], level != 0, t);
    change_end(p, channel, t);
}

int pit_get_gate(struct pit *p, int channel)
{
    return channel >= 0 && channel <= 2 ? p->ch[channel].gate : 0;
}

int pit_get_out(struct pit *p, int channel)
{
    if (channel < 0 || channel > 2)
        return 0;
    return out_at(&p->ch[channel], now_tick(p));
}

static void program(struct pit_channel *c, uint8_t cw, uint32_t count, int64_t t)
{
    set_mode(c, cw, t);
    write_count(c, count, t);
}

void pit_reset(struct pit *p)
{
    int64_t t = now_tick(p);

    memset(p->ch, 0, sizeof(p->ch));
    for (int i = 0; i < 3; i++)
        p->ch[i].gate = i != 2;
    program(&p->ch[0], 0x36, 0, t); /* lsb/msb, mode 3, 65536: 18.2 Hz */
    program(&p->ch[1], 0x54, 18, t); /* lsb, mode 2, 18: 15 us refresh */
    program(&p->ch[2], 0xb6, 0, t); /* lsb/msb, mode 3, gate low */
    p->irq0_level = -1;
    irq0_settle(p, t);
}

struct pit *pit_create(struct ioports *io, struct clock *clock,
                       void (*irq0)(void *opaque, int level), void *opaque)
{
    struct pit *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->clock = clock;
    p->irq0 = irq0;
    p->opaque = opaque;
    timer_init(&p->timer, clock, pit_timer_cb, p);
    pit_reset(p);
    ioport_register(io, 0x40, 4, pit_ioread, pit_iowrite, p, "pit");
    return p;
}

/* ------------------------------------------------------------------ save/load */

static const uint8_t save_magic[8] = { 'P', 'I', 'T', '8', '2', '5', '4', 1 };

enum { CH_FIELDS = 26, S_FIELDS = 3 * CH_FIELDS + 2 };

/* Every field as a little-endian 64-bit word, in one fixed order. */
static void channel_fields(struct pit_channel *c, uint64_t *w, int store)
{
    uint64_t v[CH_FIELDS] = {
        c->mode, c->cw_mode, c->rw, c->bcd, c->gate, c->armed, c->running, c->out_done,
        c->pre_out, c->cr, c->n, c->start, c->frozen, (uint64_t)c->load, c->pend, c->pend_n,
        (uint64_t)c->pend_at, (uint64_t)c->pend_load, (uint64_t)c->null_until, c->wstate,
        c->wlo, c->rstate, c->latched, c->latch, c->status_latched, c->status,
    };
    if (store) {
        memcpy(w, v, sizeof(v));
        return;
    }
    int k = 0;
    c->mode = (uint8_t)w[k++];
    c->cw_mode = (uint8_t)w[k++];
    c->rw = (uint8_t)w[k++];
    c->bcd = w[k++] != 0;
    c->gate = w[k++] != 0;
    c->armed = w[k++] != 0;
    c->running = w[k++] != 0;
    c->out_done = w[k++] != 0;
    c->pre_out = w[k++] != 0;
    c->cr = (uint32_t)w[k++];
    c->n = (uint32_t)w[k++];
    c->start = (uint32_t)w[k++];
    c->frozen = (uint32_t)w[k++];
    c->load = (int64_t)w[k++];
    c->pend = w[k++] != 0;
    c->pend_n = (uint32_t)w[k++];
    c->pend_at = (int64_t)w[k++];
    c->pend_load = (int64_t)w[k++];
    c->null_until = (int64_t)w[k++];
    c->wstate = w[k++] != 0;
    c->wlo = (uint8_t)w[k++];
    c->rstate = w[k++] != 0;
    c->latched = (uint8_t)w[k++];
    c->latch = (uint16_t)w[k++];
    c->status_latched = w[k++] != 0;
    c->status = (uint8_t)w[k++];
}

static int channel_valid(const uint64_t *w)
{
    /* mode, cw_mode, rw, ..., cr, n, start, frozen, ..., pend_n, ..., latched */
    return w[0] <= 5 && w[1] <= 7 && w[2] >= 1 && w[2] <= 3 && w[9] <= 65536 &&
           w[10] <= 65536 && w[11] <= 65536 && w[12] < 65536 && w[15] <= 65536 && w[22] <= 2;
}

int pit_save(struct pit *p, FILE *f)
{
    uint64_t w[S_FIELDS];
    uint8_t b[S_FIELDS * 8];

    for (int i = 0; i < 3; i++)
        channel_fields(&p->ch[i], w + i * CH_FIELDS, 1);
    w[3 * CH_FIELDS] = (uint64_t)p->irq0_level;
    w[3 * CH_FIELDS + 1] = (uint64_t)p->irq0_tick;
    for (int i = 0; i < S_FIELDS * 8; i++)
        b[i] = (uint8_t)(w[i / 8] >> (8 * (i % 8)));
    if (fwrite(save_magic, sizeof(save_magic), 1, f) != 1 || fwrite(b, sizeof(b), 1, f) != 1)
        return -1;
    return 0;
}

int pit_load(struct pit *p, FILE *f)
{
    uint8_t magic[sizeof(save_magic)], b[S_FIELDS * 8];
    uint64_t w[S_FIELDS] = { 0 };

    if (fread(magic, sizeof(magic), 1, f) != 1 || memcmp(magic, save_magic, sizeof(magic)) ||
        fread(b, sizeof(b), 1, f) != 1)
        return -1;
    for (int i = 0; i < S_FIELDS * 8; i++)
        w[i / 8] |= (uint64_t)b[i] << (8 * (i % 8));
    for (int i = 0; i < 3; i++)
        if (!channel_valid(w + i * CH_FIELDS))
            return -1;
    for (int i = 0; i < 3; i++)
        channel_fields(&p->ch[i], w + i * CH_FIELDS, 0);
    p->irq0_tick = (int64_t)w[3 * CH_FIELDS + 1];
    p->irq0_level = -1;
    set_irq0(p, w[3 * CH_FIELDS] != 0);
    irq0_schedule(p);
    return 0;
}
