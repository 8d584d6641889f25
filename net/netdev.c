/*
 * netdev.c - what every network backend shares: the NIC on its other end
 * and the frames kept while that NIC has no room.
 */
#include "net/net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void netdev_init(struct netdev *nd, const char *id, const struct netdev_ops *ops, void *backend)
{
    memset(nd, 0, sizeof(*nd));
    nd->ops = ops;
    nd->backend = backend;
    snprintf(nd->id, sizeof(nd->id), "%s", id ? id : "");
    nd->tail = &nd->head;
}

int netdev_attach_nic(struct netdev *nd, int (*can_receive)(void *nic),
                      void (*receive)(void *nic, const uint8_t *frame, size_t len), void *nic)
{
    if (nd->nic)
        return -1;
    nd->can_receive = can_receive;
    nd->receive = receive;
    nd->nic = nic;
    return 0;
}

void netdev_send(struct netdev *nd, const uint8_t *frame, size_t len)
{
    /* 4 more: a VLAN tag. */
    if (len < 14 || len > NET_FRAME_MAX + 4)
        return;
    nd->tx_frames++;
    nd->ops->send(nd, frame, len);
}

void netdev_deliver(struct netdev *nd, const uint8_t *frame, size_t len)
{
    if (!nd->nic || len > NET_FRAME_MAX + 4) {
        nd->rx_dropped++;
        return;
    }
    if (!nd->head && nd->can_receive(nd->nic)) {
        nd->rx_frames++;
        nd->receive(nd->nic, frame, len);
        return;
    }
    struct net_frame *f;
    if (nd->queued >= NETDEV_QUEUE_MAX || !(f = malloc(sizeof(*f) + len))) {
        nd->rx_dropped++;
        return;
    }
    f->next = NULL;
    f->len = len;
    memcpy(f->data, frame, len);
    *nd->tail = f;
    nd->tail = &f->next;
    nd->queued++;
}

void netdev_nic_ready(struct netdev *nd)
{
    while (nd->head && nd->can_receive(nd->nic)) {
        struct net_frame *f = nd->head;
        nd->head = f->next;
        if (!nd->head)
            nd->tail = &nd->head;
        nd->queued--;
        nd->rx_frames++;
        nd->receive(nd->nic, f->data, f->len);
        free(f);
    }
}

void netdev_purge(struct netdev *nd)
{
    while (nd->head) {
        struct net_frame *f = nd->head;
        nd->head = f->next;
        free(f);
    }
    nd->tail = &nd->head;
    nd->queued = 0;
}

int netdev_poll_fill(struct netdev *nd, struct pollfd *fds, int max, int *timeout_ms)
{
    return nd->ops->poll_fill ? nd->ops->poll_fill(nd, fds, max, timeout_ms) : 0;
}

void netdev_poll_done(struct netdev *nd, struct pollfd *fds, int n, int error)
{
    if (nd->ops->poll_done)
        nd->ops->poll_done(nd, fds, n, error);
}

void netdev_destroy(struct netdev *nd)
{
    if (!nd)
        return;
    netdev_purge(nd);
    if (nd->ops->destroy)
        nd->ops->destroy(nd);
}
