/*
 * pic8259.c - two 8259A in the PC's cascade: the slave's INT output is wired
 * to the master's IR2, and the master hands the INTA cycle on to the slave
 * when the request it chose is a cascade input (ICW3).
 *
 * Each chip has the datasheet's registers: IRR (requests), ISR (in service),
 * IMR (masks), a rotating priority (the IRQ with the lowest priority,
 * `lowest`, is 7 after ICW1), and the modes set by ICW1-ICW4 and OCW2-OCW3:
 * level or edge triggering (ICW1 LTIM or the PIIX ELCR bit per line),
 * automatic EOI (ICW4) with optional rotation (OCW2), special fully nested
 * mode (ICW4, master only), special mask mode and polling (OCW3).
 *
 * Triggering, as in the 8259A's priority cell: an edge-triggered line sets
 * its IRR bit on a rising edge and clears it when it goes low again; a
 * level-triggered one has IRR follow the pin.  So a request that is gone by
 * INTA is answered with the default IR7 vector, without setting ISR.  The
 * master's cascade input keeps its edge latch when the slave's INT drops, so
 * a request that vanished on the slave gives the slave's IR7 vector with the
 * master's IRQ2 in service, as PCs show (the OS then EOIs the master only).
 * The slave's INT is taken low during its INTA, so a request it still has
 * reaches the master as a fresh edge.
 *
 * Only the 8086 mode of ICW4 is modelled: a vector is ICW2's T7-T3 | the IRQ.
 */
#include "hw/pic8259.h"

#include "softmmu/ioport.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define ICW1_LTIM 0x08
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10

#define CASCADE_IRQ 2 /* the slave's INT on the master */

struct pic_chip {
    struct pic *pic;
    int master;
    uint8_t irr, isr, imr;
    uint8_t pin;       /* input levels as last driven (IR2 of the master: the slave's INT) */
    uint8_t elcr, elcr_mask;
    uint8_t base;      /* ICW2 & 0xf8 */
    uint8_t icw1, icw3, icw4;
    uint8_t init;      /* 0: operational, else the ICW (2, 3, 4) expected next */
    uint8_t lowest;    /* the IRQ with the lowest priority */
    uint8_t read_isr;  /* OCW3 RIS: port 0 reads ISR rather than IRR */
    uint8_t poll;      /* OCW3 P: the next read is a poll */
    uint8_t smm;       /* special mask mode */
    uint8_t rotate_aeoi;
};

struct pic {
    struct pic_chip chip[2];
    void (*intr)(void *opaque, int level);
    void *opaque;
    int intr_level;
};

static uint8_t level_lines(struct pic_chip *c)
{
    return (c->icw1 & ICW1_LTIM) ? 0xff : c->elcr;
}

static int is_cascade(struct pic_chip *c, int irq)
{
    return c->master && !(c->icw1 & ICW1_SNGL) && (c->icw3 & (1 << irq));
}

/* The IRQ of highest priority among mask, or -1. */
static int highest(struct pic_chip *c, uint8_t mask)
{
    for (int k = 1; k <= 8; k++) {
        int irq = (c->lowest + k) & 7;
        if (mask & (1 << irq))
            return irq;
    }
    return -1;
}

/* The IRQ this chip would present at INTA now, or -1 (its INT output is low). */
static int chip_pending(struct pic_chip *c)
{
    uint8_t req = c->irr & ~c->imr;

    if (c->init || !req)
        return -1;
    /* Special mask mode: only the mask and the levels in service themselves block. */
    if (c->smm)
        return highest(c, req & ~c->isr);
    for (int k = 1; k <= 8; k++) {
        int irq = (c->lowest + k) & 7;
        uint8_t bit = 1 << irq;
        /* Fully nested: a level in service blocks itself and everything below;
         * in special fully nested mode a cascade input does not block itself. */
        int sfnm_cascade = (c->icw4 & ICW4_SFNM) && is_cascade(c, irq);
        if ((req & bit) && (!(c->isr & bit) || sfnm_cascade))
            return irq;
        if (c->isr & bit)
            return -1;
    }
    return -1;
}

