/*
 * fw_cfg.h - QEMU's firmware configuration device, as its pc machine has it
 * on I/O ports (docs/specs/fw_cfg.rst in QEMU's tree):
 *
 *   0x510  selector, a 16-bit write (a byte read there reads data too)
 *   0x511  data, read a byte at a time from the selected item
 *   0x514  DMA address, big-endian: the high dword at 0x514, the low one at
 *          0x518 (whose write starts the transfer), or a qword at 0x514;
 *          reading gives the signature "QEMU CFG"
 *
 *   struct fw_cfg *f = fw_cfg_create(&m->io, &m->mem);
 *   fw_cfg_add_i16(f, FW_CFG_NB_CPUS, 1);
 *   fw_cfg_add_file(f, "etc/e820", map, sizeof(map));
 *
 * Selecting a key rewinds its item.  Reading past the end of an item, or
 * an item no one added, gives zeros, as QEMU does; so does a DMA read.
 * Items are read-only: a DMA write sets the error bit.  The signature, the
 * ID (traditional and DMA interfaces) and the file directory (key 0x19,
 * sorted by name as QEMU sorts it) are always there.
 */
#ifndef BT86_HW_FW_CFG_H
#define BT86_HW_FW_CFG_H

#include <stddef.h>
#include <stdint.h>

struct ioports;
struct mem_map;

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA 0x514

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_UUID 0x02
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NOGRAPHIC 0x04
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_MACHINE_ID 0x06
#define FW_CFG_BOOT_MENU 0x0e
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_IRQ0_OVERRIDE (FW_CFG_ARCH_LOCAL + 2)

#define FW_CFG_MAX_FILES 32
#define FW_CFG_NAME_LEN 56

struct fw_cfg;

struct fw_cfg *fw_cfg_create(struct ioports *io, struct mem_map *mem);
/* The selection and the DMA address go; the items stay (they are the board's). */
void fw_cfg_reset(struct fw_cfg *f);
/* Add or replace the item at key (data is copied). */
void fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, size_t len);
void fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t v);
void fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t v);
void fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t v);
/* A named item in the directory; its key, or -1 when the directory is full. */
int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, size_t len);

#endif
