/*
 * sdl.c - the display as an SDL2 window.
 *
 * One streaming texture at the guest's resolution, scaled by the renderer
 * to the window with the aspect ratio kept (letterboxed), so a 320x200 mode
 * and a 1024x768 VBE mode both fill the window.  The window opens at an
 * integer multiple of the first mode that fits the screen comfortably.
 *
 * Keys go to the guest as PS/2 key codes, translated from SDL scan codes
 * (physical key positions, so the guest's own keymap applies, as on a real
 * PC).  Host auto-repeat is dropped: bt86's keyboard has typematic off.
 * A click in the window grabs the mouse (relative motion, as a PS/2 mouse
 * reports it); Ctrl+Alt+G releases it, as in QEMU.
 */
#include "ui/display.h"

#include "hw/keymap.h"

#define SDL_MAIN_HANDLED
#include <SDL.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct display {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    int tex_w, tex_h;
    int sized; /* the window got its size from a first real mode */
    struct display_input in;
    unsigned buttons;
    int grabbed;
    uint8_t down[SDL_NUM_SCANCODES]; /* keys the guest believes are held */
    char title[200];
};

struct display *display_open(const char *title, const struct display_input *in, char *err,
                             size_t errlen)
{
    SDL_SetMainReady();
    /* Without a display server SDL would try Wayland (whose library prints an
     * error of its own) and then settle for its offscreen driver, a window
     * no one sees: say there is no display instead, unless SDL_VIDEODRIVER
     * asks for a driver by name. */
    const char *driver = getenv("SDL_VIDEODRIVER");
    if (!driver && !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")) {
        snprintf(err, errlen, "no display available (neither DISPLAY nor WAYLAND_DISPLAY is set)");
        return NULL;
    }
    /* The compositor must not be disabled for a plain window. */
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0) {
        snprintf(err, errlen, "no display available (SDL: %s)", SDL_GetError());
        return NULL;
    }
    const char *got = SDL_GetCurrentVideoDriver();
    if (!driver && got && (!strcmp(got, "offscreen") || !strcmp(got, "dummy"))) {
        snprintf(err, errlen, "no display available (SDL found only its %s driver)", got);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return NULL;
    }
    struct display *d = calloc(1, sizeof(*d));
    if (!d) {
        snprintf(err, errlen, "out of memory");
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return NULL;
    }
    d->in = *in;
    snprintf(d->title, sizeof(d->title), "%s", title);
    d->win = SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 720, 400,
                              SDL_WINDOW_RESIZABLE);
    if (d->win)
        d->ren = SDL_CreateRenderer(d->win, -1, 0);
    if (!d->win || !d->ren) {
        snprintf(err, errlen, "cannot open a window (SDL: %s)", SDL_GetError());
        display_close(d);
        return NULL;
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    SDL_SetRenderDrawColor(d->ren, 0, 0, 0, 255);
    SDL_RenderClear(d->ren);
    SDL_RenderPresent(d->ren);
    return d;
}

/* A window twice as big as a small mode, so 320x200 is not a postage stamp. */
static void size_window(struct display *d, int w, int h)
{
    int scale = (w <= 400 && h <= 300) ? 2 : 1;
    SDL_DisplayMode dm;
    if (SDL_GetDesktopDisplayMode(0, &dm) == 0 && (w * scale > dm.w || h * scale > dm.h))
        scale = 1;
    SDL_SetWindowSize(d->win, w * scale, h * scale);
}

void display_update(struct display *d, const uint32_t *pixels, int w, int h, int pitch)
{
    if (w <= 0 || h <= 0)
        return;
    if (!d->tex || w != d->tex_w || h != d->tex_h) {
        if (d->tex)
            SDL_DestroyTexture(d->tex);
        d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_XRGB8888,
                                   SDL_TEXTUREACCESS_STREAMING, w, h);
        if (!d->tex)
            return;
        d->tex_w = w;
        d->tex_h = h;
        SDL_RenderSetLogicalSize(d->ren, w, h);
        if (!d->sized || !(SDL_GetWindowFlags(d->win) & SDL_WINDOW_MAXIMIZED))
            size_window(d, w, h);
        d->sized = 1;
    }
    SDL_UpdateTexture(d->tex, NULL, pixels, pitch);
    SDL_RenderClear(d->ren);
    SDL_RenderCopy(d->ren, d->tex, NULL, NULL);
    SDL_RenderPresent(d->ren);
}