static void chip_set_input(struct pic_chip *c, int line, int level)
{
    uint8_t bit = 1 << line;

    if (level_lines(c) & bit) {
        c->irr = level ? c->irr | bit : c->irr & ~bit;
    } else if (level && !(c->pin & bit)) {
        c->irr |= bit;
    } else if (!level && !(c->master && line == CASCADE_IRQ)) {
        c->irr &= ~bit; /* the edge latch is gated by the level */
    }
    c->pin = level ? c->pin | bit : c->pin & ~bit;
}

static void update(struct pic *p)
{
    struct pic_chip *m = &p->chip[0];

    chip_set_input(m, CASCADE_IRQ, chip_pending(&p->chip[1]) >= 0);
    int level = chip_pending(m) >= 0;
    if (level != p->intr_level) {
        p->intr_level = level;
        p->intr(p->opaque, level);
    }
}

/* First INTA pulse (or a poll): the request moves from IRR to ISR. */
static void chip_ack(struct pic_chip *c, int irq)
{
    uint8_t bit = 1 << irq;

    if (!(level_lines(c) & bit))
        c->irr &= ~bit;
    if (c->icw4 & ICW4_AEOI) {
        if (c->rotate_aeoi)
            c->lowest = (uint8_t)irq;
    } else {
        c->isr |= bit;
    }
}

int pic_ack(struct pic *p)
{
    struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
    int irq = chip_pending(m), vector;

    if (irq < 0) {
        vector = m->base | 7; /* the request went away: default IR7, ISR untouched */
    } else {
        chip_ack(m, irq);
        if (is_cascade(m, irq)) {
            int sirq = chip_pending(s);
            if (sirq < 0) {
                vector = s->base | 7;
            } else {
                chip_ack(s, sirq);
                vector = s->base | sirq;
            }
            m->pin &= ~(1 << CASCADE_IRQ);
        } else {
            vector = m->base | irq;
        }
    }
    update(p);
    return vector;
}

void pic_set_irq(struct pic *p, int irq, int level)
{
    if (irq == CASCADE_IRQ)
        irq = 9;
    if (irq < 0 || irq > 15)
        return;
    chip_set_input(&p->chip[irq >> 3], irq & 7, level != 0);
    update(p);
}

/* ------------------------------------------------------------------ registers */

static void write_icw1(struct pic_chip *c, uint8_t v)
{
    c->icw1 = v;
    c->init = 2;
    c->imr = 0;
    c->isr = 0;
    /* The edge sense latches are reset: a line already high needs a new edge. */
    c->irr = c->pin & level_lines(c);
    /* ...but the slave's INT is re-sampled, so a request it holds is not lost. */
    if (c->master)
        c->pin &= ~(1 << CASCADE_IRQ);
    c->lowest = 7;
    c->read_isr = 0;
    c->poll = 0;
    c->smm = 0;
    c->rotate_aeoi = 0;
    if (!(v & ICW1_IC4))
        c->icw4 = 0;
}

static void write_ocw2(struct pic_chip *c, uint8_t v)
{
    int level = v & 7, irq;

    switch (v >> 5) {
    case 1: /* non-specific EOI */
    case 5: /* rotate on non-specific EOI */
        irq = highest(c, c->isr);
        if (irq >= 0) {
            c->isr &= ~(1 << irq);
            if (v >> 5 == 5)
                c->lowest = (uint8_t)irq;
        }
        break;
    case 3: /* specific EOI */
        c->isr &= ~(1 << level);
        break;
    case 7: /* rotate on specific EOI */
        c->isr &= ~(1 << level);
        c->lowest = (uint8_t)level;
        break;
    case 6: /* set priority */
        c->lowest = (uint8_t)level;
        break;
    case 4:
        c->rotate_aeoi = 1;
        break;
    case 0:
        c->rotate_aeoi = 0;
        break;
    default: /* 2: no operation */
        break;
    }
}

