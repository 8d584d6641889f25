/*
 * user_opts.c - -netdev user's options (net/user_opts.h).  Every address
 * must lie in the guest network and the default ones follow net= as in
 * QEMU (.2, .3, .15), so that "net=192.168.76.0/24" alone is enough.
 */
#include "net/user_opts.h"
#include "net/net.h"

#include <arpa/inet.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int port_of(const char *s, int *port)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 0 || v > 65535)
        return -1;
    *port = (int)v;
    return 0;
}

/* [ADDR]:PORT, ADDR may be empty; s is modified. */
static int addr_port(char *s, struct in_addr *a, int *port)
{
    char *colon = strrchr(s, ':');
    if (!colon)
        return -1;
    *colon = 0;
    if (*s && !inet_aton(s, a))
        return -1;
    return port_of(colon + 1, port);
}

static int parse_hostfwd(const char *v, struct user_hostfwd *f)
{
    char buf[128];
    if (strlen(v) >= sizeof(buf))
        return -1;
    strcpy(buf, v);
    char *p = buf;
    memset(f, 0, sizeof(*f));
    f->host_addr.s_addr = htonl(INADDR_ANY);
    if (!strncmp(p, "tcp:", 4)) {
        p += 4;
    } else if (!strncmp(p, "udp:", 4)) {
        f->udp = 1;
        p += 4;
    } else if (*p == ':') {
        p++; /* no protocol: tcp */
    } else {
        return -1;
    }
    char *dash = strchr(p, '-');
    if (!dash)
        return -1;
    *dash = 0;
    char hostpart[128], guestpart[128];
    snprintf(hostpart, sizeof(hostpart), "%s", p);
    snprintf(guestpart, sizeof(guestpart), "%s", dash + 1);
    if (addr_port(hostpart, &f->host_addr, &f->host_port) < 0 ||
        addr_port(guestpart, &f->guest_addr, &f->guest_port) < 0 || f->guest_port == 0)
        return -1;
    return 0;
}

static int onoff(const char *v, int *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        *out = 1;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        *out = 0;
    else
        return -1;
    return 0;
}

static int in_net(const struct user_opts *u, struct in_addr a)
{
    return (a.s_addr & u->mask.s_addr) == u->net.s_addr;
}

