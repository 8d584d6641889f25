/*
 * slirp.c - -netdev user: libslirp's NAT network behind the guest's NIC.
 *
 * libslirp is the TCP/IP stack (DHCP, ARP, DNS forwarding, NAT onto host
 * sockets); bt86 only feeds it frames, polls its sockets from the
 * machine's loop and runs its timers.  The timers and clock_get_ns are in
 * the machine's virtual clock (base/timer.h), as QEMU's: slirp's timeouts
 * (TCP retransmission and delayed ACKs toward the guest, the IPv6 router
 * advertisements, DHCP lease times) are answers to what the guest does,
 * and the guest measures them in its own time.  On the host clock, time
 * bt86 spends translating, which the guest does not see, would make slirp
 * retransmit to a guest that has not had the time to answer.  The host's
 * sockets need no clock: they are polled whenever the machine's loop runs.
 */
#include "net/net.h"
#include "net/user_opts.h"
#include "base/log.h"
#include "base/timer.h"

#include <libslirp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct user_net {
    struct netdev nd;
    Slirp *slirp;
    struct clock *clock;
    /* During poll_fill / poll_done: the caller's array. */
    struct pollfd *fds;
    int nfds, maxfds;
};

struct user_timer {
    struct timer t;
    struct user_net *un;
    SlirpTimerId id;
    void *cb_opaque;
};

static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
    struct user_net *un = opaque;
    netdev_deliver(&un->nd, buf, len);
    return (ssize_t)len;
}

static void guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    if (log_enabled(LOG_GUEST_ERRORS))
        fprintf(log_file ? log_file : stderr, "slirp: guest error: %s\n", msg);
}

static int64_t clock_get_ns(void *opaque)
{
    struct user_net *un = opaque;
    return (int64_t)clock_now(un->clock);
}

static void timer_fired(void *opaque)
{
    struct user_timer *t = opaque;
    slirp_handle_timer(t->un->slirp, t->id, t->cb_opaque);
}

static void *timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    struct user_net *un = opaque;
    struct user_timer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->un = un;
    t->id = id;
    t->cb_opaque = cb_opaque;
    timer_init(&t->t, un->clock, timer_fired, t);
    return t;
}

static void timer_free(void *timer, void *opaque)
{
    (void)opaque;
    struct user_timer *t = timer;
    if (!t)
        return;
    timer_del(&t->t);
    free(t);
}

/* expire_time is in ms of clock_get_ns's clock. */
static void timer_mod_ms(void *timer, int64_t expire_time, void *opaque)
{
    (void)opaque;
    struct user_timer *t = timer;
    if (t)
        timer_mod(&t->t, expire_time < 0 ? 0 : (uint64_t)expire_time * 1000000u);
}

static void no_fd(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void notify(void *opaque)
{
    (void)opaque;
}

static const SlirpCb callbacks = {
    .send_packet = send_packet,
    .guest_error = guest_error,
    .clock_get_ns = clock_get_ns,
    .timer_free = timer_free,
    .timer_mod = timer_mod_ms,
    .register_poll_fd = no_fd,
    .unregister_poll_fd = no_fd,
    .notify = notify,
    .timer_new_opaque = timer_new_opaque,
};

static void user_send(struct netdev *nd, const uint8_t *frame, size_t len)
{
    struct user_net *un = nd->backend;
    slirp_input(un->slirp, frame, (int)len);
}

static int add_poll(int fd, int events, void *opaque)
{
    struct user_net *un = opaque;
    if (un->nfds == un->maxfds)
        return -1; /* polled next time round */
    short ev = 0;
    if (events & SLIRP_POLL_IN)
        ev |= POLLIN;
    if (events & SLIRP_POLL_OUT)
        ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI)
        ev |= POLLPRI;
    un->fds[un->nfds] = (struct pollfd){ .fd = fd, .events = ev };
    return un->nfds++;
}

static int get_revents(int idx, void *opaque)
{
    struct user_net *un = opaque;
    if (idx < 0 || idx >= un->nfds)
        return 0;
    short r = un->fds[idx].revents;
    int ev = 0;
    if (r & POLLIN)
        ev |= SLIRP_POLL_IN;
    if (r & POLLOUT)
        ev |= SLIRP_POLL_OUT;
    if (r & POLLPRI)
        ev |= SLIRP_POLL_PRI;
    if (r & (POLLERR | POLLNVAL))
        ev |= SLIRP_POLL_ERR;
    if (r & POLLHUP)
        ev |= SLIRP_POLL_HUP;
    return ev;
}

static int user_poll_fill(struct netdev *nd, struct pollfd *fds, int max, int *timeout_ms)
{
    struct user_net *un = nd->backend;
    un->fds = fds;
    un->nfds = 0;
    un->maxfds = max;
    uint32_t t = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;
    slirp_pollfds_fill(un->slirp, &t, add_poll, un);
    if (t < (uint32_t)*timeout_ms || *timeout_ms < 0)
        *timeout_ms = (int)(t > 0x7fffffff ? 0x7fffffff : t);
    return un->nfds;
}

static void user_poll_done(struct netdev *nd, struct pollfd *fds, int n, int error)
{
    struct user_net *un = nd->backend;
    un->fds = fds;
    un->nfds = n;
    slirp_pollfds_poll(un->slirp, error, get_revents, un);
}

static void user_destroy(struct netdev *nd)
{
    struct user_net *un = nd->backend;
    slirp_cleanup(un->slirp);
    free(un);
}

static const struct netdev_ops user_ops = {
    .send = user_send,
    .poll_fill = user_poll_fill,
    .poll_done = user_poll_done,
    .destroy = user_destroy,
};

int netdev_user_available(void)
{
    return 1;
}

struct netdev *netdev_user_create(const char *id, const char *options, struct clock *c, char *err,
                                  size_t errlen)
{
    struct user_opts u;
    if (user_opts_parse(options, &u, err, errlen) < 0)
        return NULL;
    struct user_net *un = calloc(1, sizeof(*un));
    if (!un) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    un->clock = c;
    netdev_init(&un->nd, id, &user_ops, un);
    SlirpConfig cfg = {
        .version = 4,
        .restricted = u.restrict_,
        .in_enabled = true,
        .vnetwork = u.net,
        .vnetmask = u.mask,
        .vhost = u.host,
        .in6_enabled = u.ipv6 != 0,
        .vprefix_len = 64,
        .vhostname = u.hostname[0] ? u.hostname : NULL,
        .vdhcp_start = u.dhcp,
        .vnameserver = u.dns,
        .tftp_path = u.tftp[0] ? u.tftp : NULL,
        .bootfile = u.bootfile[0] ? u.bootfile : NULL,
    };
    /* QEMU's defaults: fec0::/64, the host ::2, DNS ::3. */
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
    un->slirp = slirp_new(&cfg, &callbacks, un);
    if (!un->slirp) {
        snprintf(err, errlen, "libslirp could not set up the network");
        free(un);
        return NULL;
    }
    for (int i = 0; i < u.nfwd; i++) {
        struct user_hostfwd *f = &u.fwd[i];
        if (slirp_add_hostfwd(un->slirp, f->udp, f->host_addr, f->host_port, f->guest_addr,
                              f->guest_port) < 0) {
            char a[32];
            snprintf(err, errlen, "hostfwd: cannot listen on host %s port %s:%d (in use?)",
                     f->udp ? "UDP" : "TCP", inet_ntop(AF_INET, &f->host_addr, a, sizeof(a)),
                     f->host_port);
            slirp_cleanup(un->slirp);
            free(un);
            return NULL;
        }
    }
    return &un->nd;
}
