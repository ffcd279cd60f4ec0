/* The host's hardware as the API shows it: GET /api/v1/disks (dev/blk.h)
 * and GET /api/v1/network (net/net.h). Snapshots only; nothing here
 * touches a device. */
#include "mgmt/api.h"
#include "dev/blk.h"
#include "lib/kprintf.h"
#include "net/net.h"

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/netif.h"

static const char *scheme_name(enum part_scheme s)
{
    return s == PART_MBR ? "mbr" : s == PART_GPT ? "gpt" : "none";
}

void api_disks(struct http_ctx *cx)
{
    struct json_out *j = &cx->resp->body;
    json_obj_begin(j);
    json_key(j, "disks");
    json_arr_begin(j);
    for (unsigned i = 0; i < blk_count(); i++) {
        const struct blk_disk *d = blk_get(i);
        if (!d)
            break;
        json_obj_begin(j);
        json_key(j, "name");
        json_str(j, d->name);
        json_key(j, "model");
        json_str(j, d->model);
        json_key(j, "size_bytes");
        json_u64(j, d->dev.sector_count * d->dev.sector_size);
        json_key(j, "sector_size");
        json_u64(j, d->dev.sector_size);
        json_key(j, "partition_table");
        json_str(j, scheme_name(d->parts.scheme));
        json_key(j, "partitions");
        json_arr_begin(j);
        for (unsigned k = 0; k < d->parts.count && k < PART_MAX; k++) {
            const struct part *p = &d->parts.part[k];
            json_obj_begin(j);
            json_key(j, "index");
            json_u64(j, p->index);
            json_key(j, "first_lba");
            json_u64(j, p->first_lba);
            json_key(j, "size_bytes");
            json_u64(j, p->sectors * d->dev.sector_size);
            if (d->parts.scheme == PART_MBR) {
                json_key(j, "mbr_type");
                json_u64(j, p->mbr_type);
                json_key(j, "bootable");
                json_bool(j, p->bootable != 0);
            } else {
                json_key(j, "name");
                json_str(j, p->name);
            }
            json_obj_end(j);
        }
        json_arr_end(j);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_obj_end(j);
}

static void ipv4(struct json_out *j, const char *key, uint32_t a)
{
    char b[16];
    json_key(j, key);
    if (!a) {
        json_null(j);
        return;
    }
    net_format_ipv4(a, b, sizeof(b));
    json_str(j, b);
}

static void counters(struct json_out *j, const struct nic_counters *c)
{
    json_obj_begin(j);
    json_key(j, "rx_packets");
    json_u64(j, c->rx_packets);
    json_key(j, "rx_bytes");
    json_u64(j, c->rx_bytes);
    json_key(j, "rx_errors");
    json_u64(j, c->rx_errors);
    json_key(j, "rx_dropped");
    json_u64(j, c->rx_dropped);
    json_key(j, "tx_packets");
    json_u64(j, c->tx_packets);
    json_key(j, "tx_bytes");
    json_u64(j, c->tx_bytes);
    json_key(j, "tx_errors");
    json_u64(j, c->tx_errors);
    json_obj_end(j);
}

static uint32_t v4(const ip4_addr_t *a)
{
    return a ? lwip_ntohl(ip4_addr_get_u32(a)) : 0;
}

/* Handlers run inside the network stack (under net.c's lock), so this
 * reads lwIP's interfaces directly: net_if_get() would take that lock a
 * second time and never return. netif->state leads to the NIC
 * (netif_eth.c keeps the struct nic pointer first there). */
void api_network(struct http_ctx *cx)
{
    struct json_out *j = &cx->resp->body;
    json_obj_begin(j);
    json_key(j, "hostname");
    json_str(j, net_hostname());
    json_key(j, "dns");
    json_arr_begin(j);
    for (u8_t i = 0; i < DNS_MAX_SERVERS; i++) {
        const ip_addr_t *d = dns_getserver(i);
        char b[16];
        uint32_t a = d && IP_IS_V4(d) ? v4(ip_2_ip4(d)) : 0;
        if (!a)
            continue;
        net_format_ipv4(a, b, sizeof(b));
        json_str(j, b);
    }
    json_arr_end(j);
    json_key(j, "interfaces");
    json_arr_begin(j);
    struct netif *n;
    NETIF_FOREACH(n) {
        if (!n->state)                     /* the loopback interface */
            continue;
        struct nic *nic = *(struct nic **)n->state;
        char mac[18];
        ksnprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", nic->mac[0], nic->mac[1],
                  nic->mac[2], nic->mac[3], nic->mac[4], nic->mac[5]);
        bool link = netif_is_link_up(n);
        json_obj_begin(j);
        json_key(j, "name");
        json_str(j, nic->name);
        json_key(j, "model");
        json_str(j, nic->model);
        json_key(j, "mac");
        json_str(j, mac);
        json_key(j, "link_up");
        json_bool(j, link);
        bool dhcp = netif_dhcp_data(n) != NULL;
        json_key(j, "config");
        json_str(j, dhcp ? "dhcp" : "static");
        json_key(j, "state");
        json_str(j, !link ? "no link" : dhcp ? net_dhcp_state(n) : "configured");
        ipv4(j, "address", v4(netif_ip4_addr(n)));
        ipv4(j, "netmask", v4(netif_ip4_netmask(n)));
        ipv4(j, "gateway", v4(netif_ip4_gw(n)));
        static struct net_if_info six;     /* one request at a time (net lock) */
        net_ipv6_fill(n, &six);
        json_key(j, "ipv6");
        json_arr_begin(j);
        for (unsigned k = 0; k < six.nipv6; k++) {
            json_obj_begin(j);
            json_key(j, "address");
            json_str(j, six.ipv6[k].addr);
            json_key(j, "state");
            json_str(j, six.ipv6[k].state);
            json_obj_end(j);
        }
        json_arr_end(j);
        json_key(j, "counters");
        counters(j, &nic->stats);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_obj_end(j);
}
