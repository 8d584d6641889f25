/*
 * net.h - a network backend (-netdev) and the NIC plugged into it.
 *
 * The backend is the wire: frames the guest's NIC transmits go to
 * netdev_send(), frames for the guest come back through netdev_deliver(),
 * which hands them to the NIC at once when it can take them and otherwise
 * keeps them, in order, until the NIC says it has room again
 * (netdev_nic_ready(): the guest gave it receive descriptors).  A NIC
 * without room is the normal case under load, not an error: dropping there
 * would leave TCP to its retransmission timers, seconds on slirp.
 *
 * A backend with host descriptors to wait on (libslirp's sockets) fills a
 * pollfd array and reads the results; the machine's loop does the poll(2)
 * (machine/pc.c machine_poll and machine_wait), so nothing here blocks.
 *
 *   struct netdev *nd = netdev_user_create("n0", "hostfwd=tcp::5555-:80", &clock, err, n);
 *   netdev_attach_nic(nd, e1000_can_receive, e1000_receive, nic);
 *   netdev_send(nd, frame, len);      // the NIC transmits
 */
#ifndef BT86_NET_NET_H
#define BT86_NET_NET_H

#include <stddef.h>
#include <stdint.h>

struct clock;
struct netdev;
struct pollfd;

/* Ethernet frames without FCS: 14-byte header, at most 1500 bytes of payload
 * (jumbo frames are not offered), padded to 60 by whoever needs a minimum. */
#define NET_FRAME_MAX 1514
/* Frames kept for a NIC without room; past that, drops (TCP recovers). */
#define NETDEV_QUEUE_MAX 4096

struct netdev_ops {
    /* A frame from the guest, onto the network. */
    void (*send)(struct netdev *nd, const uint8_t *frame, size_t len);
    /* Descriptors to wait on (at most max, returns how many); *timeout_ms
     * lowered to when the backend's own timers want to run. */
    int (*poll_fill)(struct netdev *nd, struct pollfd *fds, int max, int *timeout_ms);
    /* After poll(2) on what poll_fill gave (error: poll failed). */
    void (*poll_done)(struct netdev *nd, struct pollfd *fds, int n, int error);
    void (*destroy)(struct netdev *nd);
};

struct net_frame {
    struct net_frame *next;
    size_t len;
    uint8_t data[];
};

struct netdev {
    const struct netdev_ops *ops;
    void *backend;
    char id[64];
    /* The NIC on the other end, once attached. */
    int (*can_receive)(void *nic);
    void (*receive)(void *nic, const uint8_t *frame, size_t len);
    void *nic;
    /* Frames waiting for the NIC, oldest first. */
    struct net_frame *head, **tail;
    int queued;
    uint64_t tx_frames, rx_frames, rx_dropped;
};

/* For a backend: a netdev with no NIC yet. */
void netdev_init(struct netdev *nd, const char *id, const struct netdev_ops *ops, void *backend);
/* 0, or -1 when another NIC has it already. */
int netdev_attach_nic(struct netdev *nd, int (*can_receive)(void *nic),
                      void (*receive)(void *nic, const uint8_t *frame, size_t len), void *nic);
/* The guest's NIC transmits a frame (longer than NET_FRAME_MAX + 4: dropped). */
void netdev_send(struct netdev *nd, const uint8_t *frame, size_t len);
/* A frame for the guest, from the backend. */
void netdev_deliver(struct netdev *nd, const uint8_t *frame, size_t len);
/* The NIC has room again: hand it what was kept. */
void netdev_nic_ready(struct netdev *nd);
/* The NIC was reset: frames kept for it are dropped, as on a real wire. */
void netdev_purge(struct netdev *nd);
int netdev_poll_fill(struct netdev *nd, struct pollfd *fds, int max, int *timeout_ms);
void netdev_poll_done(struct netdev *nd, struct pollfd *fds, int n, int error);
void netdev_destroy(struct netdev *nd);

/* -netdev user,id=ID[,OPTIONS]: libslirp's NAT network (net/slirp.c).
 * Timers run in the virtual clock c.  NULL with a message in err when the
 * options are wrong, a host port cannot be bound, or bt86 was built
 * without libslirp. */
struct netdev *netdev_user_create(const char *id, const char *options, struct clock *c, char *err,
                                  size_t errlen);
/* Check -netdev user's options without opening anything: 0, or -1 and err. */
int netdev_user_check(const char *options, char *err, size_t errlen);
/* Whether this bt86 has a user network (was built with libslirp). */
int netdev_user_available(void);

#endif
