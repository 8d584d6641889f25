/*
 * ps2mouse.c - a PS/2 mouse with the IntelliMouse wheel.
 *
 * Replies to commands sit in a queue of their own, read before the packet
 * queue, so a driver gets its ACK next even while packets are waiting.
 * Motion from the host is added to counters; in stream mode with reporting
 * on, the counters are cut into packets of at most -256..255 per axis (and
 * -8..7 for the wheel) while the packet queue has room.  What does not fit
 * stays in the counters and goes out as the guest reads, so the queue is
 * bounded and no motion is lost.  In remote mode the counters wait for
 * Read Data (EB), which reports them in one packet, with the overflow bits
 * set when they do not fit.
 *
 * Packet (IBM PS/2 mouse technical reference; Microsoft IntelliMouse):
 *   byte 0: bit 0 left, 1 right, 2 middle, 3 always 1, 4 X sign, 5 Y sign,
 *           6 X overflow, 7 Y overflow
 *   byte 1: X, byte 2: Y (low 8 bits of 9-bit two's complement; Y up > 0)
 *   byte 3: Z, the wheel (signed, only with ID 3)
 * The 200, 100, 80 sample rate sequence turns ID 0 into ID 3.
 */
#include "hw/ps2mouse.h"

#include <stdlib.h>
#include <string.h>

#define PACKET_QUEUE 64
#define REPLY_QUEUE 8
#define COUNTER_LIMIT 1000000 /* the counters saturate long before int does */

#define ACK 0xfa
#define RESEND 0xfe
#define BAT_OK 0xaa

struct ps2mouse {
    void (*update)(void *opaque);
    void *opaque;

    uint8_t reply[REPLY_QUEUE];
    int reply_head, reply_count;
    uint8_t packets[PACKET_QUEUE];
    int packet_head, packet_count;

    int dx, dy, dz;          /* motion not yet reported */
    uint8_t buttons;         /* bit 0 left, 1 right, 2 middle */
    uint8_t buttons_changed; /* a packet is owed even without motion */

    uint8_t param_cmd; /* E8 or F3 waiting for its parameter, or 0 */
    uint8_t rate, resolution, scaling21, enabled, remote, wrap;
    uint8_t id;
    uint8_t rates[3]; /* the last sample rates, for the wheel knock */
    uint8_t last_sent;
};

static void reply(struct ps2mouse *m, uint8_t b)
{
    if (m->reply_count < REPLY_QUEUE)
        m->reply[(m->reply_head + m->reply_count++) % REPLY_QUEUE] = b;
}

