/*
 * test_uart.c - the 16550A through the I/O port bus, with chardevs on pipes,
 * on a virtual clock the test moves itself (it supplies clock_now() and the
 * timers: base/timer.c would pull in the whole machine).
 * Exits 0 when every check passes; prints each failure.
 */
#include "base/timer.h"
#include "hw/uart16550.h"
#include "softmmu/ioport.h"
#include "tests/unit/fake_clock.h"
#include "base/chardev.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct ioports io; /* the devices' port space */

#define BASE 0x3f8
#define RBR (BASE + 0)
#define THR (BASE + 0)
#define DLL (BASE + 0)
#define IER (BASE + 1)
#define DLM (BASE + 1)
#define IIR (BASE + 2)
#define FCR (BASE + 2)
#define LCR (BASE + 3)
#define MCR (BASE + 4)
#define LSR (BASE + 5)
#define MSR (BASE + 6)
#define SCR (BASE + 7)

static int failures;

#define CHECK_EQ(expr, want)                                                              \
    do {                                                                                  \
        unsigned long got_ = (unsigned long)(expr), want_ = (unsigned long)(want);        \
        if (got_ != want_) {                                                              \
            printf("%s:%d: %s = 0x%lx, want 0x%lx\n", __FILE__, __LINE__, #expr, got_,    \
                   want_);                                                                \
            failures++;                                                                   \
        }                                                                                 \
    } while (0)

/* Move the clock by ns, running each timer at its deadline. */
static void advance(uint64_t ns)
{
    run_to(fake_vclock + ns);
}

/* 8N1 at divisor 1: 10 bits at 115200 baud; the timeout is 4 characters. */
#define CHAR_NS 86805ull

static int irq_level, irq_raises;

static void fake_irq(void *opaque, int level)
{
    if (level && !irq_level)
        irq_raises++;
    irq_level = level;
    *(int *)opaque += 1;
}

static uint8_t in8(uint16_t port)
{
    return (uint8_t)ioport_read(&io, port, 1);
}

static void out8(uint16_t port, uint8_t v)
{
    ioport_write(&io, port, v, 1);
}

/* Everything the UART sent to the output pipe so far (non-blocking). */
static size_t drain(int fd, char *buf, size_t len)
{
    ssize_t n = read(fd, buf, len);
    return n > 0 ? (size_t)n : 0;
}

static void test_chardev_specs(void)
{
    char err[256], path[] = "/tmp/test_uart.XXXXXX";
    struct chardev *c;

    err[0] = 0;
    CHECK_EQ(chardev_open("bogus", err, sizeof(err)) == NULL, 1);
    CHECK_EQ(err[0] != 0, 1);
    err[0] = 0;
    CHECK_EQ(chardev_open("file:/nonexistent-dir/x", err, sizeof(err)) == NULL, 1);
    CHECK_EQ(strstr(err, "nonexistent") != NULL, 1);
    CHECK_EQ(chardev_open("file:", err, sizeof(err)) == NULL, 1);

    c = chardev_open("null", err, sizeof(err));
    CHECK_EQ(c != NULL, 1);
    CHECK_EQ(chardev_fd(c), -1);
    CHECK_EQ(chardev_is_none(c), 0);
    chardev_write(c, (const uint8_t *)"x", 1);
    chardev_close(c);
    c = chardev_open("none", err, sizeof(err));
    CHECK_EQ(c != NULL && chardev_is_none(c), 1);
    chardev_close(c);

    int fd = mkstemp(path);
    CHECK_EQ(fd >= 0, 1);
    close(fd);
    char spec[64];
    snprintf(spec, sizeof(spec), "file:%s", path);
    c = chardev_open(spec, err, sizeof(err));
    CHECK_EQ(c != NULL, 1);
    if (c) {
        uint8_t b;
        chardev_write(c, (const uint8_t *)"log!", 4);
        CHECK_EQ(chardev_read(c, &b), 0);
        chardev_close(c);
        char buf[16] = { 0 };
        fd = open(path, O_RDONLY);
        CHECK_EQ(read(fd, buf, sizeof(buf)), 4);
        CHECK_EQ(memcmp(buf, "log!", 4), 0);
        close(fd);
    }
    unlink(path);
}

