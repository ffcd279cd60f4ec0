/* The network stack: lwIP on hv's NICs, configured from HV.CFG (DHCP by
 * default), driven from the bootstrap CPU's timer tick. Everything here
 * may be called from any CPU; lwIP itself is only entered under net.c's
 * lock. Owner: net. docs/network.md. */
#ifndef HV_NET_NET_H
#define HV_NET_NET_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "dev/nic.h"

struct hv_config;

/* Finds the NICs, brings each up (static address from the configuration
 * on the first NIC, DHCP otherwise), starts the TCP services (echo on 7,
 * HTTP on 80) and the polling. Prints "hv: net: ..." lines. mode_name
 * goes into the console's header bar with the address. */
void net_init(const struct hv_config *cfg, const char *mode_name);

/* Waits up to ms for an IPv4 address on any interface; writes it as
 * "a.b.c.d" into buf (or "none") and returns whether there is one. */
bool net_wait_address(unsigned ms, char *buf, size_t n);

/* Processes received frames and lwIP's timers once; the tick hook calls
 * it, callers with a reason to hurry may too. */
void net_poll(void);

#define NET_IPV6_MAX  3
#define NET_IPV6_TEXT 40             /* 8 groups of 4 hex digits, 7 colons, NUL */

struct net_if_info {
    char name[NIC_NAME_MAX];
    const char *model;
    uint8_t mac[6];
    bool link_up;
    struct nic_counters stats;
    const char *how;                /* "dhcp", "static" */
    const char *state;              /* "bound", "requesting", "configured", "no link", ... */
    uint32_t address, netmask, gateway;  /* a << 24 | ...; 0 when not set */
    /* IPv6: the link-local address and those SLAAC made from router
     * advertisements, as text, with their state. */
    unsigned nipv6;
    struct {
        char addr[NET_IPV6_TEXT];
        const char *state;          /* "tentative", "preferred", "deprecated" */
    } ipv6[NET_IPV6_MAX];
};

unsigned net_if_count(void);
/* A snapshot of interface i; 0 or -E_NOENT. */
int net_if_get(unsigned i, struct net_if_info *out);
/* The IPv6 part of out for an lwIP struct netif, for callers that already
 * hold the network lock (the API's handlers run under it). */
void net_ipv6_fill(const void *netif, struct net_if_info *out);
/* Its DHCP client's state ("bound", "requesting", ...; "off" with none),
 * likewise for callers that hold the network lock. */
const char *net_dhcp_state(const void *netif);
/* DNS server i (0 or 1) as a << 24 | ...; 0 when none. */
uint32_t net_dns_server(unsigned i);
const char *net_hostname(void);

/* "a.b.c.d" for an address in the form above. */
void net_format_ipv4(uint32_t a, char *buf, size_t n);

#endif
