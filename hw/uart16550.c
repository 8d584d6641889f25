/*
 * uart16550.c - a 16550A UART: RBR/THR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR
 * and the divisor latch, with a 16-byte receive FIFO.
 *
 * Transmission takes no time: THR writes go straight to the chardev (or, in
 * loopback mode, to the receive FIFO), so THR is always empty and the THR-empty
 * interrupt comes back right after each write, as it would after the byte
 * left on a real line.  Reception is paced by uart_poll(): it only takes
 * input while the FIFO has room, so bytes from the host are never lost to an
 * overrun (only loopback can overrun).  The character timeout of FIFO mode
 * is a virtual-time timer: 4 character times (at the divisor and frame in
 * LCR) after the last byte went into or out of the receive FIFO, if bytes
 * are left in it, as on the chip.
 *
 * Interrupt sources, highest priority first (IIR bits 3..0):
 *   0110 line status (OE, PE, FE, BI)        cleared by reading LSR
 *   0100 received data at the trigger level  cleared by reading RBR below it
 *   1100 character timeout                   cleared by reading RBR
 *   0010 THR empty                           cleared by reading IIR, writing THR
 *   0000 modem status (MSR deltas)           cleared by reading MSR
 */
#include "hw/uart16550.h"

#include "base/timer.h"
#include "softmmu/ioport.h"
#include "base/chardev.h"

#include <stdlib.h>
#include <string.h>

#define FIFO_SIZE 16

/* IER */
#define IER_ERBFI 0x01
#define IER_ETBEI 0x02
#define IER_ELSI 0x04
#define IER_EDSSI 0x08
/* IIR */
#define IIR_NONE 0x01
#define IIR_MSR 0x00
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define IIR_RLS 0x06
#define IIR_TIMEOUT 0x0c
#define IIR_FIFO 0xc0
/* FCR */
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04
#define FCR_WRITABLE 0xc9 /* enable, DMA mode, trigger level */
/* LCR */
#define LCR_DLAB 0x80
/* MCR */
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
/* LSR */
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_PE 0x04
#define LSR_FE 0x08
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_ERRORS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)
/* MSR */
#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define MSR_DELTAS 0x0f

struct uart {
    struct clock *clock;
    const char *name;
    struct chardev *chr;
    void (*irq)(void *opaque, int level);
    void *irq_opaque;
    int irq_level;

    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint16_t divisor;
    uint8_t rx[FIFO_SIZE];
    int rx_head, rx_count;
    uint8_t thr_ipending;     /* THR-empty interrupt latched, not yet acknowledged */
    uint8_t timeout_ipending; /* character timeout (FIFO mode) */
    struct timer rx_timer;    /* the character timeout's 4 character times */
};

static int fifo_enabled(struct uart *u)
{
    return u->fcr & FCR_ENABLE;
}

static int rx_trigger(struct uart *u)
{
    static const int levels[4] = { 1, 4, 8, 14 };
    return fifo_enabled(u) ? levels[u->fcr >> 6] : 1;
}

static int rx_capacity(struct uart *u)
{
    return fifo_enabled(u) ? FIFO_SIZE : 1;
}

static uint8_t compute_iir(struct uart *u)
{
    uint8_t id = IIR_NONE;

    if ((u->ier & IER_ELSI) && (u->lsr & LSR_ERRORS))
        id = IIR_RLS;
    else if ((u->ier & IER_ERBFI) && u->rx_count >= rx_trigger(u))
        id = IIR_RDA;
    else if ((u->ier & IER_ERBFI) && u->timeout_ipending && u->rx_count > 0)
        id = IIR_TIMEOUT;
    else if ((u->ier & IER_ETBEI) && u->thr_ipending)
        id = IIR_THRE;
    else if ((u->ier & IER_EDSSI) && (u->msr & MSR_DELTAS))
        id = IIR_MSR;
    return id | (fifo_enabled(u) ? IIR_FIFO : 0);
}

static void update_irq(struct uart *u)
{
    int level = !(compute_iir(u) & IIR_NONE);
    if (level != u->irq_level) {
        u->irq_level = level;
        if (u->irq)
            u->irq(u->irq_opaque, level);
    }
}

/* One character on the line: start, data, parity and stop bits at the divisor's rate. */
static uint64_t char_ns(struct uart *u)
{
    uint64_t bits = 1 + 5 + (u->lcr & 3) + (u->lcr & 0x08 ? 1 : 0) + (u->lcr & 0x04 ? 2 : 1);
    uint64_t div = u->divisor ? u->divisor : 0x10000;
    return bits * div * 1000000000ull / 115200;
}

/* A byte went into or out of the receive FIFO: the timeout starts over. */
static void rx_activity(struct uart *u)
{
    u->timeout_ipending = 0;
    if (fifo_enabled(u) && u->rx_count > 0)
        timer_mod(&u->rx_timer, clock_now(u->clock) + 4 * char_ns(u));
    else
        timer_del(&u->rx_timer);
}

static void rx_timeout(void *opaque)
{
    struct uart *u = opaque;
    if (fifo_enabled(u) && u->rx_count > 0) {
        u->timeout_ipending = 1;
        update_irq(u);
    }
}

