/* `net`: per interface its card, MAC, link, counters, IPv4 settings and IPv6 addresses;
 * then the DNS servers and the hostname. Owner: net. */
#include "shell/shell_cmds.h"
#include "net/net.h"
#include "lib/kprintf.h"

static void show_if(const struct net_if_info *f)
{
    char ip[16], mask[16], gw[16];
    const uint8_t *m = f->mac;
    kprintf("%s: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", f->name, f->model,
            m[0], m[1], m[2], m[3], m[4], m[5], f->link_up ? "up" : "down");
    kprintf("  rx %lu packets %lu bytes %lu errors %lu dropped\n",
            f->stats.rx_packets, f->stats.rx_bytes, f->stats.rx_errors, f->stats.rx_dropped);
    kprintf("  tx %lu packets %lu bytes %lu errors\n",
            f->stats.tx_packets, f->stats.tx_bytes, f->stats.tx_errors);
    net_format_ipv4(f->address, ip, sizeof(ip));
    net_format_ipv4(f->netmask, mask, sizeof(mask));
    net_format_ipv4(f->gateway, gw, sizeof(gw));
    if (f->address)
        kprintf("  ipv4 %s netmask %s gateway %s (%s, %s)\n", ip, mask, gw, f->how, f->state);
    else
        kprintf("  ipv4 none (%s, %s)\n", f->how, f->state);
    for (unsigned i = 0; i < f->nipv6; i++)
        kprintf("  ipv6 %s (%s)\n", f->ipv6[i].addr, f->ipv6[i].state);
}

void cmd_net(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    unsigned n = net_if_count();
    if (n == 0) {
        kprintf("no network interfaces\n");
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        struct net_if_info f;
        if (net_if_get(i, &f) == 0)
            show_if(&f);
    }
    char d0[16], d1[16];
    uint32_t a = net_dns_server(0), b = net_dns_server(1);
    net_format_ipv4(a, d0, sizeof(d0));
    net_format_ipv4(b, d1, sizeof(d1));
    if (!a && !b)
        kprintf("dns none\n");
    else if (a && b)
        kprintf("dns %s %s\n", d0, d1);
    else
        kprintf("dns %s\n", a ? d0 : d1);
    kprintf("hostname %s\n", net_hostname());
}
