/*
 * screen.c - the machine's screen and keyboard: the VGA shown in the
 * display, host input fed to the i8042, keys typed by -sendkeys, and the
 * -screendump image at exit.
 *
 * The display refreshes in host time (about 60 times a second), not in
 * virtual time: a person looks at it, and under -icount a halted guest
 * warps virtual time, which would make a virtual-time refresh spin.  The
 * refresh runs from the event loop between blocks, and a halted CPU sleeps
 * at most until the next refresh, so an idle guest costs a frame's
 * rendering 60 times a second and nothing else.
 *
 * -sendkeys types on the PS/2 keyboard once the guest listens (IRQ 1
 * unmasked at the PIC, or after two seconds for a guest that polls), one
 * key event at a time, each only when the previous one has been read, so
 * no key is lost however slowly the guest reads them.  With -sendkeys-when
 * TEXT it waits, as a person would, until TEXT shows on the text screen
 * (a shell's prompt): keys typed before a program reads the console may be
 * dropped by the guest.
 */
#include "machine/screen.h"

#include "machine/machine.h"
#include "base/timer.h"
#include "hw/i8042.h"
#include "hw/pic8259.h"
#include "hw/ps2kbd.h"
#include "hw/ps2mouse.h"
#include "hw/vga.h"
#include "machine/display.h"
#include "hw/keymap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFRESH_NS 16666667ull
#define SENDKEYS_POLLING_START_NS 2000000000ull

struct screen {
    struct machine *m;
    struct display *display;
    uint32_t *shown; /* the frame on the display, to skip unchanged ones */
    uint64_t stamp;   /* vga_stamp of that frame */
    int w, h;
    uint64_t next_refresh; /* host ns */
    /* -sendkeys: the text, the next character, and the step within it */
    const char *keys;
    size_t key_pos;
    int key_step;
    const char *when;    /* -sendkeys-when: wait for this on the screen */
    uint64_t next_look;  /* host ns of the next look at the screen for it */
};

static void on_key(void *opaque, uint16_t keycode, int down)
{
    struct machine *m = opaque;
    ps2kbd_key(m->kbd, keycode, down);
}

static void on_mouse(void *opaque, int dx, int dy, int dz, unsigned buttons)
{
    struct machine *m = opaque;
    ps2mouse_event(m->mouse, dx, dy, dz, buttons);
}

static void on_quit(void *opaque)
{
    struct machine *m = opaque;
    fprintf(stderr, "bt86: window closed\n");
    machine_shutdown(m, 0);
}

int screen_init(struct machine *m)
{
    struct screen *s = calloc(1, sizeof(*s));
    if (!s)
        return -1;
    s->m = m;
    s->keys = m->opt.sendkeys;
    s->when = m->opt.sendkeys_when;
    m->screen = s;
    if (m->opt.display == DISPLAY_NONE || !m->opt.display_ops || !m->vga)
        return 0;
    char err[256], title[256];
    const char *k = m->opt.kernel ? strrchr(m->opt.kernel, '/') : NULL;
    snprintf(title, sizeof(title), "bt86 - %s", k ? k + 1 : m->opt.kernel ? m->opt.kernel : "");
    if (m->opt.name)
        snprintf(title, sizeof(title), "bt86 (%s)", m->opt.name); /* as QEMU titles -name */
    struct display_input in = { on_key, on_mouse, on_quit, m };
    s->display = m->opt.display_ops->open(title, &in, err, sizeof(err));
    if (!s->display)
        fprintf(stderr, "bt86: %s; running headless\n", err);
    return 0;
}

