/*
 * rtc_mc146818.c - the MC146818 real-time clock: time and date registers
 * 0-9, control registers A-D, and CMOS RAM up to 0x7f.
 *
 * The clock is not a counter that the emulator ticks: the current second is
 * base_unix + offset_sec + (virtual ns + phase_ns) / 1e9, computed on each
 * read, so nothing runs while the guest ignores the chip.  offset_sec moves
 * when the guest sets the time; phase_ns places the second boundaries (the
 * divider chain), and moves only when the divider comes out of reset, which
 * starts the first second 500 ms later as on the chip.
 *
 * While the clock is stopped (SET in B, or the divider held in reset) the
 * time registers are plain bytes the guest may write; when it runs again
 * they are parsed in the mode then in effect (the chip converts nothing on a
 * mode change).  A write to a time register of a running clock sets the
 * clock from it at once.
 *
 * The flags of register C are brought up to date lazily, over the virtual
 * time since they were last looked at: PF when a periodic edge passed
 * (even with PIE off), UF when a second boundary passed, AF when a boundary
 * landed on the alarm.  A timer is armed only for the next edge of a source
 * whose interrupt is enabled, and only while the IRQ line is low: once it
 * is high nothing changes for the guest until it reads C.
 *
 * Periodic edges and UIP are placed on the 32.768 kHz grid of the divider,
 * so a periodic rate of 6 gives edges exactly 32 cycles (976.5625 us) apart.
 */
#include "hw/rtc_mc146818.h"

#include "base/timer.h"
#include "softmmu/ioport.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_SEC 1000000000ull
#define XTAL_HZ 32768ull
#define UIP_NS 244000ull /* UIP rises this long before the update */
#define NEVER_SEC INT64_MAX

/* Register indices */
#define R_SEC 0x00
#define R_SEC_ALARM 0x01
#define R_MIN 0x02
#define R_MIN_ALARM 0x03
#define R_HOUR 0x04
#define R_HOUR_ALARM 0x05
#define R_WDAY 0x06
#define R_MDAY 0x07
#define R_MONTH 0x08
#define R_YEAR 0x09
#define R_A 0x0a
#define R_B 0x0b
#define R_C 0x0c
#define R_D 0x0d
#define R_CENTURY 0x32
/* A */
#define A_UIP 0x80
#define A_DV 0x70
#define A_DV_NORMAL 0x20
#define A_RS 0x0f
/* B */
#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_DM_BINARY 0x04
#define B_24H 0x02
/* C */
#define C_IRQF 0x80
#define C_PF 0x40
#define C_AF 0x20
#define C_UF 0x10
/* D */
#define D_VRT 0x80
/* Alarm bytes with the two top bits set match any value. */
#define ALARM_ANY 0xc0

struct rtc {
    struct clock *clock;
    uint8_t cmos[128];
    uint8_t index;
    uint8_t nmi_masked;
    int64_t base_unix;
    int64_t offset_sec;
    uint64_t phase_ns;   /* 0..1e9-1: virtual ns + phase_ns is on the divider's grid */
    uint64_t flags_ns;   /* virtual time register C is up to date with */
    int irq_level;
    void (*irq)(void *opaque, int level);
    void *irq_opaque;
    struct timer timer;
};

/* ------------------------------------------------------------------ the clock */

/* The divider chain counts (000 and 001 are other crystals, QEMU runs them too). */
static int chain_running(uint8_t a)
{
    return (a & A_DV) <= A_DV_NORMAL;
}

static int clock_running(uint8_t a, uint8_t b)
{
    return chain_running(a) && !(b & B_SET);
}

static int running(struct rtc *r)
{
    return clock_running(r->cmos[R_A], r->cmos[R_B]);
}

/* ns on the divider's grid: second boundaries fall on multiples of 1e9. */
static uint64_t grid_ns(struct rtc *r, uint64_t now)
{
    return now + r->phase_ns;
}

static int64_t clock_sec(struct rtc *r, uint64_t now)
{
    return r->base_unix + r->offset_sec + (int64_t)(grid_ns(r, now) / NS_PER_SEC);
}

/* 32.768 kHz cycles up to grid time g, and the first grid ns of cycle c. */
static uint64_t grid_cycles(uint64_t g)
{
    return g / NS_PER_SEC * XTAL_HZ + g % NS_PER_SEC * XTAL_HZ / NS_PER_SEC;
}

