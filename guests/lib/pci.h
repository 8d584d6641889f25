/*
 * pci.h - PCI configuration space through the PC's mechanism #1 (ports
 * 0xcf8/0xcfc), for the guests that find and drive a PCI function.  bdf is
 * bus << 8 | device << 3 | function.  Header only.
 */
#ifndef GUEST_PCI_H
#define GUEST_PCI_H

#include "io.h"

static inline uint32_t cfg_read(unsigned bdf, unsigned reg)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (reg & 0xfc));
	return inl(0xcfc);
}

static inline void cfg_write(unsigned bdf, unsigned reg, uint32_t v)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (reg & 0xfc));
	outl(0xcfc, v);
}

static inline uint8_t cfg_read8(unsigned bdf, unsigned reg)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (reg & 0xfc));
	return inb(0xcfc + (reg & 3));
}

static inline void cfg_write8(unsigned bdf, unsigned reg, uint8_t v)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (reg & 0xfc));
	outb(0xcfc + (reg & 3), v);
}

#endif