static void rx_clear(struct uart *u)
{
    u->rx_head = u->rx_count = 0;
    u->lsr &= ~LSR_DR;
    u->timeout_ipending = 0;
    timer_del(&u->rx_timer);
}

static void rx_push(struct uart *u, uint8_t b)
{
    if (u->rx_count == rx_capacity(u)) {
        u->lsr |= LSR_OE;
        /* 16450 mode: the new byte replaces the unread one; FIFO mode: it is lost. */
        if (!fifo_enabled(u))
            u->rx[u->rx_head] = b;
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % FIFO_SIZE] = b;
    u->rx_count++;
    u->lsr |= LSR_DR;
    rx_activity(u);
}

static uint8_t rx_pop(struct uart *u)
{
    uint8_t b = u->rx[u->rx_head];
    if (u->rx_count > 0) {
        u->rx_head = (u->rx_head + 1) % FIFO_SIZE;
        if (--u->rx_count == 0)
            u->lsr &= ~LSR_DR;
    }
    rx_activity(u);
    return b;
}

/* CTS, DSR, RI, DCD: the MCR outputs in loopback, else a line that is always ready. */
static uint8_t modem_inputs(struct uart *u)
{
    if (!(u->mcr & MCR_LOOP))
        return MSR_DCD | MSR_DSR | MSR_CTS;
    return (u->mcr & MCR_RTS ? MSR_CTS : 0) | (u->mcr & MCR_DTR ? MSR_DSR : 0) |
           (u->mcr & MCR_OUT1 ? MSR_RI : 0) | (u->mcr & MCR_OUT2 ? MSR_DCD : 0);
}

static void set_modem_inputs(struct uart *u, uint8_t now)
{
    uint8_t before = u->msr & ~MSR_DELTAS, deltas = u->msr & MSR_DELTAS;
    uint8_t changed = before ^ now;

    if (changed & MSR_CTS)
        deltas |= MSR_DCTS;
    if (changed & MSR_DSR)
        deltas |= MSR_DDSR;
    if ((before & MSR_RI) && !(now & MSR_RI)) /* trailing edge only */
        deltas |= MSR_TERI;
    if (changed & MSR_DCD)
        deltas |= MSR_DDCD;
    u->msr = now | deltas;
}

static void transmit(struct uart *u, uint8_t b)
{
    u->thr_ipending = 0;
    update_irq(u);
    if (u->mcr & MCR_LOOP)
        rx_push(u, b);
    else
        chardev_write(u->chr, &b, 1);
    /* The byte is gone at once: THR empty again (a new edge for an edge-triggered PIC). */
    u->lsr |= LSR_THRE | LSR_TEMT;
    if (u->ier & IER_ETBEI)
        u->thr_ipending = 1;
    update_irq(u);
}

static uint8_t reg_read(struct uart *u, uint32_t reg)
{
    uint8_t v;

    switch (reg) {
    case 0:
        if (u->lcr & LCR_DLAB)
            return u->divisor & 0xff;
        v = rx_pop(u);
        update_irq(u);
        return v;
    case 1:
        return u->lcr & LCR_DLAB ? u->divisor >> 8 : u->ier;
    case 2:
        v = compute_iir(u);
        if ((v & 0x0f) == IIR_THRE) {
            u->thr_ipending = 0;
            update_irq(u);
        }
        return v;
    case 3:
        return u->lcr;
    case 4:
        return u->mcr;
    case 5:
        v = u->lsr;
        u->lsr &= ~LSR_ERRORS;
        update_irq(u);
        return v;
    case 6:
        v = u->msr;
        u->msr &= ~MSR_DELTAS;
        update_irq(u);
        return v;
    default:
        return u->scr;
    }
}

static void reg_write(struct uart *u, uint32_t reg, uint8_t v)
{
    switch (reg) {
    case 0:
        if (u->lcr & LCR_DLAB)
            u->divisor = (u->divisor & 0xff00) | v;
        else
            transmit(u, v);
        break;
    case 1:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (u->divisor & 0x00ff) | (uint16_t)(v << 8);
        } else {
            uint8_t changed = (u->ier ^ v) & 0x0f;
            u->ier = v & 0x0f;
            /* Enabling ETBEI with THR empty raises the interrupt (Windows relies on it). */
            if (changed & IER_ETBEI)
                u->thr_ipending = (u->ier & IER_ETBEI) && (u->lsr & LSR_THRE);
            update_irq(u);
        }
        break;
    case 2:
        /* Toggling the enable bit empties both FIFOs; other bits need it set. */
        if ((v ^ u->fcr) & FCR_ENABLE)
            rx_clear(u);
        if (v & FCR_CLEAR_RX)
            rx_clear(u);
        /* FCR_CLEAR_TX: the transmit side never holds anything. */
        u->fcr = (v & FCR_ENABLE) ? (v & FCR_WRITABLE) : 0;
        update_irq(u);
        break;
    case 3:
        u->lcr = v;
        break;
    case 4:
        u->mcr = v & 0x1f;
        set_modem_inputs(u, modem_inputs(u));
        update_irq(u);
        break;
    case 5: /* LSR: factory test only */
    case 6: /* MSR: read-only */
        break;
    default:
        u->scr = v;
        break;
    }
}

