/* The glue between hv's NIC drivers and lwIP: frames are copied between
 * the drivers' DMA buffers and lwIP's pbufs (a frame is small, the copy is
 * cheap, and the drivers keep their rings to themselves). */
#include "net/netif_eth.h"
#include "lib/string.h"

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

/* net.c's struct iface starts with the NIC pointer. */
static struct nic *nic_of(struct netif *n)
{
    return *(struct nic **)n->state;
}

static err_t linkoutput(struct netif *n, struct pbuf *p)
{
    static uint8_t frame[NIC_FRAME_MAX];      /* under net.c's lock */
    struct nic *nic = nic_of(n);
    if (p->tot_len > sizeof(frame)) {
        nic->stats.tx_errors++;
        return ERR_BUF;
    }
    const void *data = p->payload;
    if (p->len != p->tot_len) {
        pbuf_copy_partial(p, frame, p->tot_len, 0);
        data = frame;
    }
    return nic->send(nic, data, p->tot_len) == 0 ? ERR_OK : ERR_MEM;
}

err_t netif_eth_init(struct netif *n)
{
    struct nic *nic = nic_of(n);
    n->name[0] = nic->name[0];
    n->name[1] = nic->name[1];
    n->output = etharp_output;
    n->output_ip6 = ethip6_output;
    n->linkoutput = linkoutput;
    n->mtu = NIC_MTU;
    n->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(n->hwaddr, nic->mac, ETH_HWADDR_LEN);
    /* MLD6: lwIP joins the solicited-node groups neighbour discovery needs
     * (the NIC drivers accept all multicast). */
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    return ERR_OK;
}

void netif_eth_input(struct nic *nic, const void *frame, size_t len)
{
    struct netif *n = nic->stack;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (!p) {
        nic->stats.rx_dropped++;        /* lwIP's pool is empty: like a full ring */
        return;
    }
    pbuf_take(p, frame, (u16_t)len);
    if (n->input(p, n) != ERR_OK)
        pbuf_free(p);
}
