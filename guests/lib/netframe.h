/*
 * netframe.h - the frames the NIC guests (e1000, virtionet) send to the
 * user network's gateway and the lines they print about the answers:
 * an ARP request for 10.0.2.2 from 10.0.2.15, and a DHCP DISCOVER.  Each
 * guest moves the frames through its own device; the bytes and the
 * printed lines are the same, so that both compare with QEMU alike.
 * Header only.
 */
#ifndef GUEST_NETFRAME_H
#define GUEST_NETFRAME_H

#include "guest.h"

#include <stdint.h>

#define NET_ARP_LEN 42 /* an Ethernet ARP request, before any padding */

static const uint8_t net_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static inline void net_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t net_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The ones' complement sum of p[0..n) on top of sum, folded. */
static inline uint16_t net_ip_csum(const uint8_t *p, unsigned n, uint32_t sum)
{
	for (unsigned i = 0; i < n; i += 2)
		sum += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static inline void net_print_mac(const char *what, const uint8_t *m)
{
	printf("%s %02x:%02x:%02x:%02x:%02x:%02x\n", what, m[0], m[1], m[2], m[3], m[4], m[5]);
}

static inline void net_eth_header(uint8_t *f, const uint8_t *dst, const uint8_t *src,
				  uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	net_put16(f + 12, type);
}

/* Who has 10.0.2.2, tell 10.0.2.15 (at mac): NET_ARP_LEN bytes at f. */
static inline void net_arp_request(uint8_t *f, const uint8_t *mac)
{
	memset(f, 0, NET_ARP_LEN);
	net_eth_header(f, net_bcast, mac, 0x0806);
	net_put16(f + 14, 1);      /* Ethernet */
	net_put16(f + 16, 0x0800); /* IPv4 */
	f[18] = 6;
	f[19] = 4;
	net_put16(f + 20, 1); /* request */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, "\x0a\x00\x02\x0f", 4);
	memcpy(f + 38, "\x0a\x00\x02\x02", 4);
}

/* What an ARP reply r says, after the guest's own first line. */
static inline void net_print_arp_reply(const uint8_t *r, const uint8_t *mac)
{
	net_print_mac("arp: 10.0.2.2 is at", r + 22);
	printf("arp: sender %u.%u.%u.%u target %u.%u.%u.%u\n", r[28], r[29], r[30], r[31], r[38],
	       r[39], r[40], r[41]);
	printf("arp: to us: %s\n", memcmp(r, mac, 6) ? "no" : "yes");
}

/*
 * A DHCP DISCOVER from mac, broadcast reply wanted, asking for the mask,
 * router and DNS, in a frame at f (600 bytes are cleared); returns its
 * length.  The UDP checksum is left 0 for the guest to fill in or leave to
 * its NIC; *pseudo gets the pseudo-header's sum for that.
 */
static inline unsigned net_dhcp_discover(uint8_t *f, const uint8_t *mac, uint32_t *pseudo)
{
	memset(f, 0, 600);
	net_eth_header(f, net_bcast, mac, 0x0800);
	uint8_t *ip = f + 14, *udp = ip + 20, *bp = udp + 8;
	bp[0] = 1;
	bp[1] = 1;
	bp[2] = 6;
	memcpy(bp + 4, "\x12\x34\x56\x78", 4);
	net_put16(bp + 10, 0x8000);
	memcpy(bp + 28, mac, 6);
	uint8_t *o = bp + 236;
	memcpy(o, "\x63\x82\x53\x63", 4);
	o += 4;
	*o++ = 53, *o++ = 1, *o++ = 1;                     /* DISCOVER */
	*o++ = 55, *o++ = 3, *o++ = 1, *o++ = 3, *o++ = 6; /* mask, router, DNS */
	*o++ = 255;
	unsigned bplen = (unsigned)(o - bp);
	if (bplen < 548)
		bplen = 548; /* slirp takes no shorter BOOTP message */
	unsigned udplen = 8 + bplen, iplen = 20 + udplen;
	ip[0] = 0x45;
	net_put16(ip + 2, (uint16_t)iplen);
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4); /* 0.0.0.0 -> 255.255.255.255 */
	net_put16(ip + 10, (uint16_t)~net_ip_csum(ip, 20, 0));
	net_put16(udp, 68);
	net_put16(udp + 2, 67);
	net_put16(udp + 4, (uint16_t)udplen);
	*pseudo = 0xffff + 0xffff + 17 + udplen; /* 0.0.0.0, 255.255.255.255, UDP, length */
	return 14 + iplen;
}

static inline const uint8_t *net_dhcp_option(const uint8_t *o, const uint8_t *end, int code)
{
	while (o < end && *o != 255) {
		if (*o == 0) {
			o++;
			continue;
		}
		if (*o == code)
			return o;
		o += 2 + o[1];
	}
	return 0;
}

static inline void net_print_ip(const char *what, const uint8_t *opt)
{
	if (opt)
		printf("dhcp: %s %u.%u.%u.%u\n", what, opt[2], opt[3], opt[4], opt[5]);
}

/* What a DHCP answer r of rlen bytes says, after the guest's first line;
 * with all, the DNS server and the mask too. */
static inline void net_print_dhcp_reply(const uint8_t *r, unsigned rlen, int all)
{
	const uint8_t *rip = r + 14, *rudp = rip + (rip[0] & 15) * 4, *rbp = rudp + 8;
	printf("dhcp: ip header checksum %s\n", net_ip_csum(rip, 20, 0) == 0xffff ? "good" : "BAD");
	printf("dhcp: op %u xid %02x%02x%02x%02x yiaddr %u.%u.%u.%u\n", rbp[0], rbp[4], rbp[5],
	       rbp[6], rbp[7], rbp[16], rbp[17], rbp[18], rbp[19]);
	const uint8_t *end = r + rlen, *t = net_dhcp_option(rbp + 240, end, 53);
	printf("dhcp: message type %u\n", t ? t[2] : 0);
	net_print_ip("server", net_dhcp_option(rbp + 240, end, 54));
	net_print_ip("router", net_dhcp_option(rbp + 240, end, 3));
	if (all) {
		net_print_ip("dns", net_dhcp_option(rbp + 240, end, 6));
		net_print_ip("mask", net_dhcp_option(rbp + 240, end, 1));
	}
}

#endif
