/*
 * e1000.h - the Intel 82540EM gigabit Ethernet controller (PCI 8086:100E),
 * QEMU's default NIC, which Linux drives with its in-tree e1000 driver.
 *
 * BAR0 is the 128 KiB register file (MMIO), BAR1 the 8-byte I/O window
 * onto it (IOADDR, IODATA: Linux resets the 82540 through it).  The MAC
 * address is in the EEPROM (Microwire, 64 words, read through EECD's bit
 * lines or EERD), the PHY is a Marvell 88E1011 behind MDIC with the link
 * always up at 1000 Mb/s full duplex.  Frames move between the netdev
 * (net/net.h) and guest RAM through the receive and transmit descriptor
 * rings; transmission takes legacy descriptors and the context and data
 * descriptors of checksum offload and TCP segmentation (TSO), which the
 * driver uses on this chip.
 *
 * Every descriptor and buffer address is checked against guest RAM, and
 * every ring index against the ring's length: a descriptor or a buffer
 * that is not RAM is not read or written, a head or tail beyond the ring
 * stops the ring, as a master abort and a hung ring do on the real chip.
 *
 * The expansion ROM (iPXE's, which QEMU's pc gives the NIC) is the
 * caller's bytes behind the PCI ROM BAR; NULL for none, as romfile= empty.
 *
 *   struct e1000 *e = e1000_create(host, PCI_DEVFN(3, 0), nd, mac, NULL, 0);
 *   add to the machine's reset list: e1000_reset(e)
 */
#ifndef BT86_HW_E1000_H
#define BT86_HW_E1000_H

#include <stdint.h>

struct e1000;
struct netdev;
struct pci_host;

#define E1000_MMIO_SIZE 0x20000u

/* NULL when out of memory, devfn is taken, or nd has a NIC already.  The
 * ROM's rom_len bytes are copied. */
struct e1000 *e1000_create(struct pci_host *host, int devfn, struct netdev *nd,
                           const uint8_t mac[6], const uint8_t *rom, uint32_t rom_len);
void e1000_reset(struct e1000 *e);
void e1000_destroy(struct e1000 *e);
/* The register file as BAR0 decodes it (offset in the 128 KiB), for tests. */
uint32_t e1000_reg_read(struct e1000 *e, uint32_t off);
void e1000_reg_write(struct e1000 *e, uint32_t off, uint32_t v);

#endif
