/*
 * image.c - raw images: open with the checks and the lock, sector I/O,
 * the -snapshot overlay.
 */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include "block/image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CLUSTER (64 * 1024)
#define CLUSTER_SECTORS (CLUSTER / BLOCK_SECTOR)

struct block {
    int fd;
    int readonly;
    uint64_t sectors;
    /* -snapshot: the overlay and which clusters it holds. */
    int overlay_fd;
    uint8_t *in_overlay;
    char path[];
};

static int errorf(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int errorf(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

static int lock_image(int fd, int exclusive)
{
    struct flock fl = { .l_type = exclusive ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET };
    return fcntl(fd, F_OFD_SETLK, &fl);
}

static int open_overlay(struct block *b, char *err, size_t errlen)
{
    const char *dir = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof(tmpl), "%s/bt86-snapshot.XXXXXX", dir && *dir ? dir : "/tmp");
    b->overlay_fd = mkstemp(tmpl);
    if (b->overlay_fd < 0)
        return errorf(err, errlen, "-snapshot: cannot create a temporary file in %s: %s",
                      dir && *dir ? dir : "/tmp", strerror(errno));
    unlink(tmpl); /* gone when bt86 is, however it ends */
    uint64_t clusters = (b->sectors + CLUSTER_SECTORS - 1) / CLUSTER_SECTORS;
    b->in_overlay = calloc(1, (size_t)(clusters + 7) / 8);
    if (!b->in_overlay)
        return errorf(err, errlen, "-snapshot: out of memory");
    return 0;
}

struct block *block_open(const char *path, int readonly, int snapshot, char *err,
                         size_t errlen)
{
    int write_image = !readonly && !snapshot;
    int fd = open(path, (write_image ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
        errorf(err, errlen, "cannot open '%s'%s: %s", path,
               write_image && errno == EACCES ? " for writing (readonly=on or -snapshot "
                                                "leave it untouched)" : "",
               strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        errorf(err, errlen, "'%s' is not a regular file", path);
        close(fd);
        return NULL;
    }
    if (st.st_size == 0 || st.st_size % BLOCK_SECTOR) {
        errorf(err, errlen, "'%s' is %lld bytes: a raw disk image is a positive multiple of "
                            "512 bytes", path, (long long)st.st_size);
        close(fd);
        return NULL;
    }
    if (lock_image(fd, write_image) < 0) {
        if (errno == EAGAIN || errno == EACCES) {
            /* Say which: a writer excludes everyone, a reader only writers. */
            struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
            int reader = fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_RDLCK;
            errorf(err, errlen, "'%s' is locked: another bt86 or QEMU is %s it%s", path,
                   reader ? "reading" : "writing",
                   reader ? " (use readonly=on or -snapshot to share it)" : "");
        } else
            errorf(err, errlen, "cannot lock '%s': %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    size_t n = strlen(path) + 1;
    struct block *b = calloc(1, sizeof(*b) + n);
    if (!b) {
        errorf(err, errlen, "out of memory");
        close(fd);
        return NULL;
    }
    memcpy(b->path, path, n);
    b->fd = fd;
    b->readonly = readonly;
    b->sectors = (uint64_t)st.st_size / BLOCK_SECTOR;
    b->overlay_fd = -1;
    if (snapshot && open_overlay(b, err, errlen) < 0) {
        block_close(b);
        return NULL;
    }
    return b;
}

uint64_t block_sectors(const struct block *b)
{
    return b->sectors;
}

int block_readonly(const struct block *b)
{
    return b->readonly;
}

static int full_pread(int fd, void *buf, size_t len, off_t off)
{
    while (len) {
        ssize_t r = pread(fd, buf, len, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        buf = (uint8_t *)buf + r;
        len -= (size_t)r;
        off += r;
    }
    return 0;
}

static int full_pwrite(int fd, const void *buf, size_t len, off_t off)
{
    while (len) {
        ssize_t r = pwrite(fd, buf, len, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        buf = (const uint8_t *)buf + r;
        len -= (size_t)r;
        off += r;
    }
    return 0;
}

static int in_range(const struct block *b, uint64_t lba, uint32_t count)
{
    return lba <= b->sectors && count <= b->sectors - lba;
}

static int overlay_has(const struct block *b, uint64_t cluster)
{
    return b->in_overlay[cluster / 8] >> (cluster % 8) & 1;
}

int block_read(struct block *b, uint64_t lba, void *buf, uint32_t count)
{
    if (!in_range(b, lba, count))
        return -1;
    if (b->overlay_fd < 0)
        return full_pread(b->fd, buf, (size_t)count * BLOCK_SECTOR, (off_t)(lba * BLOCK_SECTOR));
    uint8_t *p = buf;
    while (count) {
        uint64_t c = lba / CLUSTER_SECTORS;
        uint32_t n = (uint32_t)(CLUSTER_SECTORS - lba % CLUSTER_SECTORS);
        if (n > count)
            n = count;
        int fd = overlay_has(b, c) ? b->overlay_fd : b->fd;
        if (full_pread(fd, p, (size_t)n * BLOCK_SECTOR, (off_t)(lba * BLOCK_SECTOR)) < 0)
            return -1;
        p += (size_t)n * BLOCK_SECTOR;
        lba += n;
        count -= n;
    }
    return 0;
}

/* Copy cluster c of the image into the overlay before its first write. */
static int overlay_claim(struct block *b, uint64_t c)
{
    static uint8_t buf[CLUSTER];
    if (overlay_has(b, c))
        return 0;
    uint64_t first = c * CLUSTER_SECTORS;
    uint64_t n = b->sectors - first < CLUSTER_SECTORS ? b->sectors - first : CLUSTER_SECTORS;
    off_t off = (off_t)(first * BLOCK_SECTOR);
    if (full_pread(b->fd, buf, (size_t)n * BLOCK_SECTOR, off) < 0 ||
        full_pwrite(b->overlay_fd, buf, (size_t)n * BLOCK_SECTOR, off) < 0)
        return -1;
    b->in_overlay[c / 8] |= (uint8_t)(1u << (c % 8));
    return 0;
}

int block_write(struct block *b, uint64_t lba, const void *buf, uint32_t count)
{
    if (b->readonly || !in_range(b, lba, count))
        return -1;
    if (b->overlay_fd < 0)
        return full_pwrite(b->fd, buf, (size_t)count * BLOCK_SECTOR,
                           (off_t)(lba * BLOCK_SECTOR));
    if (count == 0)
        return 0;
    for (uint64_t c = lba / CLUSTER_SECTORS; c <= (lba + count - 1) / CLUSTER_SECTORS; c++)
        if (overlay_claim(b, c) < 0)
            return -1;
    return full_pwrite(b->overlay_fd, buf, (size_t)count * BLOCK_SECTOR,
                       (off_t)(lba * BLOCK_SECTOR));
}

int block_flush(struct block *b)
{
    if (b->readonly || b->overlay_fd >= 0)
        return 0;
    return fdatasync(b->fd);
}

void block_close(struct block *b)
{
    if (!b)
        return;
    block_flush(b);
    if (b->overlay_fd >= 0)
        close(b->overlay_fd);
    close(b->fd); /* drops the OFD lock */
    free(b->in_overlay);
    free(b);
}