static void write_ocw3(struct pic_chip *c, uint8_t v)
{
    if (v & 0x40)
        c->smm = (v >> 5) & 1;
    if (v & 0x04)
        c->poll = 1;
    if (v & 0x02)
        c->read_isr = v & 1;
}

static void write_data(struct pic_chip *c, uint8_t v)
{
    switch (c->init) {
    case 2:
        c->base = v & 0xf8;
        if (!(c->icw1 & ICW1_SNGL))
            c->init = 3;
        else
            c->init = (c->icw1 & ICW1_IC4) ? 4 : 0;
        break;
    case 3:
        c->icw3 = v;
        c->init = (c->icw1 & ICW1_IC4) ? 4 : 0;
        break;
    case 4:
        c->icw4 = v & 0x1f;
        c->init = 0;
        break;
    default:
        c->imr = v;
        break;
    }
}

/* A poll is an INTA of this chip alone, read as 0x80 | level (0 when none). */
static uint8_t poll_read(struct pic_chip *c)
{
    int irq = chip_pending(c);

    c->poll = 0;
    if (irq < 0)
        return 0;
    chip_ack(c, irq);
    update(c->pic);
    return (uint8_t)(0x80 | irq);
}

static uint8_t reg_read(struct pic_chip *c, uint32_t reg)
{
    if (c->poll)
        return poll_read(c);
    if (reg == 1)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

static void reg_write(struct pic_chip *c, uint32_t reg, uint8_t v)
{
    if (reg == 1)
        write_data(c, v);
    else if (v & 0x10)
        write_icw1(c, v);
    else if (v & 0x08)
        write_ocw3(c, v);
    else
        write_ocw2(c, v);
    update(c->pic);
}

static uint32_t pic_ioread(void *opaque, uint32_t offset, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size; i++) {
        uint32_t reg = offset + i;
        v |= (uint32_t)(reg < 2 ? reg_read(opaque, reg) : 0xff) << (8 * i);
    }
    return v;
}

static void pic_iowrite(void *opaque, uint32_t offset, uint32_t value, int size)
{
    for (int i = 0; i < size; i++)
        if (offset + i < 2)
            reg_write(opaque, offset + i, (uint8_t)(value >> (8 * i)));
}

static uint32_t elcr_ioread(void *opaque, uint32_t offset, int size)
{
    struct pic *p = opaque;
    uint32_t v = 0;
    for (int i = 0; i < size; i++) {
        uint32_t reg = offset + i;
        v |= (uint32_t)(reg < 2 ? p->chip[reg].elcr : 0xff) << (8 * i);
    }
    return v;
}

static void elcr_iowrite(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct pic *p = opaque;
    for (int i = 0; i < size; i++) {
        if (offset + i >= 2)
            continue;
        struct pic_chip *c = &p->chip[offset + i];
        c->elcr = (uint8_t)(value >> (8 * i)) & c->elcr_mask;
        c->irr = (c->irr & ~level_lines(c)) | (c->pin & level_lines(c));
    }
    update(p);
}

/* ------------------------------------------------------------------ lifecycle */

static void chip_reset(struct pic_chip *c, uint8_t base, uint8_t icw3, uint8_t imr)
{
    c->elcr = 0;
    write_icw1(c, 0x11);
    c->base = base;
    c->icw3 = icw3;
    c->icw4 = 0x01;
    c->init = 0;
    c->imr = imr;
}

void pic_reset(struct pic *p)
{
    chip_reset(&p->chip[0], 0x08, 1 << CASCADE_IRQ, (uint8_t)~(1 << CASCADE_IRQ));
    chip_reset(&p->chip[1], 0x70, CASCADE_IRQ, 0xff);
    p->intr_level = 0;
    p->intr(p->opaque, 0);
    update(p);
}