/* The UART is byte-wide: a wider access touches consecutive registers. */
static uint32_t uart_ioread(void *opaque, uint32_t offset, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size; i++) {
        uint32_t reg = offset + i;
        v |= (uint32_t)(reg < 8 ? reg_read(opaque, reg) : 0xff) << (8 * i);
    }
    return v;
}

static void uart_iowrite(void *opaque, uint32_t offset, uint32_t value, int size)
{
    for (int i = 0; i < size; i++)
        if (offset + i < 8)
            reg_write(opaque, offset + i, (uint8_t)(value >> (8 * i)));
}

void uart_reset(struct uart *u)
{
    u->ier = 0;
    u->lcr = 0;
    u->mcr = 0;
    u->fcr = 0;
    u->scr = 0;
    u->lsr = LSR_THRE | LSR_TEMT;
    u->msr = modem_inputs(u);
    u->divisor = 12; /* 9600 baud, what a BIOS would leave */
    u->thr_ipending = 0;
    rx_clear(u);
    update_irq(u);
}

struct uart *uart_create(struct ioports *io, struct clock *clock, uint16_t iobase,
                         struct chardev *chr, void (*irq)(void *opaque, int level),
                         void *irq_opaque, const char *name)
{
    struct uart *u = calloc(1, sizeof(*u));
    if (!u)
        return NULL;
    u->clock = clock;
    u->name = name ? name : "uart";
    u->chr = chr;
    u->irq = irq;
    u->irq_opaque = irq_opaque;
    timer_init(&u->rx_timer, clock, rx_timeout, u);
    uart_reset(u);
    ioport_register(io, iobase, 8, uart_ioread, uart_iowrite, u, u->name);
    return u;
}

void uart_poll(struct uart *u)
{
    uint8_t b;

    if (u->chr && !(u->mcr & MCR_LOOP))
        while (u->rx_count < rx_capacity(u) && chardev_read(u->chr, &b))
            rx_push(u, b);
    update_irq(u);
}

/* ------------------------------------------------------------------ save/load */

static const uint8_t save_magic[8] = { 'U', '1', '6', '5', '5', '0', 0, 1 };

enum {
    S_IER, S_LCR, S_MCR, S_LSR, S_MSR, S_SCR, S_FCR, S_DIV_LO, S_DIV_HI,
    S_THR_IP, S_TIMEOUT_IP, S_RX_COUNT, S_RX, S_SIZE = S_RX + FIFO_SIZE
};

int uart_save(struct uart *u, FILE *f)
{
    uint8_t s[S_SIZE];

    s[S_IER] = u->ier;
    s[S_LCR] = u->lcr;
    s[S_MCR] = u->mcr;
    s[S_LSR] = u->lsr;
    s[S_MSR] = u->msr;
    s[S_SCR] = u->scr;
    s[S_FCR] = u->fcr;
    s[S_DIV_LO] = u->divisor & 0xff;
    s[S_DIV_HI] = u->divisor >> 8;
    s[S_THR_IP] = u->thr_ipending;
    s[S_TIMEOUT_IP] = u->timeout_ipending;
    s[S_RX_COUNT] = (uint8_t)u->rx_count;
    for (int i = 0; i < FIFO_SIZE; i++) /* oldest byte first */
        s[S_RX + i] = u->rx[(u->rx_head + i) % FIFO_SIZE];
    if (fwrite(save_magic, sizeof(save_magic), 1, f) != 1 || fwrite(s, sizeof(s), 1, f) != 1)
        return -1;
    return 0;
}

int uart_load(struct uart *u, FILE *f)
{
    uint8_t magic[sizeof(save_magic)], s[S_SIZE];

    if (fread(magic, sizeof(magic), 1, f) != 1 || memcmp(magic, save_magic, sizeof(magic)) ||
        fread(s, sizeof(s), 1, f) != 1 || s[S_RX_COUNT] > FIFO_SIZE ||
        (!(s[S_FCR] & FCR_ENABLE) && s[S_RX_COUNT] > 1))
        return -1;
    u->ier = s[S_IER] & 0x0f;
    u->lcr = s[S_LCR];
    u->mcr = s[S_MCR] & 0x1f;
    u->lsr = s[S_LSR];
    u->msr = s[S_MSR];
    u->scr = s[S_SCR];
    u->fcr = s[S_FCR] & FCR_WRITABLE;
    u->divisor = s[S_DIV_LO] | (uint16_t)(s[S_DIV_HI] << 8);
    u->thr_ipending = s[S_THR_IP] != 0;
    u->timeout_ipending = s[S_TIMEOUT_IP] != 0;
    u->rx_count = s[S_RX_COUNT];
    u->rx_head = 0;
    memcpy(u->rx, s + S_RX, FIFO_SIZE);
    if (!u->timeout_ipending)
        rx_activity(u);
    update_irq(u);
    return 0;
}
