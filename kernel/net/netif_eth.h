/* lwIP's view of an hv NIC: an Ethernet netif whose state is net.c's iface
 * (first member: the struct nic pointer); nic->stack points back at the
 * netif. Called only under net.c's lock. */
#ifndef HV_NET_NETIF_ETH_H
#define HV_NET_NETIF_ETH_H

#include <stddef.h>
#include "dev/nic.h"
#include "lwip/netif.h"

/* netif_add's init function: netif->state is a struct iface whose first
 * member is the struct nic pointer. */
err_t netif_eth_init(struct netif *netif);
/* The NIC's receive callback: hands one frame to lwIP. */
void netif_eth_input(struct nic *nic, const void *frame, size_t len);

#endif