static uint64_t cycle_grid_ns(uint64_t c)
{
    return c / XTAL_HZ * NS_PER_SEC + (c % XTAL_HZ * NS_PER_SEC + XTAL_HZ - 1) / XTAL_HZ;
}

/* Rate bits to the periodic interval in 32.768 kHz cycles; 0 when off. */
static uint64_t periodic_cycles(uint8_t a)
{
    int rs = a & A_RS;
    if (rs == 0)
        return 0;
    if (rs <= 2)
        rs += 7; /* 3.90625 ms and 7.8125 ms: the taps of rates 8 and 9 */
    return 1ull << (rs - 1);
}

static int binary_mode(struct rtc *r)
{
    return (r->cmos[R_B] & B_DM_BINARY) != 0;
}

static uint8_t to_reg(struct rtc *r, int v)
{
    return binary_mode(r) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static int from_reg(struct rtc *r, uint8_t v)
{
    return binary_mode(r) ? v : (v >> 4) * 10 + (v & 15);
}

/* A register value as a number, or -1 if it is no valid number in this mode. */
static int from_reg_checked(struct rtc *r, uint8_t v)
{
    if (!binary_mode(r) && ((v & 15) > 9 || (v >> 4) > 9))
        return -1;
    return from_reg(r, v);
}

static uint8_t hour_to_reg(struct rtc *r, int h)
{
    if (r->cmos[R_B] & B_24H)
        return to_reg(r, h);
    return (uint8_t)((h >= 12 ? 0x80 : 0) | to_reg(r, h % 12 ? h % 12 : 12));
}

static int hour_from_reg(struct rtc *r, uint8_t v)
{
    if (r->cmos[R_B] & B_24H)
        return from_reg(r, v);
    int h = from_reg(r, v & 0x7f) % 12;
    return v & 0x80 ? h + 12 : h;
}

/* Show Unix time t in the time registers and the century byte. */
static void render_time(struct rtc *r, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm))
        return;
    r->cmos[R_SEC] = to_reg(r, tm.tm_sec);
    r->cmos[R_MIN] = to_reg(r, tm.tm_min);
    r->cmos[R_HOUR] = hour_to_reg(r, tm.tm_hour);
    r->cmos[R_WDAY] = to_reg(r, tm.tm_wday + 1);
    r->cmos[R_MDAY] = to_reg(r, tm.tm_mday);
    r->cmos[R_MONTH] = to_reg(r, tm.tm_mon + 1);
    r->cmos[R_YEAR] = to_reg(r, tm.tm_year % 100);
    r->cmos[R_CENTURY] = to_reg(r, (tm.tm_year + 1900) / 100);
}

/* The Unix time the registers show; timegm takes out-of-range fields in its stride. */
static int64_t parse_time(struct rtc *r)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_sec = from_reg(r, r->cmos[R_SEC]);
    tm.tm_min = from_reg(r, r->cmos[R_MIN]);
    tm.tm_hour = hour_from_reg(r, r->cmos[R_HOUR]);
    tm.tm_mday = from_reg(r, r->cmos[R_MDAY]);
    tm.tm_mon = from_reg(r, r->cmos[R_MONTH]) - 1;
    tm.tm_year = from_reg(r, r->cmos[R_CENTURY]) * 100 + from_reg(r, r->cmos[R_YEAR]) - 1900;
    return (int64_t)timegm(&tm);
}

/* Stopping: the registers keep the time it was. */
static void freeze(struct rtc *r, uint64_t now)
{
    render_time(r, clock_sec(r, now));
}

/* Starting: run on from the registers, on the current second grid. */
static void thaw(struct rtc *r, uint64_t now)
{
    r->offset_sec = parse_time(r) - r->base_unix - (int64_t)(grid_ns(r, now) / NS_PER_SEC);
}

/* An alarm byte as a number to match, -1 for any value, -2 for one that never matches. */
static int alarm_value(struct rtc *r, int reg)
{
    uint8_t v = r->cmos[reg];
    int n;

    if ((v & ALARM_ANY) == ALARM_ANY)
        return -1;
    if (reg == R_HOUR_ALARM && !(r->cmos[R_B] & B_24H)) {
        n = from_reg_checked(r, v & 0x7f);
        if (n < 1 || n > 12)
            return -2;
        return v & 0x80 ? n % 12 + 12 : n % 12;
    }
    n = from_reg_checked(r, v);
    return n < 0 ? -2 : n;
}