struct pic *pic_create(struct ioports *io, void (*intr)(void *opaque, int level), void *opaque)
{
    struct pic *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->intr = intr;
    p->opaque = opaque;
    for (int i = 0; i < 2; i++) {
        p->chip[i].pic = p;
        p->chip[i].master = i == 0;
    }
    p->chip[0].elcr_mask = 0xf8; /* IRQ0, 1, 2 are always edge */
    p->chip[1].elcr_mask = 0xde; /* and IRQ8, 13 */
    pic_reset(p);
    ioport_register(io, 0x20, 2, pic_ioread, pic_iowrite, &p->chip[0], "pic-master");
    ioport_register(io, 0xa0, 2, pic_ioread, pic_iowrite, &p->chip[1], "pic-slave");
    ioport_register(io, 0x4d0, 2, elcr_ioread, elcr_iowrite, p, "elcr");
    return p;
}

/* ------------------------------------------------------------------ save/load */

static const uint8_t save_magic[8] = { 'P', 'I', 'C', '8', '2', '5', '9', 1 };

enum {
    S_IRR, S_ISR, S_IMR, S_PIN, S_ELCR, S_BASE, S_ICW1, S_ICW3, S_ICW4, S_INIT, S_LOWEST,
    S_READ_ISR, S_POLL, S_SMM, S_ROTATE_AEOI, S_CHIP_SIZE
};

int pic_save(struct pic *p, FILE *f)
{
    uint8_t s[2][S_CHIP_SIZE];

    for (int i = 0; i < 2; i++) {
        struct pic_chip *c = &p->chip[i];
        s[i][S_IRR] = c->irr;
        s[i][S_ISR] = c->isr;
        s[i][S_IMR] = c->imr;
        s[i][S_PIN] = c->pin;
        s[i][S_ELCR] = c->elcr;
        s[i][S_BASE] = c->base;
        s[i][S_ICW1] = c->icw1;
        s[i][S_ICW3] = c->icw3;
        s[i][S_ICW4] = c->icw4;
        s[i][S_INIT] = c->init;
        s[i][S_LOWEST] = c->lowest;
        s[i][S_READ_ISR] = c->read_isr;
        s[i][S_POLL] = c->poll;
        s[i][S_SMM] = c->smm;
        s[i][S_ROTATE_AEOI] = c->rotate_aeoi;
    }
    if (fwrite(save_magic, sizeof(save_magic), 1, f) != 1 || fwrite(s, sizeof(s), 1, f) != 1)
        return -1;
    return 0;
}

int pic_load(struct pic *p, FILE *f)
{
    uint8_t magic[sizeof(save_magic)], s[2][S_CHIP_SIZE];

    if (fread(magic, sizeof(magic), 1, f) != 1 || memcmp(magic, save_magic, sizeof(magic)) ||
        fread(s, sizeof(s), 1, f) != 1)
        return -1;
    for (int i = 0; i < 2; i++)
        if (s[i][S_INIT] > 4 || s[i][S_INIT] == 1 || s[i][S_LOWEST] > 7)
            return -1;
    for (int i = 0; i < 2; i++) {
        struct pic_chip *c = &p->chip[i];
        c->irr = s[i][S_IRR];
        c->isr = s[i][S_ISR];
        c->imr = s[i][S_IMR];
        c->pin = s[i][S_PIN];
        c->elcr = s[i][S_ELCR] & c->elcr_mask;
        c->base = s[i][S_BASE] & 0xf8;
        c->icw1 = s[i][S_ICW1];
        c->icw3 = s[i][S_ICW3];
        c->icw4 = s[i][S_ICW4] & 0x1f;
        c->init = s[i][S_INIT];
        c->lowest = s[i][S_LOWEST];
        c->read_isr = s[i][S_READ_ISR] != 0;
        c->poll = s[i][S_POLL] != 0;
        c->smm = s[i][S_SMM] != 0;
        c->rotate_aeoi = s[i][S_ROTATE_AEOI] != 0;
    }
    p->intr_level = chip_pending(&p->chip[0]) >= 0;
    p->intr(p->opaque, p->intr_level);
    update(p);
    return 0;
}

int pic_irq_unmasked(struct pic *p, int irq)
{
    if (irq >= 8 && (p->chip[0].imr & (1 << CASCADE_IRQ)))
        return 0;
    return !(p->chip[irq >= 8].imr & (1 << (irq & 7)));
}
