/*
 * e1000 - the Intel 82540EM as a driver finds it, and a conversation with
 * the user network (-netdev user) behind it.
 *
 * The guest finds 8086:100E on the PCI bus, places its BARs, resets it
 * through the I/O window (IOADDR/IODATA, as Linux does on this chip),
 * reads the whole EEPROM bit by bit over EECD's Microwire lines and checks
 * its 0xBABA sum, reads the MAC again through EERD and the PHY's ID through
 * MDIC.  Then, with 8-descriptor rings in RAM and no interrupt handler
 * (ICR is read for the causes), it sends an ARP request for the gateway
 * 10.0.2.2 on a legacy descriptor, and a DHCP DISCOVER whose UDP checksum
 * the NIC fills in (a context descriptor and a data descriptor with
 * TXSM): slirp drops a datagram with a bad checksum, so the DHCP OFFER
 * that comes back shows the offload right.  What the replies say is
 * printed and compared with QEMU's.  Before that, INTA# is followed through
 * the PIIX3 to the IRQ the interrupt line register names (its IRR bit,
 * level-triggered and masked), as ICS, IMS and a read of ICR move it.
 */
#include "guest.h"
#include "io.h"
#include "netframe.h"
#include "pci.h"

#include <stdint.h>

#define MMIO_BASE 0xfebc0000u
#define IO_BASE 0xc000
#define RING_RX 0x200000u
#define RING_TX 0x201000u
#define BUF_RX 0x210000u
#define BUF_TX 0x220000u
#define NDESC 8

static uint32_t rd(unsigned reg)
{
	return *(volatile uint32_t *)(MMIO_BASE + reg);
}

static void wr(unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(MMIO_BASE + reg) = v;
}

/* ---------------------------------------------------------------- INTx */

/* The slave 8259A's IRR bit of an interrupt line (10 or 11 on both). */
static int irr(unsigned line)
{
	outb(0xa0, 0x0a);
	return inb(0xa0) >> (line - 8) & 1;
}

/* INTA# through the PIIX3's PIRQ route to the IRQ the interrupt line
 * register names, seen level-triggered (ELCR) and masked in the IRR:
 * a masked cause leaves it low, IMS raises it, reading ICR lowers it. */
static void irq_line(unsigned bdf)
{
	unsigned line = cfg_read(bdf, 0x3c) & 0xff;
	if (line < 9 || line > 15) {
		printf("intx: interrupt line %u is not on the slave PIC\n", line);
		return;
	}
	outb(0xa1, inb(0xa1) | 1 << (line - 8));
	outb(0x4d1, inb(0x4d1) | 1 << (line - 8));
	wr(0xc8, 0x4); /* ICS: LSC */
	int masked = irr(line);
	wr(0xd0, 0x4);
	int raised = irr(line);
	unsigned icr = rd(0xc0);
	int cleared = irr(line);
	wr(0xd8, 0xffffffffu);
	printf("intx: masked %d, IMS %d, ICR %x read %d\n", masked, raised, icr, cleared);
}

/* ---------------------------------------------------------------- EEPROM */

static void ee_clock(uint32_t eecd)
{
	wr(0x10, eecd | 1);
	wr(0x10, eecd);
}

/* Microwire: start bit, opcode 10, 6 address bits, then 16 data bits. */
static uint16_t ee_read(unsigned addr)
{
	uint32_t base = 0x40 | 2; /* EE_REQ, CS */
	wr(0x10, 0x40);
	wr(0x10, base);
	uint32_t bits = 0x6u << 6 | (addr & 0x3f);
	for (int i = 8; i >= 0; i--)
		ee_clock(base | (bits >> i & 1 ? 4 : 0));
	uint16_t w = 0;
	for (int i = 0; i < 16; i++) {
		wr(0x10, base | 1);
		w = (uint16_t)(w << 1 | (rd(0x10) >> 3 & 1));
		wr(0x10, base);
	}
	wr(0x10, 0x40);
	wr(0x10, 0);
	return w;
}

/* ---------------------------------------------------------------- frames */

static uint8_t mac[6];
static unsigned rx_next, tx_next;

/* Descriptor d of the transmit ring: address, length, and the rest. */
static void tx_desc(uint32_t addr, uint32_t lower, uint32_t upper)
{
	volatile uint32_t *d = (volatile uint32_t *)(RING_TX + 16 * tx_next);
	d[0] = addr;
	d[1] = 0;
	d[2] = lower;
	d[3] = upper;
	tx_next = (tx_next + 1) % NDESC;
}

/* Polls pass() until it is true or the RTC's seconds changed `secs` times:
 * QEMU's e1000 takes no frame for a second after bus mastering is enabled,
 * so its replies come late there. */