/* The first second after t (Unix time) the alarm matches, or NEVER_SEC. */
static int64_t next_alarm(struct rtc *r, int64_t t)
{
    int as = alarm_value(r, R_SEC_ALARM), am = alarm_value(r, R_MIN_ALARM);
    int ah = alarm_value(r, R_HOUR_ALARM);

    if (as == -2 || am == -2 || ah == -2 || as > 59 || am > 59 || ah > 23)
        return NEVER_SEC;
    /* Every pattern recurs within a day; skip whole hours and minutes that cannot match. */
    for (int64_t c = t + 1; c <= t + 86400;) {
        int64_t day_s = c % 86400;
        if (day_s < 0)
            day_s += 86400;
        int h = (int)(day_s / 3600), m = (int)(day_s / 60 % 60), s = (int)(day_s % 60);
        if (ah >= 0 && h != ah)
            c += 3600 - day_s % 3600;
        else if (am >= 0 && m != am)
            c += 60 - s;
        else if (as >= 0 && s != as)
            c += as > s ? as - s : 60 - s;
        else
            return c;
    }
    return NEVER_SEC;
}

/* ------------------------------------------------------------------ interrupts */

/* Bring the flags of register C up to virtual time now. */
static void update_flags(struct rtc *r, uint64_t now)
{
    uint64_t from = r->flags_ns;
    uint8_t a = r->cmos[R_A];

    r->flags_ns = now;
    if (now <= from)
        return; /* nothing passed, or virtual time restarted (created before the clock) */
    uint64_t period = periodic_cycles(a);
    if (period && chain_running(a) &&
        grid_cycles(grid_ns(r, now)) / period > grid_cycles(grid_ns(r, from)) / period)
        r->cmos[R_C] |= C_PF;
    if (!running(r))
        return;
    int64_t s0 = clock_sec(r, from), s1 = clock_sec(r, now);
    if (s1 > s0) {
        r->cmos[R_C] |= C_UF;
        if (next_alarm(r, s0) <= s1)
            r->cmos[R_C] |= C_AF;
    }
}

static uint8_t irqf(struct rtc *r)
{
    uint8_t c = r->cmos[R_C], b = r->cmos[R_B];
    return ((c & C_PF) && (b & B_PIE)) || ((c & C_AF) && (b & B_AIE)) ||
           ((c & C_UF) && (b & B_UIE)) ? C_IRQF : 0;
}

/* The virtual time of the next edge of an enabled source, or TIMER_NEVER. */
static uint64_t next_event(struct rtc *r, uint64_t now)
{
    uint8_t a = r->cmos[R_A], b = r->cmos[R_B];
    uint64_t g = grid_ns(r, now), next = TIMER_NEVER, period = periodic_cycles(a);

    if ((b & B_PIE) && period && chain_running(a)) {
        uint64_t edge = cycle_grid_ns((grid_cycles(g) / period + 1) * period);
        next = edge - r->phase_ns;
    }
    if (!running(r))
        return next;
    uint64_t second = (g / NS_PER_SEC + 1) * NS_PER_SEC - r->phase_ns;
    if ((b & B_UIE) && second < next)
        next = second;
    if (b & B_AIE) {
        int64_t t = clock_sec(r, now), at = next_alarm(r, t);
        if (at != NEVER_SEC) {
            uint64_t when = second + (uint64_t)(at - t - 1) * NS_PER_SEC;
            if (when < next)
                next = when;
        }
    }
    return next;
}

/* After any change: drive the IRQ line from IRQF and arm the timer if the line may rise. */
static void rearm(struct rtc *r, uint64_t now)
{
    int level = irqf(r) != 0;

    if (level != r->irq_level) {
        r->irq_level = level;
        if (r->irq)
            r->irq(r->irq_opaque, level);
    }
    uint64_t next = level ? TIMER_NEVER : next_event(r, now);
    if (next == TIMER_NEVER)
        timer_del(&r->timer);
    else
        timer_mod(&r->timer, next);
}

static void rtc_timer_cb(void *opaque)
{
    struct rtc *r = opaque;
    uint64_t now = clock_now(r->clock);
    update_flags(r, now);
    rearm(r, now);
}

/* ------------------------------------------------------------------ registers */