int main(void)
{
    int in_pipe[2], out_pipe[2], irq_calls = 0;
    char buf[64];
    uint8_t b;

    test_chardev_specs();

    if (pipe(in_pipe) || pipe(out_pipe)) {
        perror("pipe");
        return 1;
    }
    fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
    struct chardev *chr = chardev_open_fds(in_pipe[0], out_pipe[1]);
    ioport_init(&io);
    struct uart *u = uart_create(&io, NULL, BASE, chr, fake_irq, &irq_calls, "com1");

    /* After reset. */
    CHECK_EQ(in8(LSR), 0x60);
    CHECK_EQ(in8(IIR), 0x01);
    CHECK_EQ(in8(IER), 0x00);
    CHECK_EQ(in8(LCR), 0x00);
    CHECK_EQ(in8(MCR), 0x00);
    CHECK_EQ(in8(MSR), 0xb0);
    CHECK_EQ(irq_level, 0);

    /* Divisor latch, byte and word wide, hidden again when DLAB is cleared. */
    out8(LCR, 0x80);
    out8(DLL, 0x34);
    out8(DLM, 0x12);
    CHECK_EQ(in8(DLL), 0x34);
    CHECK_EQ(in8(DLM), 0x12);
    ioport_write(&io, DLL, 0x0001, 2);
    CHECK_EQ(ioport_read(&io, DLL, 2), 0x0001);
    out8(LCR, 0x03);
    CHECK_EQ(in8(LCR), 0x03);
    CHECK_EQ(in8(IER), 0x00);
    out8(SCR, 0x5a);
    CHECK_EQ(in8(SCR), 0x5a);

    /* Transmit goes straight out; THR stays empty. */
    out8(THR, 'O');
    out8(THR, 'K');
    CHECK_EQ(drain(out_pipe[0], buf, sizeof(buf)), 2);
    CHECK_EQ(memcmp(buf, "OK", 2), 0);
    CHECK_EQ(in8(LSR), 0x60);
    CHECK_EQ(irq_calls, 0);

    /* THR-empty interrupt: raised on enabling, cleared by reading IIR... */
    out8(IER, 0x02);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(in8(IIR), 0x02);
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(in8(IIR), 0x01);
    /* ...raised again after a THR write (a fresh edge)... */
    int raises = irq_raises;
    out8(THR, '!');
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(irq_raises, raises + 1);
    out8(THR, '?');
    CHECK_EQ(irq_raises, raises + 2);
    CHECK_EQ(in8(IIR), 0x02);
    CHECK_EQ(irq_level, 0);
    /* ...re-armed by toggling ETBEI, dropped by clearing it. */
    out8(IER, 0x00);
    out8(IER, 0x02);
    CHECK_EQ(irq_level, 1);
    out8(IER, 0x00);
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(in8(IIR), 0x01);
    drain(out_pipe[0], buf, sizeof(buf));

    /* Loopback: THR feeds RBR, nothing leaves; MSR mirrors the MCR outputs. */
    out8(MCR, 0x10);
    CHECK_EQ(in8(MSR), 0x0b); /* CTS, DSR, DCD dropped: their deltas */
    out8(MCR, 0x13);
    CHECK_EQ(in8(MSR), 0x33);
    out8(MCR, 0x17);
    CHECK_EQ(in8(MSR), 0x70); /* RI rising: no TERI */
    out8(MCR, 0x13);
    CHECK_EQ(in8(MSR), 0x34); /* RI falling: TERI */
    CHECK_EQ(in8(MSR), 0x30);
    out8(IER, 0x08);
    out8(MCR, 0x1b);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(in8(IIR), 0x00);
    CHECK_EQ(in8(MSR), 0xb8);
    CHECK_EQ(irq_level, 0);
    out8(IER, 0x00);

    out8(THR, 'x');
    CHECK_EQ(in8(LSR), 0x61);
    CHECK_EQ(drain(out_pipe[0], buf, sizeof(buf)), 0);
    out8(IER, 0x01);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(in8(IIR), 0x04);
    CHECK_EQ(in8(RBR), 'x');
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(in8(LSR), 0x60);

    /* Overrun (16450 mode): the second byte replaces the first, OE is a line status irq. */
    out8(IER, 0x05);
    out8(THR, 'a');
    out8(THR, 'b');
    CHECK_EQ(in8(IIR), 0x06);
    CHECK_EQ(in8(LSR), 0x63);
    CHECK_EQ(in8(IIR), 0x04);
    CHECK_EQ(in8(RBR), 'b');
    CHECK_EQ(in8(LSR), 0x60);
    CHECK_EQ(irq_level, 0);

    /* FIFO mode in loopback: 16 bytes in order, the 17th overruns. */
    out8(FCR, 0x07);
    CHECK_EQ(in8(IIR), 0xc1);
    for (int i = 0; i < 17; i++)
        out8(THR, (uint8_t)('A' + i));
    CHECK_EQ(in8(LSR), 0x63);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(in8(RBR), 'A' + i);
    CHECK_EQ(in8(LSR), 0x60);
    out8(IER, 0x00);
    out8(MCR, 0x0b);
    in8(MSR);

    /* Receive from the chardev, trigger level 14: below it only the timeout
     * fires, 4 character times after the last byte came in or was read. */
    out8(FCR, 0xc7);
    out8(IER, 0x01);
    CHECK_EQ(write(in_pipe[1], "hello", 5), 5);
    uart_poll(u);
    CHECK_EQ(in8(LSR), 0x61);
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(in8(IIR), 0xc1);
    uart_poll(u);
    advance(4 * CHAR_NS - 1000);
    uart_poll(u);
    CHECK_EQ(irq_level, 0); /* polls alone never time out */
    CHECK_EQ(in8(IIR), 0xc1);
    advance(1000);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(in8(IIR), 0xcc);
    buf[0] = (char)in8(RBR); /* a read starts the 4 characters again */
    CHECK_EQ(irq_level, 0);
    advance(4 * CHAR_NS - 1000);
    CHECK_EQ(in8(IIR), 0xc1);
    advance(1000);
    CHECK_EQ(in8(IIR), 0xcc);
    for (int i = 1; i < 5; i++)
        buf[i] = (char)in8(RBR);
    CHECK_EQ(memcmp(buf, "hello", 5), 0);
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(in8(LSR), 0x60);
    advance(10 * CHAR_NS); /* empty: no timeout */
    CHECK_EQ(in8(IIR), 0xc1);

    /* Trigger level 4 reached at once; the FIFO takes no more than 16. */
    out8(FCR, 0x41);
    CHECK_EQ(write(in_pipe[1], "0123456789abcdefXYZ", 19), 19);
    uart_poll(u);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(in8(IIR), 0xc4);
    for (int i = 0; i < 16; i++)
        buf[i] = (char)in8(RBR);
    CHECK_EQ(memcmp(buf, "0123456789abcdef", 16), 0);
    CHECK_EQ(in8(LSR), 0x60); /* no overrun: input waits in the chardev */
    uart_poll(u);
    CHECK_EQ(in8(LSR), 0x61);
    CHECK_EQ(in8(RBR), 'X');

    /* 16450 mode: one byte at a time. */
    out8(FCR, 0x00);
    CHECK_EQ(in8(LSR), 0x60); /* disabling the FIFO emptied it */
    CHECK_EQ(write(in_pipe[1], "pq", 2), 2);
    uart_poll(u);
    CHECK_EQ(in8(IIR), 0x04);
    CHECK_EQ(in8(RBR), 'p');
    CHECK_EQ(irq_level, 0);
    uart_poll(u);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(in8(RBR), 'q');

    /* Save, scramble, load. */
    out8(IER, 0x03);
    out8(SCR, 0xa5);
    out8(LCR, 0x83);
    out8(DLL, 0x01);
    out8(LCR, 0x03);
    CHECK_EQ(write(in_pipe[1], "z", 1), 1);
    uart_poll(u);
    FILE *f = tmpfile();
    CHECK_EQ(uart_save(u, f), 0);
    uart_reset(u);
    CHECK_EQ(in8(SCR), 0x00);
    CHECK_EQ(irq_level, 0);
    rewind(f);
    CHECK_EQ(uart_load(u, f), 0);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(in8(IER), 0x03);
    CHECK_EQ(in8(SCR), 0xa5);
    CHECK_EQ(in8(LSR), 0x61);
    CHECK_EQ(in8(RBR), 'z');
    out8(LCR, 0x83);
    CHECK_EQ(in8(DLL), 0x01);
    out8(LCR, 0x03);
    rewind(f);
    CHECK_EQ(fwrite("garbage!", 8, 1, f), 1);
    rewind(f);
    CHECK_EQ(uart_load(u, f), -1);
    fclose(f);

    /* Paced input (the machine's serial ports): with nothing buffered,
     * only every 4th read polls the pipe; a kick makes the next one poll. */
    chardev_poll_every(chr, 4);
    CHECK_EQ(write(in_pipe[1], "k", 1), 1);
    CHECK_EQ(chardev_read(chr, &b), 1);
    CHECK_EQ(b, 'k');
    CHECK_EQ(write(in_pipe[1], "m", 1), 1);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(chardev_read(chr, &b), 0);
    CHECK_EQ(chardev_read(chr, &b), 1);
    CHECK_EQ(b, 'm');
    CHECK_EQ(write(in_pipe[1], "n", 1), 1);
    chardev_kick(chr);
    CHECK_EQ(chardev_read(chr, &b), 1);
    CHECK_EQ(b, 'n');
    chardev_poll_every(chr, 1);

    /* EOF on the input: no fd to poll any more. */
    CHECK_EQ(chardev_fd(chr), in_pipe[0]);
    close(in_pipe[1]);
    CHECK_EQ(chardev_read(chr, &b), 0);
    CHECK_EQ(chardev_fd(chr), -1);

    /* Unassigned neighbours are untouched; byte reads beyond the UART float high. */
    CHECK_EQ(ioport_read(&io, BASE + 8, 1), 0xff);

    chardev_close(chr);
    if (failures) {
        printf("test_uart: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_uart: all checks passed\n");
    return 0;
}
