/*
 * The network stack's core: lwIP (NO_SYS, raw API) over every NIC found.
 *
 * Where packets are processed: lwIP is single-threaded, so every entry into
 * it happens under net_lock with interrupts off. The bootstrap CPU's timer
 * tick (100 Hz, timer_set_bsp_hook) polls the NICs and runs lwIP's timers;
 * the shell, which also runs on the BSP, sleeps in hlt between keystrokes,
 * so polling in the tick never waits behind it and never starves it (a
 * poll is bounded by RX_BUDGET frames per NIC). Another CPU that wants
 * into lwIP takes the same lock; the tick only try-locks, so it never
 * spins in an interrupt handler.
 */
#include "net/net.h"
#include "net/netif_eth.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/spinlock.h"
#include "dev/console.h"
#include "dev/timer.h"
#include "lib/errno.h"
#include "lib/hvcfg.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mgmt/auth.h"
#include "mgmt/http_server.h"
#include "net/echo.h"

#include "lwip/init.h"
#include "lwip/dhcp.h"
#include "lwip/ip6_addr.h"
#include "lwip/prot/dhcp.h"
#include "lwip/dns.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define RX_BUDGET 256

struct iface {
    struct nic *nic;                   /* first: netif_eth.c finds it through netif->state */
    struct netif netif;
    bool is_static;
    bool link_was_up;
    bool announced;                    /* "hv: net: ip ..." printed for this address */
};

static spinlock_t net_lock = SPINLOCK_INIT;
static struct iface ifaces[NIC_MAX];
static unsigned nifaces;
static char hostname[HVCFG_HOSTNAME_MAX + 1] = "hv";
static char header_mode[16];
static volatile bool have_address;