/* New A and B: stop or start the clock around the change. */
static void set_control(struct rtc *r, uint64_t now, uint8_t a, uint8_t b)
{
    int was_running = running(r), was_chain = chain_running(r->cmos[R_A]);

    if (b & B_SET)
        b &= ~B_UIE; /* as on the chip: SET clears UIE */
    if (was_running && !clock_running(a, b))
        freeze(r, now); /* in the mode before the change */
    r->cmos[R_A] = a & ~A_UIP;
    r->cmos[R_B] = b;
    if (!was_chain && chain_running(a)) /* out of reset: the first update in 500 ms */
        r->phase_ns = (NS_PER_SEC / 2 + NS_PER_SEC - now % NS_PER_SEC) % NS_PER_SEC;
    if (!was_running && running(r))
        thaw(r, now);
}

static int uip(struct rtc *r, uint64_t now)
{
    if ((r->cmos[R_A] & A_DV) != A_DV_NORMAL || (r->cmos[R_B] & B_SET))
        return 0;
    return grid_ns(r, now) % NS_PER_SEC >= NS_PER_SEC - UIP_NS;
}

static int is_time_reg(int index)
{
    return index == R_SEC || index == R_MIN || index == R_HOUR || index == R_WDAY ||
           index == R_MDAY || index == R_MONTH || index == R_YEAR || index == R_CENTURY;
}

/* The byte at index; reading C clears it when clear_c. */
static uint8_t cmos_get(struct rtc *r, int index, int clear_c)
{
    uint64_t now = clock_now(r->clock);
    uint8_t v;

    index &= 0x7f;
    if (is_time_reg(index) && running(r))
        render_time(r, clock_sec(r, now));
    switch (index) {
    case R_A:
        return r->cmos[R_A] | (uip(r, now) ? A_UIP : 0);
    case R_C:
        update_flags(r, now);
        v = r->cmos[R_C] | irqf(r);
        if (clear_c) {
            r->cmos[R_C] = 0;
            rearm(r, now);
        }
        return v;
    case R_D:
        return D_VRT;
    default:
        return r->cmos[index];
    }
}

static void cmos_set(struct rtc *r, int index, uint8_t v)
{
    uint64_t now = clock_now(r->clock);

    update_flags(r, now);
    switch (index) {
    case R_A:
        set_control(r, now, v, r->cmos[R_B]);
        break;
    case R_B:
        set_control(r, now, r->cmos[R_A], v);
        break;
    case R_C:
    case R_D:
        return; /* read-only */
    default:
        if (is_time_reg(index) && running(r)) {
            freeze(r, now);
            r->cmos[index] = v;
            thaw(r, now);
        } else {
            r->cmos[index] = v;
        }
        break;
    }
    rearm(r, now);
}

static uint32_t rtc_ioread(void *opaque, uint32_t offset, int size)
{
    struct rtc *r = opaque;
    uint32_t v = 0;

    for (int i = 0; i < size; i++) {
        uint32_t b = 0xff; /* the index port is write-only */
        if (offset + i == 1)
            b = cmos_get(r, r->index, 1);
        v |= b << (8 * i);
    }
    return v;
}

static void rtc_iowrite(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct rtc *r = opaque;

    for (int i = 0; i < size; i++) {
        uint8_t b = (uint8_t)(value >> (8 * i));
        if (offset + i == 0) {
            r->index = b & 0x7f;
            r->nmi_masked = b >> 7;
        } else if (offset + i == 1) {
            cmos_set(r, r->index, b);
        }
    }
}

/* ------------------------------------------------------------------ lifecycle */

void rtc_reset(struct rtc *r)
{
    uint64_t now = clock_now(r->clock);

    update_flags(r, now);
    set_control(r, now, 0x26, B_24H);
    r->cmos[R_C] = 0;
    r->cmos[R_D] = D_VRT;
    rearm(r, now);
}

struct rtc *rtc_create(struct ioports *io, struct clock *clock, uint16_t iobase,
                       void (*irq)(void *opaque, int level), void *irq_opaque, int64_t base_unix)
{
    struct rtc *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->clock = clock;
    r->irq = irq;
    r->irq_opaque = irq_opaque;
    r->base_unix = base_unix;
    r->flags_ns = clock_now(r->clock);
    r->cmos[R_A] = 0x26;
    r->cmos[R_B] = B_24H;
    timer_init(&r->timer, clock, rtc_timer_cb, r);
    rtc_reset(r);
    ioport_register(io, iobase, 2, rtc_ioread, rtc_iowrite, r, "rtc");
    return r;
}

