/*
 * user_opts.h - the options of -netdev user, as QEMU spells them, parsed
 * apart from libslirp so that a bt86 without it still checks them:
 *
 *   net=ADDR[/MASK]  the guest network (default 10.0.2.0/24)
 *   host=ADDR        the gateway, the host as the guest sees it (default .2)
 *   dns=ADDR         the DNS forwarder (default .3)
 *   dhcpstart=ADDR   the first address DHCP hands out (default .15)
 *   hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT   (repeatable)
 *   restrict=on|off  on: the guest reaches nothing outside (hostfwd still works)
 *   ipv4=on, ipv6=on|off, hostname=NAME
 *   tftp=DIR         the TFTP server at the host address serves DIR (read-only)
 *   bootfile=FILE    the boot file name DHCP offers (PXE: what the ROM fetches)
 */
#ifndef BT86_NET_USER_OPTS_H
#define BT86_NET_USER_OPTS_H

#include <netinet/in.h>
#include <stddef.h>

#define USER_MAX_HOSTFWD 16

struct user_hostfwd {
    int udp;
    struct in_addr host_addr; /* INADDR_ANY by default */
    int host_port;
    struct in_addr guest_addr; /* 0: the DHCP start address */
    int guest_port;
};

struct user_opts {
    struct in_addr net, mask, host, dns, dhcp;
    int restrict_;
    int ipv6;
    char hostname[64];
    char tftp[512];     /* "": no TFTP server */
    char bootfile[128]; /* "": DHCP names none */
    struct user_hostfwd fwd[USER_MAX_HOSTFWD];
    int nfwd;
};

/* 0, or -1 with a message in err. */
int user_opts_parse(const char *options, struct user_opts *u, char *err, size_t errlen);

#endif
