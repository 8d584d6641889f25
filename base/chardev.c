/*
 * chardev.c - character backends: stdio, null/none, file:, and raw descriptors.
 *
 * Output is written with write(2) straight away, never through stdio buffers,
 * so a guest's last line is on the terminal before bt86 exits.  Input is
 * non-blocking without touching O_NONBLOCK: on a terminal stdin and stdout
 * share one open file description, and O_NONBLOCK on it would make our own
 * writes fail with EAGAIN.  Instead poll(0) says whether read(2) would block.
 *
 * A terminal on stdin is put in a raw-ish mode (no echo, no line editing, no
 * CR/LF translation on input) and restored at exit and on fatal signals.
 * Only while bt86 is the terminal's foreground job, though: a background
 * process group that calls tcsetattr or reads the terminal is stopped by
 * SIGTTOU/SIGTTIN ("bt86 ... &" would hang, and gdb waiting for it with
 * it), and the terminal then belongs to someone else anyway.  In the
 * background the console writes but reads nothing; brought to the
 * foreground (fg), it takes the terminal over at its next poll.
 */
#include "base/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

enum chr_kind { CHR_NULL, CHR_NONE, CHR_STDIO, CHR_FILE, CHR_FDS };

#define CTRL_A 0x01

struct chardev {
    enum chr_kind kind;
    int in_fd, out_fd;      /* -1 when absent */
    int close_out;          /* out_fd is ours (file:) */
    int in_eof;
    int out_broken;         /* a write failed for good: drop further output */
    int escapes;            /* Ctrl-A commands (stdio on a terminal) */
    int tty;                /* in_fd is a terminal: read it only in the foreground */
    int keep_signals;       /* stdio,signal=on: Ctrl-C and Ctrl-Z stay the terminal's */
    int got_escape;
    uint8_t buf[256];       /* input read from in_fd, not yet handed out */
    int head, count;
    unsigned asks;          /* fill()s with nothing buffered, since the last poll */
    unsigned poll_every;    /* chardev_poll_every() */
};

static struct chardev *stdin_owner;
static struct termios saved_tio;
static int tio_saved;
/* Set by SIGCONT: after a stop (Ctrl-Z) the shell has put its own modes back. */
static volatile sig_atomic_t tio_stale;
static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT,
                                     SIGSEGV, SIGBUS, SIGFPE, SIGILL };

/* Async-signal-safe, like everything chardev_restore_terminal calls.  A
 * terminal that is not our controlling one (tcgetpgrp fails) has no job
 * control to stop us: it counts as ours. */
static int in_foreground(void)
{
    pid_t fg = tcgetpgrp(STDIN_FILENO);
    return fg == -1 || fg == getpgrp();
}

void chardev_restore_terminal(void)
{
    /* From the background the shell or the foreground job owns the modes now. */
    if (tio_saved && in_foreground())
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

static void continued(int sig)
{
    (void)sig;
    tio_stale = 1;
}

/* Async-signal-safe: restore, then die of the same signal (SA_RESETHAND). */
static void fatal_signal(int sig)
{
    chardev_restore_terminal();
    raise(sig);
}

static void install_restore_handlers(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    atexit(chardev_restore_terminal);
    for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++) {
        struct sigaction old, sa;
        /* Someone else (the machine, a debugger stub) owns this signal: leave it. */
        if (sigaction(fatal_signals[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL ||
            (old.sa_flags & SA_SIGINFO))
            continue;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = fatal_signal;
        sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        sigaction(fatal_signals[i], &sa, NULL);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = continued;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCONT, &sa, NULL);
}

static void make_terminal_raw(int keep_signals)
{
    struct termios cur, tio;
    if (tcgetattr(STDIN_FILENO, &cur) != 0)
        return;
    /* Still in our modes (a SIGCONT without a stop): keep the first saved ones. */
    if (tio_saved && !(cur.c_lflag & (ICANON | ECHO)))
        return;
    saved_tio = cur;
    tio_saved = 1;
    install_restore_handlers();
    tio = saved_tio;
    tio.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tio.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!keep_signals)
        tio.c_lflag &= ~ISIG;
    tio.c_cflag = (tio.c_cflag & ~(CSIZE | PARENB)) | CS8;
    /* Keep OPOST: the host terminal still turns the guest's "\n" into a newline. */
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &tio);
}

static struct chardev *chr_new(enum chr_kind kind, int in_fd, int out_fd)
{
    struct chardev *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->kind = kind;
    c->in_fd = in_fd;
    c->out_fd = out_fd;
    return c;
}

static int stdin_reserved;

void chardev_reserve_stdin(void)
{
    stdin_reserved = 1;
}

static struct chardev *open_stdio(const char *opts, char *err, size_t errlen)
{
    int keep_signals = 1;
    if (*opts) {
        if (!strcmp(opts, ",signal=off"))
            keep_signals = 0;
        else if (strcmp(opts, ",signal=on")) {
            snprintf(err, errlen, "unknown stdio option '%s' (only signal=on|off)", opts + 1);
            return NULL;
        }
    }
    /* Only one chardev reads stdin; a second stdio is output-only. */
    int taken = stdin_owner || stdin_reserved;
    struct chardev *c = chr_new(CHR_STDIO, taken ? -1 : STDIN_FILENO, STDOUT_FILENO);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!taken) {
        stdin_owner = c;
        if (isatty(STDIN_FILENO)) {
            c->escapes = 1;
            c->tty = 1;
            c->keep_signals = keep_signals;
            if (in_foreground())
                make_terminal_raw(keep_signals);
        }
    }
    return c;
}

struct chardev *chardev_open(const char *spec, char *err, size_t errlen)
{
    struct chardev *c;