static void put16(struct rtc *r, int index, uint32_t v)
{
    r->cmos[index] = (uint8_t)v;
    r->cmos[index + 1] = (uint8_t)(v >> 8);
}

void rtc_set_memory(struct rtc *r, uint32_t ram_bytes)
{
    uint32_t kib = ram_bytes / 1024, ext = 0, above16 = 0;
    uint16_t sum = 0;

    if (ram_bytes > 1024 * 1024)
        ext = kib - 1024 < 0xffff ? kib - 1024 : 0xffff;
    if (ram_bytes > 16 * 1024 * 1024)
        above16 = (ram_bytes - 16 * 1024 * 1024) / 65536;
    put16(r, 0x15, kib < 640 ? kib : 640);
    put16(r, 0x17, ext);
    put16(r, 0x30, ext);
    put16(r, 0x34, above16 < 0xffff ? above16 : 0xffff);
    r->cmos[0x10] = 0;    /* no floppy drives */
    r->cmos[0x14] = 0x06; /* equipment: FPU, PS/2 mouse, VGA, no floppy (as QEMU) */
    /* The AT BIOS checksum over 0x10-0x2d, high byte first. */
    for (int i = 0x10; i <= 0x2d; i++)
        sum += r->cmos[i];
    r->cmos[0x2e] = (uint8_t)(sum >> 8);
    r->cmos[0x2f] = (uint8_t)sum;
}

void rtc_cmos_set(struct rtc *r, int index, uint8_t v)
{
    if (index >= 0x0e && index < 0x80)
        r->cmos[index] = v;
}

/* The value only: a tool looking at C must not acknowledge the guest's interrupt. */
uint8_t rtc_cmos_read(struct rtc *r, int index)
{
    return cmos_get(r, index, 0);
}

/* ------------------------------------------------------------------ save/load */

static const uint8_t save_magic[8] = { 'M', 'C', '1', '4', '6', '8', 0, 1 };

enum {
    S_CMOS = 0, S_INDEX = 128, S_NMI, S_OFFSET, S_PHASE = S_OFFSET + 8, S_SIZE = S_PHASE + 4
};

int rtc_save(struct rtc *r, FILE *f)
{
    uint64_t now = clock_now(r->clock);
    uint8_t s[S_SIZE];

    update_flags(r, now);
    if (running(r))
        render_time(r, clock_sec(r, now));
    memcpy(s + S_CMOS, r->cmos, 128);
    s[S_INDEX] = r->index;
    s[S_NMI] = r->nmi_masked;
    for (int i = 0; i < 8; i++)
        s[S_OFFSET + i] = (uint8_t)((uint64_t)r->offset_sec >> (8 * i));
    for (int i = 0; i < 4; i++)
        s[S_PHASE + i] = (uint8_t)(r->phase_ns >> (8 * i));
    if (fwrite(save_magic, sizeof(save_magic), 1, f) != 1 || fwrite(s, sizeof(s), 1, f) != 1)
        return -1;
    return 0;
}

int rtc_load(struct rtc *r, FILE *f)
{
    uint8_t magic[sizeof(save_magic)], s[S_SIZE];
    uint64_t offset = 0;
    uint32_t phase = 0;

    if (fread(magic, sizeof(magic), 1, f) != 1 || memcmp(magic, save_magic, sizeof(magic)) ||
        fread(s, sizeof(s), 1, f) != 1)
        return -1;
    for (int i = 0; i < 8; i++)
        offset |= (uint64_t)s[S_OFFSET + i] << (8 * i);
    for (int i = 0; i < 4; i++)
        phase |= (uint32_t)s[S_PHASE + i] << (8 * i);
    if (phase >= NS_PER_SEC)
        return -1;
    memcpy(r->cmos, s + S_CMOS, 128);
    r->cmos[R_A] &= ~A_UIP;
    r->cmos[R_D] = D_VRT;
    r->index = s[S_INDEX] & 0x7f;
    r->nmi_masked = s[S_NMI] != 0;
    r->offset_sec = (int64_t)offset;
    r->phase_ns = phase;
    r->flags_ns = clock_now(r->clock);
    rearm(r, r->flags_ns);
    return 0;
}