int user_opts_parse(const char *options, struct user_opts *u, char *err, size_t errlen)
{
    memset(u, 0, sizeof(*u));
    inet_aton("10.0.2.0", &u->net);
    inet_aton("255.255.255.0", &u->mask);
    u->ipv6 = 1;
    int host_set = 0, dns_set = 0, dhcp_set = 0;
    char buf[1024];
    if (strlen(options ? options : "") >= sizeof(buf))
        return errorf(err, errlen, "options too long");
    snprintf(buf, sizeof(buf), "%s", options ? options : "");
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (!eq)
            return errorf(err, errlen, "'%s' is not KEY=VALUE", t);
        *eq = 0;
        const char *k = t, *v = eq + 1;
        int b;
        if (!strcmp(k, "net")) {
            char a[64];
            snprintf(a, sizeof(a), "%s", v);
            char *slash = strchr(a, '/');
            int bits = 24;
            if (slash) {
                *slash = 0;
                char *end;
                long n = strtol(slash + 1, &end, 10);
                struct in_addr m;
                if (!*end && end != slash + 1 && n >= 8 && n <= 30)
                    bits = (int)n;
                else if (inet_aton(slash + 1, &m))
                    bits = __builtin_popcount(m.s_addr);
                else
                    return errorf(err, errlen, "net=%s: expected ADDR/BITS or ADDR/MASK", v);
                if (bits < 8 || bits > 30)
                    return errorf(err, errlen, "net=%s: the mask must leave 2 to 24 host bits", v);
            }
            if (!inet_aton(a, &u->net))
                return errorf(err, errlen, "net=%s: not an IPv4 address", v);
            u->mask.s_addr = htonl(~0u << (32 - bits));
            u->net.s_addr &= u->mask.s_addr;
        } else if (!strcmp(k, "host") || !strcmp(k, "dns") || !strcmp(k, "dhcpstart")) {
            struct in_addr *a = k[0] == 'h' ? &u->host : k[1] == 'n' ? &u->dns : &u->dhcp;
            if (!inet_aton(v, a))
                return errorf(err, errlen, "%s=%s: not an IPv4 address", k, v);
            *(k[0] == 'h' ? &host_set : k[1] == 'n' ? &dns_set : &dhcp_set) = 1;
        } else if (!strcmp(k, "hostfwd")) {
            if (u->nfwd == USER_MAX_HOSTFWD)
                return errorf(err, errlen, "at most %d hostfwd rules", USER_MAX_HOSTFWD);
            if (parse_hostfwd(v, &u->fwd[u->nfwd]) < 0)
                return errorf(err, errlen,
                              "hostfwd=%s: expected [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT",
                              v);
            u->nfwd++;
        } else if (!strcmp(k, "restrict")) {
            if (onoff(v, &u->restrict_) < 0)
                return errorf(err, errlen, "restrict=%s: expected on or off", v);
        } else if (!strcmp(k, "ipv6")) {
            if (onoff(v, &u->ipv6) < 0)
                return errorf(err, errlen, "ipv6=%s: expected on or off", v);
        } else if (!strcmp(k, "ipv4")) {
            if (onoff(v, &b) < 0 || !b)
                return errorf(err, errlen, "ipv4=%s: bt86's user network always has IPv4", v);
        } else if (!strcmp(k, "hostname")) {
            snprintf(u->hostname, sizeof(u->hostname), "%s", v);
        } else if (!strcmp(k, "tftp")) {
            struct stat st;
            if (strlen(v) >= sizeof(u->tftp) || stat(v, &st) < 0 || !S_ISDIR(st.st_mode))
                return errorf(err, errlen, "tftp=%s: not a directory", v);
            snprintf(u->tftp, sizeof(u->tftp), "%s", v);
        } else if (!strcmp(k, "bootfile")) {
            /* The DHCP file field holds 128 bytes, NUL included. */
            if (!*v || strlen(v) >= sizeof(u->bootfile))
                return errorf(err, errlen, "bootfile=%s: expected 1 to 127 characters", v);
            snprintf(u->bootfile, sizeof(u->bootfile), "%s", v);
        } else {
            return errorf(err, errlen,
                          "unknown option '%s' (user takes net, host, dns, dhcpstart, hostfwd, "
                          "restrict, ipv4, ipv6, hostname, tftp, bootfile)",
                          k);
        }
    }
    uint32_t net = ntohl(u->net.s_addr);
    if (!host_set)
        u->host.s_addr = htonl(net | 2);
    if (!dns_set)
        u->dns.s_addr = htonl(net | 3);
    if (!dhcp_set)
        u->dhcp.s_addr = htonl(net | 15);
    if (!in_net(u, u->host) || !in_net(u, u->dns) || !in_net(u, u->dhcp))
        return errorf(err, errlen, "host, dns and dhcpstart must lie in net=");
    for (int i = 0; i < u->nfwd; i++) {
        if (!u->fwd[i].guest_addr.s_addr)
            u->fwd[i].guest_addr = u->dhcp;
        else if (!in_net(u, u->fwd[i].guest_addr))
            return errorf(err, errlen, "hostfwd: the guest address must lie in net=");
    }
    return 0;
}

int netdev_user_check(const char *options, char *err, size_t errlen)
{
    struct user_opts u;
    if (user_opts_parse(options, &u, err, errlen) < 0)
        return -1;
    if (!netdev_user_available())
        return errorf(err, errlen,
                      "this bt86 was built without libslirp: no user network "
                      "(install libslirp-dev and run ./configure again)");
    return 0;
}