static int wait_for(int (*pass)(void *), void *arg, int secs)
{
	unsigned last = cmos(0);
	while (secs > 0) {
		for (int i = 0; i < 1000; i++)
			if (pass(arg))
				return 0;
		unsigned now = cmos(0);
		if (now != last) {
			last = now;
			secs--;
		}
	}
	return pass(arg) ? 0 : -1;
}

static int dd_set(void *p)
{
	return *(volatile uint8_t *)p & 1;
}

static int tx_wait(unsigned last)
{
	return wait_for(dd_set, (void *)(RING_TX + 16 * last + 12), 3);
}

/* The next received frame, or NULL; *len without the FCS (SECRC). */
static uint8_t *rx_frame(unsigned *len, uint8_t *status)
{
	volatile uint8_t *d = (volatile uint8_t *)(RING_RX + 16 * rx_next);
	if (wait_for(dd_set, (void *)(d + 12), 3) == 0) {
		{
			*len = d[8] | d[9] << 8;
			*status = d[12];
			uint8_t *buf = (uint8_t *)(BUF_RX + 2048 * rx_next);
			d[12] = 0;
			wr(0x2818, rx_next); /* RDT: the descriptor back to the NIC */
			rx_next = (rx_next + 1) % NDESC;
			return buf;
		}
	}
	return 0;
}

static void arp(void)
{
	uint8_t *f = (uint8_t *)BUF_TX;
	memset(f, 0, 60);
	net_arp_request(f, mac);
	unsigned last = tx_next;
	/* Legacy: EOP, IFCS, RS. */
	tx_desc(BUF_TX, 60 | (0x01u | 0x02 | 0x08) << 24, 0);
	wr(0x3818, tx_next);
	printf("arp: sent %s\n", tx_wait(last) ? "NOT done" : "done (DD)");
	unsigned len;
	uint8_t st;
	uint8_t *r = rx_frame(&len, &st);
	if (!r) {
		printf("arp: no reply\n");
		return;
	}
	printf("arp: reply of %u bytes, status EOP %u, type %04x op %u\n", len, st >> 1 & 1,
	       net_get16(r + 12), net_get16(r + 20));
	net_print_arp_reply(r, mac);
}

static void dhcp(void)
{
	uint8_t *f = (uint8_t *)BUF_TX, *udp = f + 14 + 20;
	uint32_t ph;
	unsigned len = net_dhcp_discover(f, mac, &ph);
	/* The pseudo-header's sum goes where the checksum will be; the NIC
	 * adds the datagram to it (TXSM). */
	net_put16(udp + 6, net_ip_csum((const uint8_t *)"", 0, ph));
	/* Context: TUCSS 34, TUCSO 40, TUCSE 0 (to the end), UDP over IPv4. */
	volatile uint32_t *ctx = (volatile uint32_t *)(RING_TX + 16 * tx_next);
	ctx[0] = 14 | 24u << 8 | 33u << 16;
	ctx[1] = 34 | 40u << 8;
	ctx[2] = (uint32_t)(0x20 | 0x02) << 24; /* DEXT, TUCMD.IP; DTYP 0 (context) */
	ctx[3] = 0;
	tx_next = (tx_next + 1) % NDESC;
	unsigned last = tx_next;
	/* Data: DTYP 1, DCMD EOP|IFCS|RS|DEXT, POPTS TXSM. */
	tx_desc(BUF_TX, len | 1u << 20 | (0x01u | 0x02 | 0x08 | 0x20) << 24, 0x02u << 8);
	wr(0x3818, tx_next);
	printf("dhcp: DISCOVER of %u bytes sent %s\n", len, tx_wait(last) ? "NOT done" : "done (DD)");
	unsigned rlen;
	uint8_t st;
	uint8_t *r = rx_frame(&rlen, &st);
	if (!r) {
		printf("dhcp: no reply\n");
		return;
	}
	const uint8_t *rip = r + 14, *rudp = rip + (rip[0] & 15) * 4;
	printf("dhcp: reply of %u bytes, proto %u, ports %u -> %u\n", rlen, rip[9], net_get16(rudp),
	       net_get16(rudp + 2));
	net_print_dhcp_reply(r, rlen, 1);
}