static bool try_lock(void)
{
    uint32_t owner = __atomic_load_n(&net_lock.owner, __ATOMIC_RELAXED);
    uint32_t expect = owner;
    return __atomic_compare_exchange_n(&net_lock.next, &expect, owner + 1, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void net_format_ipv4(uint32_t a, char *buf, size_t n)
{
    ksnprintf(buf, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static uint32_t from_lwip(const ip4_addr_t *a)
{
    return lwip_ntohl(ip4_addr_get_u32(a));
}

static void to_lwip(ip4_addr_t *out, uint32_t a)
{
    ip4_addr_set_u32(out, lwip_htonl(a));
}

static void set_header(uint32_t addr)
{
    char ip[16], header[128];
    if (addr)
        net_format_ipv4(addr, ip, sizeof(ip));
    else
        strlcpy(ip, "none", sizeof(ip));
    ksnprintf(header, sizeof(header), "hv %s   %s   %s mode   ip %s", HV_VERSION, hostname,
              header_mode, ip);
    console_set_header(header);
}

/* lwIP calls this (under net_lock) when an interface's address changes. */
static void status_changed(struct netif *n)
{
    struct iface *f = n->state;
    uint32_t a = from_lwip(netif_ip4_addr(n));
    if (!a) {
        f->announced = false;
        return;
    }
    if (f->announced)
        return;
    f->announced = true;
    char ip[16], mask[16], gw[16];
    net_format_ipv4(a, ip, sizeof(ip));
    net_format_ipv4(from_lwip(netif_ip4_netmask(n)), mask, sizeof(mask));
    net_format_ipv4(from_lwip(netif_ip4_gw(n)), gw, sizeof(gw));
    kprintf("hv: net: ip %s (%s) on %s, netmask %s, gateway %s\n", ip,
            f->is_static ? "static" : "dhcp", f->nic->name, mask, gw);
    if (!have_address) {
        have_address = true;
        set_header(a);
    }
}

static void poll_locked(void)
{
    for (unsigned i = 0; i < nifaces; i++) {
        struct iface *f = &ifaces[i];
        f->nic->poll(f->nic, netif_eth_input, RX_BUDGET);
        bool up = f->nic->link_up(f->nic);
        if (up != f->link_was_up) {
            f->link_was_up = up;
            kprintf("hv: net: %s: link %s\n", f->nic->name, up ? "up" : "down");
            if (up)
                netif_set_link_up(&f->netif);
            else
                netif_set_link_down(&f->netif);
        }
    }
    sys_check_timeouts();
}

void net_poll(void)
{
    uint64_t flags = cpu_save_flags();
    cpu_cli();
    if (try_lock()) {
        poll_locked();
        spin_unlock(&net_lock);
    }
    cpu_restore_flags(flags);
}

/* Static configuration applies to the first NIC; the others use DHCP. */
static void start_iface(struct iface *f, const struct hv_config *cfg, bool first)
{
    ip4_addr_t addr, mask, gw;
    ip4_addr_set_zero(&addr);
    ip4_addr_set_zero(&mask);
    ip4_addr_set_zero(&gw);
    f->is_static = first && cfg->net_mode == HVCFG_NET_STATIC && cfg->net_address;
    if (f->is_static) {
        uint32_t m = cfg->net_prefix >= 32 ? 0xFFFFFFFFu : ~(0xFFFFFFFFu >> cfg->net_prefix);
        to_lwip(&addr, cfg->net_address);
        to_lwip(&mask, m);
        to_lwip(&gw, cfg->net_gateway);
    }
    if (!netif_add(&f->netif, &addr, &mask, &gw, f, netif_eth_init, ethernet_input)) {
        kprintf("hv: net: warning: %s: lwIP refused the interface\n", f->nic->name);
        return;
    }
    netif_set_hostname(&f->netif, hostname);
    /* IPv6: a link-local address from the MAC, and SLAAC addresses from
     * the routers' advertisements (docs/network.md). */
    netif_create_ip6_linklocal_address(&f->netif, 1);
    netif_set_ip6_autoconfig_enabled(&f->netif, 1);
    netif_set_status_callback(&f->netif, status_changed);
    if (first)
        netif_set_default(&f->netif);
    netif_set_up(&f->netif);
    f->link_was_up = f->nic->link_up(f->nic);
    if (f->link_was_up)
        netif_set_link_up(&f->netif);
    if (f->is_static) {
        status_changed(&f->netif);
    } else {
        err_t e = dhcp_start(&f->netif);
        if (e != ERR_OK)
            kprintf("hv: net: warning: %s: DHCP did not start (lwIP error %d)\n", f->nic->name, e);
    }
}

void net_init(const struct hv_config *cfg, const char *mode_name)
{
    strlcpy(hostname, cfg->hostname, sizeof(hostname));
    strlcpy(header_mode, mode_name, sizeof(header_mode));
    nic_probe_all();
    if (nic_count() == 0) {
        kprintf("hv: net: no supported network card found\n");
        return;
    }
    if (cfg->net_mode == HVCFG_NET_STATIC && !cfg->net_address)
        kprintf("hv: net: warning: net.mode = static without a valid net.address; using DHCP\n");

    uint64_t flags = spin_lock_irqsave(&net_lock);
    lwip_init();
    if (cfg->net_dns) {
        ip_addr_t d;
        to_lwip(ip_2_ip4(&d), cfg->net_dns);
        IP_SET_TYPE_VAL(d, IPADDR_TYPE_V4);
        dns_setserver(0, &d);
    }
    for (unsigned i = 0; i < nic_count(); i++) {
        struct iface *f = &ifaces[nifaces];
        f->nic = nic_get(i);
        f->nic->stack = &f->netif;
        nifaces++;
        start_iface(f, cfg, i == 0);
    }
    int e = echo_start();
    if (e < 0)
        kprintf("hv: net: warning: echo service on port 7 did not start (%d)\n", e);
    e = http_server_start(hostname);
    if (e < 0)
        kprintf("hv: net: warning: http service on port 80 did not start (%d)\n", e);
    spin_unlock_irqrestore(&net_lock, flags);

    timer_set_bsp_hook(net_poll);
    kprintf("hv: net: %u interface%s, %s, tcp echo on 7, http on 80\n", nifaces,
            nifaces == 1 ? "" : "s",
            ifaces[0].is_static ? "static address" : "dhcp");
}

bool net_wait_address(unsigned ms, char *buf, size_t n)
{
    uint64_t end = timer_now_ns() + (uint64_t)ms * 1000000u;
    while (nifaces && !have_address && timer_now_ns() < end)
        cpu_hlt();
    uint32_t a = 0;
    uint64_t flags = spin_lock_irqsave(&net_lock);
    for (unsigned i = 0; i < nifaces && !a; i++)
        a = from_lwip(netif_ip4_addr(&ifaces[i].netif));
    spin_unlock_irqrestore(&net_lock, flags);
    if (a)
        net_format_ipv4(a, buf, n);
    else
        strlcpy(buf, "none", n);
    return a != 0;
}

unsigned net_if_count(void)
{
    return nifaces;
}

const char *net_dhcp_state(const void *netif)
{
    const struct dhcp *d = netif_dhcp_data((const struct netif *)netif);
    if (!d)
        return "off";
    switch (d->state) {
    case DHCP_STATE_BOUND: return "bound";
    case DHCP_STATE_REQUESTING: return "requesting";
    case DHCP_STATE_SELECTING: return "selecting";
    case DHCP_STATE_RENEWING: return "renewing";
    case DHCP_STATE_REBINDING: return "rebinding";
    case DHCP_STATE_REBOOTING: return "rebooting";
    case DHCP_STATE_CHECKING: return "checking";
    case DHCP_STATE_BACKING_OFF: return "backing off";
    default: return "starting";
    }
}

void net_ipv6_fill(const void *netif, struct net_if_info *out)
{
    const struct netif *n = netif;
    out->nipv6 = 0;
    for (int k = 0; k < LWIP_IPV6_NUM_ADDRESSES && out->nipv6 < NET_IPV6_MAX; k++) {
        u8_t st = netif_ip6_addr_state(n, k);
        if (!ip6_addr_isvalid(st) && !ip6_addr_istentative(st))
            continue;
        char *t = out->ipv6[out->nipv6].addr;
        ip6addr_ntoa_r(netif_ip6_addr(n, k), t, NET_IPV6_TEXT);
        for (; *t; t++)                    /* lwIP writes hex in capitals; RFC 5952 wants small */
            if (*t >= 'A' && *t <= 'F')
                *t = (char)(*t - 'A' + 'a');
        out->ipv6[out->nipv6++].state = ip6_addr_istentative(st) ? "tentative"
                                      : ip6_addr_ispreferred(st) ? "preferred" : "deprecated";
    }
}

int net_if_get(unsigned i, struct net_if_info *out)
{
    if (i >= nifaces)
        return -E_NOENT;
    struct iface *f = &ifaces[i];
    uint64_t flags = spin_lock_irqsave(&net_lock);
    memset(out, 0, sizeof(*out));
    strlcpy(out->name, f->nic->name, sizeof(out->name));
    out->model = f->nic->model;
    memcpy(out->mac, f->nic->mac, 6);
    out->link_up = f->link_was_up;
    out->stats = f->nic->stats;
    out->how = f->is_static ? "static" : "dhcp";
    if (!f->link_was_up)
        out->state = "no link";
    else
        out->state = f->is_static ? "configured" : net_dhcp_state(&f->netif);
    out->address = from_lwip(netif_ip4_addr(&f->netif));
    out->netmask = from_lwip(netif_ip4_netmask(&f->netif));
    out->gateway = from_lwip(netif_ip4_gw(&f->netif));
    net_ipv6_fill(&f->netif, out);
    spin_unlock_irqrestore(&net_lock, flags);
    return 0;
}

uint32_t net_dns_server(unsigned i)
{
    if (!nifaces || i >= DNS_MAX_SERVERS)
        return 0;
    uint64_t flags = spin_lock_irqsave(&net_lock);
    const ip_addr_t *d = dns_getserver((u8_t)i);
    uint32_t a = d && IP_IS_V4(d) ? from_lwip(ip_2_ip4(d)) : 0;
    spin_unlock_irqrestore(&net_lock, flags);
    return a;
}

const char *net_hostname(void)
{
    return hostname;
}