static int packet_size(const struct ps2mouse *m)
{
    return m->id == 3 ? 4 : 3;
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* 2:1 scaling (stream mode only): the IBM table for 0..5, doubled above. */
static int scale21(int v)
{
    static const int small[6] = { 0, 1, 1, 3, 6, 9 };
    int a = v < 0 ? -v : v;
    int s = a < 6 ? small[a] : 2 * a;
    return v < 0 ? -s : s;
}

static void make_packet(const struct ps2mouse *m, int x, int y, int z, uint8_t *p)
{
    uint8_t b0 = (m->buttons & 7) | 0x08;

    if (x < -256 || x > 255)
        b0 |= 0x40;
    if (y < -256 || y > 255)
        b0 |= 0x80;
    x = clamp(x, -256, 255);
    y = clamp(y, -256, 255);
    if (x < 0)
        b0 |= 0x10;
    if (y < 0)
        b0 |= 0x20;
    p[0] = b0;
    p[1] = (uint8_t)(x & 0xff);
    p[2] = (uint8_t)(y & 0xff);
    p[3] = (uint8_t)(clamp(z, -8, 7) & 0xff);
}

static void push_packet(struct ps2mouse *m, const uint8_t *p)
{
    for (int i = 0; i < packet_size(m); i++)
        m->packets[(m->packet_head + m->packet_count++) % PACKET_QUEUE] = p[i];
}

static void clear_motion(struct ps2mouse *m)
{
    m->dx = m->dy = m->dz = 0;
    m->buttons_changed = 0;
}

/* Stream mode: cut the counters into packets while they fit.  1 if any were queued. */
static int stream(struct ps2mouse *m)
{
    int queued = 0;

    if (m->remote || !m->enabled || m->wrap)
        return 0;
    if (m->id != 3)
        m->dz = 0;
    while ((m->dx || m->dy || m->dz || m->buttons_changed) &&
           m->packet_count + packet_size(m) <= PACKET_QUEUE) {
        int x = clamp(m->dx, -256, 255), y = clamp(m->dy, -256, 255), z = clamp(m->dz, -8, 7);
        uint8_t p[4];
        m->dx -= x;
        m->dy -= y;
        m->dz -= z;
        m->buttons_changed = 0;
        if (m->scaling21) {
            x = scale21(x);
            y = scale21(y);
        }
        make_packet(m, x, y, z, p);
        push_packet(m, p);
        queued = 1;
    }
    return queued;
}

void ps2mouse_event(struct ps2mouse *m, int dx, int dy, int dz, unsigned buttons)
{
    uint8_t changed = (buttons & 7) != m->buttons;

    m->buttons = buttons & 7;
    if (m->wrap || (!m->remote && !m->enabled)) /* nothing is counted while reporting is off */
        return;
    if (changed)
        m->buttons_changed = 1;
    m->dx = clamp(m->dx + clamp(dx, -COUNTER_LIMIT, COUNTER_LIMIT), -COUNTER_LIMIT, COUNTER_LIMIT);
    m->dy = clamp(m->dy + clamp(dy, -COUNTER_LIMIT, COUNTER_LIMIT), -COUNTER_LIMIT, COUNTER_LIMIT);
    m->dz = clamp(m->dz + clamp(dz, -COUNTER_LIMIT, COUNTER_LIMIT), -COUNTER_LIMIT, COUNTER_LIMIT);
    if (stream(m) && m->update)
        m->update(m->opaque);
}

static void set_defaults(struct ps2mouse *m)
{
    m->rate = 100;
    m->resolution = 2; /* 4 counts/mm */
    m->scaling21 = 0;
    m->enabled = 0;
    m->remote = 0;
    m->packet_head = m->packet_count = 0;
    clear_motion(m);
}

static void command(struct ps2mouse *m, uint8_t cmd)
{
    uint8_t p[4];

    switch (cmd) {
    case 0xff: /* reset: ACK, BAT passed, ID */
        set_defaults(m);
        m->id = 0;
        m->wrap = 0;
        memset(m->rates, 0, sizeof(m->rates));
        reply(m, ACK);
        reply(m, BAT_OK);
        reply(m, 0x00);
        break;
    case 0xfe:
        reply(m, m->last_sent);
        break;
    case 0xf6:
        set_defaults(m);
        reply(m, ACK);
        break;
    case 0xf5:
        m->enabled = 0;
        m->packet_head = m->packet_count = 0;
        clear_motion(m);
        reply(m, ACK);
        break;
    case 0xf4:
        m->enabled = 1;
        clear_motion(m);
        reply(m, ACK);
        break;
    case 0xf3: /* sample rate, E8 resolution: a parameter follows */
    case 0xe8:
        m->param_cmd = cmd;
        reply(m, ACK);
        break;
    case 0xf2:
        reply(m, ACK);
        reply(m, m->id);
        break;
    case 0xf0:
        m->remote = 1;
        clear_motion(m);
        reply(m, ACK);
        break;
    case 0xea:
        m->remote = 0;
        clear_motion(m);
        reply(m, ACK);
        break;
    case 0xee:
        m->wrap = 1;
        clear_motion(m);
        reply(m, ACK);
        break;
    case 0xec:
        m->wrap = 0;
        clear_motion(m);
        reply(m, ACK);
        break;
    case 0xeb: /* read data: the counters in one packet, overflow bits if needed */
        reply(m, ACK);
        make_packet(m, m->dx, m->dy, m->id == 3 ? m->dz : 0, p);
        for (int i = 0; i < packet_size(m); i++)
            reply(m, p[i]);
        clear_motion(m);
        break;
    case 0xe9: /* status: mode and buttons (bit 2 left, 1 middle, 0 right), resolution, rate */
        reply(m, ACK);
        reply(m, (uint8_t)((m->remote ? 0x40 : 0) | (m->enabled ? 0x20 : 0) |
                           (m->scaling21 ? 0x10 : 0) | (m->buttons & 1 ? 0x04 : 0) |
                           (m->buttons & 4 ? 0x02 : 0) | (m->buttons & 2 ? 0x01 : 0)));
        reply(m, m->resolution);
        reply(m, m->rate);
        break;
    case 0xe7:
        m->scaling21 = 1;
        reply(m, ACK);
        break;
    case 0xe6:
        m->scaling21 = 0;
        reply(m, ACK);
        break;
    default:
        reply(m, RESEND);
        break;
    }
}

static void parameter(struct ps2mouse *m, uint8_t cmd, uint8_t v)
{
    if (cmd == 0xe8) {
        m->resolution = v & 3;
    } else {
        m->rate = v;
        m->rates[0] = m->rates[1];
        m->rates[1] = m->rates[2];
        m->rates[2] = v;
        if (m->id == 0 && m->rates[0] == 200 && m->rates[1] == 100 && m->rates[2] == 80)
            m->id = 3;
    }
    reply(m, ACK);
}

void ps2mouse_write(struct ps2mouse *m, uint8_t byte)
{
    uint8_t cmd = m->param_cmd;

    m->param_cmd = 0;
    if (cmd)
        parameter(m, cmd, byte);
    else if (m->wrap && byte != 0xff && byte != 0xec)
        reply(m, byte); /* wrap mode echoes all but reset and reset-wrap */
    else
        command(m, byte);
    if (m->update)
        m->update(m->opaque);
}

int ps2mouse_read(struct ps2mouse *m)
{
    uint8_t b;

    if (m->reply_count) {
        b = m->reply[m->reply_head];
        m->reply_head = (m->reply_head + 1) % REPLY_QUEUE;
        m->reply_count--;
    } else if (m->packet_count) {
        b = m->packets[m->packet_head];
        m->packet_head = (m->packet_head + 1) % PACKET_QUEUE;
        m->packet_count--;
        stream(m); /* room again for motion that did not fit; the reader is here */
    } else {
        return -1;
    }
    if (b != RESEND)
        m->last_sent = b;
    return b;
}

int ps2mouse_idle(const struct ps2mouse *m)
{
    return m->reply_count == 0 && m->packet_count == 0;
}

void ps2mouse_reset(struct ps2mouse *m)
{
    m->reply_head = m->reply_count = 0;
    set_defaults(m);
    m->buttons = 0;
    m->param_cmd = 0;
    m->id = 0;
    m->wrap = 0;
    memset(m->rates, 0, sizeof(m->rates));
    m->last_sent = 0;
}

struct ps2mouse *ps2mouse_create(void (*update)(void *opaque), void *opaque)
{
    struct ps2mouse *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->update = update;
    m->opaque = opaque;
    ps2mouse_reset(m);
    return m;
}

/* ------------------------------------------------------------------ save/load */

static const uint8_t save_magic[8] = { 'P', 'S', '2', 'M', 'O', 'U', 0, 1 };

enum {
    S_PARAM, S_RATE, S_RES, S_SCALING, S_ENABLED, S_REMOTE, S_WRAP, S_ID, S_RATES,
    S_LAST = S_RATES + 3, S_BUTTONS, S_BUTTONS_CHANGED, S_DX, S_DY = S_DX + 4,
    S_DZ = S_DY + 4, S_REPLY_COUNT = S_DZ + 4, S_REPLY, S_PACKET_COUNT = S_REPLY + REPLY_QUEUE,
    S_PACKETS, S_SIZE = S_PACKETS + PACKET_QUEUE
};

static void put32(uint8_t *p, int v)
{
    uint32_t u = (uint32_t)v;
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(u >> (8 * i));
}

static int get32(const uint8_t *p)
{
    uint32_t u = 0;
    for (int i = 0; i < 4; i++)
        u |= (uint32_t)p[i] << (8 * i);
    return clamp((int32_t)u, -COUNTER_LIMIT, COUNTER_LIMIT);
}

int ps2mouse_save(struct ps2mouse *m, FILE *f)
{
    uint8_t s[S_SIZE] = { 0 };

    s[S_PARAM] = m->param_cmd;
    s[S_RATE] = m->rate;
    s[S_RES] = m->resolution;
    s[S_SCALING] = m->scaling21;
    s[S_ENABLED] = m->enabled;
    s[S_REMOTE] = m->remote;
    s[S_WRAP] = m->wrap;
    s[S_ID] = m->id;
    memcpy(s + S_RATES, m->rates, 3);
    s[S_LAST] = m->last_sent;
    s[S_BUTTONS] = m->buttons;
    s[S_BUTTONS_CHANGED] = m->buttons_changed;
    put32(s + S_DX, m->dx);
    put32(s + S_DY, m->dy);
    put32(s + S_DZ, m->dz);
    s[S_REPLY_COUNT] = (uint8_t)m->reply_count;
    for (int i = 0; i < m->reply_count; i++) /* oldest byte first */
        s[S_REPLY + i] = m->reply[(m->reply_head + i) % REPLY_QUEUE];
    s[S_PACKET_COUNT] = (uint8_t)m->packet_count;
    for (int i = 0; i < m->packet_count; i++)
        s[S_PACKETS + i] = m->packets[(m->packet_head + i) % PACKET_QUEUE];
    if (fwrite(save_magic, sizeof(save_magic), 1, f) != 1 || fwrite(s, sizeof(s), 1, f) != 1)
        return -1;
    return 0;
}

int ps2mouse_load(struct ps2mouse *m, FILE *f)
{
    uint8_t magic[sizeof(save_magic)], s[S_SIZE];

    if (fread(magic, sizeof(magic), 1, f) != 1 || memcmp(magic, save_magic, sizeof(magic)) ||
        fread(s, sizeof(s), 1, f) != 1 || s[S_REPLY_COUNT] > REPLY_QUEUE ||
        s[S_PACKET_COUNT] > PACKET_QUEUE || (s[S_ID] != 0 && s[S_ID] != 3))
        return -1;
    m->param_cmd = s[S_PARAM];
    m->rate = s[S_RATE];
    m->resolution = s[S_RES] & 3;
    m->scaling21 = s[S_SCALING] != 0;
    m->enabled = s[S_ENABLED] != 0;
    m->remote = s[S_REMOTE] != 0;
    m->wrap = s[S_WRAP] != 0;
    m->id = s[S_ID];
    memcpy(m->rates, s + S_RATES, 3);
    m->last_sent = s[S_LAST];
    m->buttons = s[S_BUTTONS] & 7;
    m->buttons_changed = s[S_BUTTONS_CHANGED] != 0;
    m->dx = get32(s + S_DX);
    m->dy = get32(s + S_DY);
    m->dz = get32(s + S_DZ);
    m->reply_head = 0;
    m->reply_count = s[S_REPLY_COUNT];
    memcpy(m->reply, s + S_REPLY, REPLY_QUEUE);
    m->packet_head = 0;
    m->packet_count = s[S_PACKET_COUNT];
    memcpy(m->packets, s + S_PACKETS, PACKET_QUEUE);
    return 0;
}