int main(const char *cmdline)
{
	(void)cmdline;
	unsigned bdf = 0;
	int found = 0;
	for (unsigned dev = 0; dev < 32 && !found; dev++)
		if (cfg_read(dev << 3, 0) == 0x100e8086) {
			bdf = dev << 3;
			found = 1;
		}
	if (!found) {
		printf("no 8086:100e on bus 0\n");
		return 1;
	}
	uint32_t cr = cfg_read(bdf, 8);
	printf("e1000: class %06x rev %02x sub %08x pin %u\n", cr >> 8, cr & 0xff,
	       cfg_read(bdf, 0x2c), cfg_read(bdf, 0x3c) >> 8 & 0xff);
	for (int i = 0; i < 2; i++) {
		cfg_write(bdf, 0x10 + 4 * i, 0xffffffffu);
		printf("e1000: BAR%d mask %08x\n", i, cfg_read(bdf, 0x10 + 4 * i));
	}
	cfg_write(bdf, 0x10, MMIO_BASE);
	cfg_write(bdf, 0x14, IO_BASE);
	cfg_write(bdf, 4, 0x7); /* I/O, memory, bus master */

	/* Reset through IOADDR/IODATA, as Linux resets the 82540. */
	outl(IO_BASE, 0);
	outl(IO_BASE + 4, rd(0) | 1u << 26);
	for (int i = 0; i < 1000 && (rd(0) & 1u << 26); i++)
		;
	printf("e1000: reset %s, IOADDR reads %x\n", rd(0) & 1u << 26 ? "pending" : "done",
	       inl(IO_BASE));
	uint32_t status = rd(0x08);
	printf("e1000: link %s, %s duplex, speed field %u\n", status & 2 ? "up" : "down",
	       status & 1 ? "full" : "half", status >> 6 & 3);
	wr(0xd8, 0xffffffffu); /* IMC: no interrupts, the causes are polled */
	(void)rd(0xc0);
	irq_line(bdf);

	uint16_t ee[64], sum = 0;
	for (int i = 0; i < 64; i++) {
		ee[i] = ee_read(i);
		sum = (uint16_t)(sum + ee[i]);
	}
	for (int i = 0; i < 3; i++) {
		mac[2 * i] = (uint8_t)ee[i];
		mac[2 * i + 1] = (uint8_t)(ee[i] >> 8);
	}
	net_print_mac("eeprom: mac", mac);
	printf("eeprom: sum %04x, ids %04x %04x\n", sum, ee[0x0d], ee[0x0e]);
	uint16_t w[3];
	for (int i = 0; i < 3; i++) {
		wr(0x14, (uint32_t)i << 8 | 1);
		uint32_t v;
		int n = 0;
		while (!((v = rd(0x14)) & 0x10) && n++ < 100000)
			;
		w[i] = (uint16_t)(v >> 16);
	}
	printf("eerd: %04x %04x %04x\n", w[0], w[1], w[2]);
	uint16_t phy[2];
	for (int i = 0; i < 2; i++) {
		wr(0x20, (2u << 26) | (1u << 21) | ((uint32_t)(2 + i) << 16));
		uint32_t v;
		int n = 0;
		while (!((v = rd(0x20)) & 1u << 28) && n++ < 100000)
			;
		phy[i] = (uint16_t)v;
	}
	printf("phy: id %04x %04x\n", phy[0], phy[1]);

	/* Rings: buffers of 2048 bytes, all descriptors but one given to the NIC. */
	memset((void *)RING_RX, 0, 16 * NDESC);
	memset((void *)RING_TX, 0, 16 * NDESC);
	for (int i = 0; i < NDESC; i++)
		*(volatile uint32_t *)(RING_RX + 16 * i) = BUF_RX + 2048 * i;
	wr(0x5400, mac[0] | mac[1] << 8 | mac[2] << 16 | (uint32_t)mac[3] << 24);
	wr(0x5404, mac[4] | mac[5] << 8 | 0x80000000u);
	for (int i = 0; i < 128; i++)
		wr(0x5200 + 4 * i, 0);
	wr(0x2800, RING_RX);
	wr(0x2804, 0);
	wr(0x2808, 16 * NDESC);
	wr(0x2810, 0);
	wr(0x2818, NDESC - 1);
	wr(0x3800, RING_TX);
	wr(0x3804, 0);
	wr(0x3808, 16 * NDESC);
	wr(0x3810, 0);
	wr(0x3818, 0);
	wr(0x100, 1u << 1 | 1u << 15 | 1u << 26); /* EN, BAM, SECRC; 2048-byte buffers */
	wr(0x400, 1u << 1 | 1u << 3 | 0x0f << 4 | 0x40 << 12); /* EN, PSP, CT, COLD */
	arp();
	uint32_t icr = rd(0xc0);
	printf("icr after arp: TXDW %u TXQE %u RXT0 %u\n", icr & 1, icr >> 1 & 1, icr >> 7 & 1);
	printf("icr read again: %x\n", rd(0xc0) & 0x83);
	dhcp();
	icr = rd(0xc0);
	printf("icr after dhcp: TXDW %u RXT0 %u\n", icr & 1, icr >> 7 & 1);
	printf("tdh %u tdt %u rdh %u rdt %u\n", rd(0x3810), rd(0x3818), rd(0x2810), rd(0x2818));
	return 0;
}