static void set_grab(struct display *d, int on)
{
    d->grabbed = on;
    SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
    display_set_status(d, on ? "Press Ctrl+Alt+G to release the mouse" : NULL);
}

static void release_all_keys(struct display *d)
{
    /* Keys held when focus goes away would stay down in the guest. */
    for (int sc = 0; sc < SDL_NUM_SCANCODES; sc++) {
        if (d->down[sc] && d->in.key)
            d->in.key(d->in.opaque, keymap_from_usb(sc), 0);
        d->down[sc] = 0;
    }
}

static void key_event(struct display *d, const SDL_KeyboardEvent *k)
{
    SDL_Keymod mod = SDL_GetModState();
    if (k->type == SDL_KEYDOWN && k->keysym.scancode == SDL_SCANCODE_G &&
        (mod & KMOD_CTRL) && (mod & KMOD_ALT)) {
        set_grab(d, !d->grabbed);
        return;
    }
    if (k->repeat)
        return;
    int sc = k->keysym.scancode, down = k->type == SDL_KEYDOWN;
    uint16_t code = sc >= 0 && sc < SDL_NUM_SCANCODES ? keymap_from_usb(sc) : 0;
    if (!code || d->down[sc] == down)
        return;
    d->down[sc] = down;
    if (d->in.key)
        d->in.key(d->in.opaque, code, down);
}

static unsigned ps2_button(Uint8 b)
{
    switch (b) {
    case SDL_BUTTON_LEFT: return 1;
    case SDL_BUTTON_RIGHT: return 2;
    case SDL_BUTTON_MIDDLE: return 4;
    default: return 0;
    }
}

void display_poll(struct display *d)
{
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        switch (ev.type) {
        case SDL_QUIT:
            if (d->in.quit)
                d->in.quit(d->in.opaque);
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            key_event(d, &ev.key);
            break;
        case SDL_MOUSEMOTION:
            if (d->grabbed && d->in.mouse)
                d->in.mouse(d->in.opaque, ev.motion.xrel, -ev.motion.yrel, 0, d->buttons);
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            if (!d->grabbed) {
                if (ev.type == SDL_MOUSEBUTTONUP && ev.button.button == SDL_BUTTON_LEFT)
                    set_grab(d, 1);
                break;
            }
            if (ev.type == SDL_MOUSEBUTTONDOWN)
                d->buttons |= ps2_button(ev.button.button);
            else
                d->buttons &= ~ps2_button(ev.button.button);
            if (d->in.mouse)
                d->in.mouse(d->in.opaque, 0, 0, 0, d->buttons);
            break;
        case SDL_MOUSEWHEEL:
            if (d->grabbed && d->in.mouse)
                d->in.mouse(d->in.opaque, 0, 0, -ev.wheel.y, d->buttons);
            break;
        case SDL_WINDOWEVENT:
            if (ev.window.event == SDL_WINDOWEVENT_FOCUS_LOST) {
                release_all_keys(d);
                if (d->grabbed)
                    set_grab(d, 0);
            }
            break;
        }
    }
}

void display_set_status(struct display *d, const char *status)
{
    char buf[320];
    if (status && *status)
        snprintf(buf, sizeof(buf), "%s - %s", d->title, status);
    else
        snprintf(buf, sizeof(buf), "%s", d->title);
    SDL_SetWindowTitle(d->win, buf);
}

void display_close(struct display *d)
{
    if (!d)
        return;
    if (d->tex)
        SDL_DestroyTexture(d->tex);
    if (d->ren)
        SDL_DestroyRenderer(d->ren);
    if (d->win)
        SDL_DestroyWindow(d->win);
    free(d);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
}