    if (!spec)
        spec = "";
    if (!strcmp(spec, "null") || !strcmp(spec, "none")) {
        c = chr_new(spec[1] == 'o' ? CHR_NONE : CHR_NULL, -1, -1);
        if (!c)
            snprintf(err, errlen, "out of memory");
        return c;
    }
    /* mon:stdio is QEMU's stdio shared with its monitor; bt86's Ctrl-A keys are there too. */
    if (!strncmp(spec, "mon:", 4))
        spec += 4;
    if (!strncmp(spec, "stdio", 5) && (spec[5] == 0 || spec[5] == ','))
        return open_stdio(spec + 5, err, errlen);
    if (!strcmp(spec, "vc") || !strncmp(spec, "vc:", 3))
        return open_stdio("", err, errlen);
    if (!strncmp(spec, "file:", 5)) {
        const char *path = spec + 5;
        if (!*path) {
            snprintf(err, errlen, "file: needs a path (e.g. file:serial.log)");
            return NULL;
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) {
            snprintf(err, errlen, "cannot open '%s' for writing: %s", path, strerror(errno));
            return NULL;
        }
        c = chr_new(CHR_FILE, -1, fd);
        if (!c) {
            close(fd);
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        c->close_out = 1;
        return c;
    }
    snprintf(err, errlen, "unknown character device '%s' (use stdio, vc, null, none or file:PATH)",
             spec);
    return NULL;
}

struct chardev *chardev_open_fds(int in_fd, int out_fd)
{
    return chr_new(CHR_FDS, in_fd, out_fd);
}

static void write_all(struct chardev *c, const uint8_t *buf, size_t n)
{
    while (n > 0 && !c->out_broken) {
        ssize_t w = write(c->out_fd, buf, n);
        if (w > 0) {
            buf += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            /* Someone made the fd non-blocking: wait for room rather than lose output. */
            struct pollfd p = { .fd = c->out_fd, .events = POLLOUT };
            poll(&p, 1, 1000);
        } else {
            c->out_broken = 1;
        }
    }
}

void chardev_write(struct chardev *c, const uint8_t *buf, size_t n)
{
    if (!c || c->out_fd < 0)
        return;
    write_all(c, buf, n);
}

/* Refill the input buffer if the fd has data; never blocks. */
static void fill(struct chardev *c)
{
    if (c->in_fd < 0 || c->in_eof || c->count > 0)
        return;
    if (c->poll_every > 1 && c->asks++ % c->poll_every)
        return;
    if (c->tty) {
        if (!in_foreground())
            return;
        if (!tio_saved || tio_stale) {
            tio_stale = 0;
            make_terminal_raw(c->keep_signals);
        }
    }
    struct pollfd p = { .fd = c->in_fd, .events = POLLIN };
    if (poll(&p, 1, 0) <= 0)
        return;
    if (!(p.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
        return;
    if (p.revents & POLLNVAL) {
        c->in_eof = 1;
        return;
    }
    ssize_t r = read(c->in_fd, c->buf, sizeof(c->buf));
    if (r > 0) {
        c->head = 0;
        c->count = (int)r;
    } else if (r == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
        c->in_eof = 1;
    }
}

static void print_help(struct chardev *c)
{
    static const char help[] =
        "\r\nbt86 terminal escapes:\r\n"
        "  Ctrl-A h       print this help\r\n"
        "  Ctrl-A x       exit bt86\r\n"
        "  Ctrl-A Ctrl-A  send Ctrl-A to the guest\r\n";
    write_all(c, (const uint8_t *)help, sizeof(help) - 1);
}

static void quit(void)
{
    chardev_restore_terminal();
    static const char msg[] = "\r\nbt86: terminated by Ctrl-A x\r\n";
    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* nothing left to report it to */
    }
    fflush(NULL);
    exit(0);
}

/* Ctrl-A escapes; 1 if byte b goes to the guest. */
static int filter_escape(struct chardev *c, uint8_t b)
{
    if (!c->got_escape) {
        if (b == CTRL_A) {
            c->got_escape = 1;
            return 0;
        }
        return 1;
    }
    c->got_escape = 0;
    switch (b) {
    case CTRL_A:
        return 1;
    case 'x':
    case 'X':
        quit();
        return 0;
    case 'h':
    case 'H':
    case '?':
        print_help(c);
        return 0;
    default: /* unknown escapes are swallowed, as QEMU does */
        return 0;
    }
}

int chardev_read(struct chardev *c, uint8_t *byte)
{
    if (!c)
        return 0;
    for (;;) {
        fill(c);
        if (c->count == 0)
            return 0;
        uint8_t b = c->buf[c->head++];
        c->count--;
        if (!c->escapes || filter_escape(c, b)) {
            *byte = b;
            return 1;
        }
    }
}

void chardev_poll_every(struct chardev *c, unsigned n)
{
    if (c) {
        c->poll_every = n;
        c->asks = 0;
    }
}

void chardev_kick(struct chardev *c)
{
    if (c)
        c->asks = 0;
}

int chardev_pending(struct chardev *c)
{
    return c ? c->count : 0;
}

int chardev_fd(struct chardev *c)
{
    /* In the background, input is the foreground job's: waking on it would spin. */
    if (!c || c->in_eof || (c->tty && !in_foreground()))
        return -1;
    return c->in_fd;
}

int chardev_is_none(struct chardev *c)
{
    return c && c->kind == CHR_NONE;
}

void chardev_close(struct chardev *c)
{
    if (!c)
        return;
    if (c->close_out && c->out_fd >= 0)
        close(c->out_fd);
    if (c == stdin_owner) {
        chardev_restore_terminal();
        stdin_owner = NULL;
    }
    free(c);
}