static void refresh(struct screen *s)
{
    struct vga_surface surf;
    uint64_t stamp = vga_stamp(s->m->vga);
    if (s->shown && stamp == s->stamp)
        return;
    s->stamp = stamp;
    if (vga_render(s->m->vga, &surf, 0) < 0)
        return;
    /* An idle text screen is the same frame 60 times a second: sending it to
     * SDL again costs more than the comparison (a texture upload, and on a
     * software renderer a full redraw). */
    size_t row = (size_t)surf.width * 4, n = row * surf.height;
    if (surf.width == s->w && surf.height == s->h && s->shown) {
        int same = 1;
        for (int y = 0; same && y < surf.height; y++)
            same = !memcmp(s->shown + (size_t)y * surf.width,
                           (const uint8_t *)surf.pixels + (size_t)y * surf.pitch, row);
        if (same)
            return;
    } else {
        free(s->shown);
        s->shown = malloc(n);
        s->w = surf.width;
        s->h = surf.height;
    }
    for (int y = 0; s->shown && y < surf.height; y++)
        memcpy(s->shown + (size_t)y * surf.width,
               (const uint8_t *)surf.pixels + (size_t)y * surf.pitch, row);
    s->m->opt.display_ops->update(s->display, surf.pixels, surf.width, surf.height, surf.pitch);
}

/* The next character of -sendkeys as key events: [shift down] key down, key up [shift up]. */
static int char_events(const char *p, int *adv, uint16_t ev[4], int down[4])
{
    char c = *p;
    *adv = 1;
    if (c == '\\' && p[1]) { /* \n \t \b \e \\ */
        *adv = 2;
        c = p[1] == 'n' ? '\n' : p[1] == 't' ? '\t' : p[1] == 'b' ? '\b' : p[1] == 'e' ? 27 : p[1];
    }
    uint16_t code;
    int shift, n = 0;
    if (keymap_ascii(c, &code, &shift) < 0)
        return 0;
    if (shift)
        ev[n] = KEYCODE_LSHIFT, down[n++] = 1;
    ev[n] = code, down[n++] = 1;
    ev[n] = code, down[n++] = 0;
    if (shift)
        ev[n] = KEYCODE_LSHIFT, down[n++] = 0;
    return n;
}

/* Type the next key event of -sendkeys once the keyboard has delivered the last. */
static void send_keys(struct screen *s)
{
    struct machine *m = s->m;
    if (!s->keys[s->key_pos])
        return;
    if (s->when) {
        /* Ten looks a second: the text screen is 2000 cells. */
        uint64_t now = host_clock_ns();
        if (now < s->next_look)
            return;
        s->next_look = now + 100000000ull;
        if (!m->vga || !vga_text_contains(m->vga, s->when))
            return;
        s->when = NULL;
    }
    if (!pic_irq_unmasked(m->pic, 1) && clock_now(&m->clock) < SENDKEYS_POLLING_START_NS)
        return;
    if (!ps2kbd_idle(m->kbd) || !i8042_output_empty(m->kbc))
        return;
    uint16_t ev[4];
    int down[4], adv;
    int n = char_events(s->keys + s->key_pos, &adv, ev, down);
    if (s->key_step < n)
        ps2kbd_key(m->kbd, ev[s->key_step], down[s->key_step]);
    if (++s->key_step >= n) {
        s->key_step = 0;
        s->key_pos += adv;
    }
}

void screen_poll(struct machine *m)
{
    struct screen *s = m->screen;
    if (!s)
        return;
    if (s->keys && m->kbd)
        send_keys(s);
    if (!s->display)
        return;
    uint64_t now = host_clock_ns();
    if (now < s->next_refresh)
        return;
    s->next_refresh = now + REFRESH_NS;
    m->opt.display_ops->poll(s->display);
    refresh(s);
}

int screen_wait_ms(struct machine *m, int ms)
{
    struct screen *s = m->screen;
    if (!s || !s->display)
        return ms;
    uint64_t now = host_clock_ns();
    int until = now >= s->next_refresh ? 0 : (int)((s->next_refresh - now + 999999) / 1000000);
    return until < ms ? until : ms;
}

void screen_exit(struct machine *m)
{
    struct screen *s = m->screen;
    if (!s)
        return;
    if (m->opt.screendump) {
        char err[256];
        if (!m->vga)
            fprintf(stderr, "bt86: -screendump %s: there is no VGA (-vga none)\n",
                    m->opt.screendump);
        else if (vga_screendump(m->vga, m->opt.screendump, err, sizeof(err)) < 0)
            fprintf(stderr, "bt86: -screendump %s: %s\n", m->opt.screendump, err);
    }
    if (s->display)
        m->opt.display_ops->close(s->display);
    free(s->shown);
    s->display = NULL;
    m->screen = NULL;
    free(s);
}
