/*
 * i440fx.h - the i440FX host bridge's PCI function, 00:00.0 (8086:1237),
 * as on QEMU's pc: the PAM registers 0x59-0x5F (how the 0xC0000-0xFFFFF
 * segments map reads and writes to DRAM or to the ROM behind the bridge)
 * and SMRAM 0x72 are stored and read back.  Their effect on the memory map
 * belongs to whoever maps firmware there: pam_changed, when given, hears
 * each change of the seven PAM bytes.
 */
#ifndef BT86_HW_I440FX_H
#define BT86_HW_I440FX_H

#include <stdint.h>

struct i440fx;
struct pci_host;

#define I440FX_PAM0 0x59
#define I440FX_SMRAM 0x72

typedef void (*i440fx_pam_fn)(void *opaque, const uint8_t pam[7]);
/* open: SMRAM's D_OPEN, which (with no SMM) is what shows the DRAM under
 * 0xA0000-0xBFFFF to the CPU instead of the VGA, as on QEMU's i440FX. */
typedef void (*i440fx_smram_fn)(void *opaque, int open);

struct i440fx *i440fx_create(struct pci_host *host, i440fx_pam_fn pam_changed, void *opaque);
/* Hear each change of SMRAM's D_OPEN (the same opaque as pam_changed). */
void i440fx_set_smram_fn(struct i440fx *b, i440fx_smram_fn smram_changed);
void i440fx_reset(struct i440fx *b);

#endif
