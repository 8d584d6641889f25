/*
 * virtio_queue.h - one split virtqueue (virtio 1.0, 2.4) in guest memory,
 * walked by the device side.  Internal to the transport (hw/virtio_pci.c);
 * devices use hw/virtio.h.
 *
 * Every guest-supplied number is checked before use: ring and buffer
 * addresses against the RAM regions of the memory map (a buffer must lie
 * wholly in one), descriptor indexes against the table they index, chain
 * lengths against the table size (a loop cannot outlast it) and against
 * VIRTIO_MAX_SEGS.  Any failure returns -1 and marks the queue broken; the
 * transport then sets DEVICE_NEEDS_RESET.
 */
#ifndef BT86_HW_VIRTIO_QUEUE_H
#define BT86_HW_VIRTIO_QUEUE_H

#include "hw/virtio.h"

#include <stdint.h>

struct mem_map;

struct virtq {
    uint16_t size;        /* the driver's queue size; 0: unusable */
    uint16_t enabled;
    uint16_t msix_vector;
    uint64_t desc, avail, used; /* guest-physical ring addresses */
    uint16_t last_avail;  /* the next avail ring entry the device takes */
    uint16_t used_idx;    /* the device's used index */
    uint16_t signalled_used; /* used_idx at the last interrupt decision */
    int signalled_valid;
    int broken;
};

/* Take the next available chain (see virtio_pop in hw/virtio.h). */
int virtq_pop(struct mem_map *mem, struct virtq *q, uint64_t features, struct virtio_req *r);
/* 1 if the driver has made a chain available that virtq_pop has not taken. */
int virtq_pending(struct mem_map *mem, const struct virtq *q);
/* Put a chain in the used ring; -1 if the ring is not in RAM (queue broken). */
int virtq_push(struct mem_map *mem, struct virtq *q, uint16_t head, uint32_t written);
/* 1 if the driver wants an interrupt for what was pushed since the last call. */
int virtq_should_notify(struct mem_map *mem, struct virtq *q, uint64_t features);
/* Gather from the readable segments / scatter to the writable ones. */
uint32_t virtq_copy_from(struct mem_map *mem, const struct virtio_req *r, uint32_t off,
                         void *buf, uint32_t len);
uint32_t virtq_copy_to(struct mem_map *mem, const struct virtio_req *r, uint32_t off,
                       const void *buf, uint32_t len);

#endif
