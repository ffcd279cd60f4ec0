/* lwIP configuration for hv: NO_SYS (raw API only, no threads), one caller
 * at a time under net.c's lock, static memory pools sized for a management
 * interface (a few TCP connections, one or two NICs), IPv4 with DHCP and
 * DNS server bookkeeping. docs/network.md explains the choices. */
#ifndef HV_NET_LWIPOPTS_H
#define HV_NET_LWIPOPTS_H

#define NO_SYS                   1
#define LWIP_TIMERS              1
#define SYS_LIGHTWEIGHT_PROT     0      /* net.c serialises every call */
#define LWIP_NETCONN             0
#define LWIP_SOCKET              0
#define LWIP_NETIF_API           0

#define MEM_ALIGNMENT            8
#define MEM_SIZE                 (384 * 1024)
#define MEMP_NUM_PBUF            64
#define MEMP_NUM_UDP_PCB         8
#define MEMP_NUM_TCP_PCB         160  /* above the HTTP server's 128-connection limit, so its 503 is reachable */
#define MEMP_NUM_TCP_PCB_LISTEN  8
#define MEMP_NUM_TCP_SEG         512
#define MEMP_NUM_SYS_TIMEOUT     (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)
#define PBUF_POOL_SIZE           384

#define LWIP_IPV4                1
#define LWIP_IPV6                1      /* link-local and SLAAC (docs/network.md) */
#define LWIP_IPV6_AUTOCONFIG     1
#define LWIP_IPV6_MLD            1      /* joins the solicited-node groups ND needs */
#define LWIP_IPV6_DHCP6          0
#define LWIP_IPV6_FRAG           0
#define LWIP_IPV6_REASS          0
#define LWIP_ICMP6               1
#define LWIP_IPV6_NUM_ADDRESSES  3      /* link-local + SLAAC addresses */
#define LWIP_ND6_ALLOW_RA_UPDATES 1
#define MEMP_NUM_MLD6_GROUP      6
#define LWIP_ARP                 1
#define LWIP_ETHERNET            1
#define ETH_PAD_SIZE             0
#define LWIP_ICMP                1
#define LWIP_RAW                 0
#define LWIP_UDP                 1
#define LWIP_TCP                 1
#define LWIP_DHCP                1
/* Saves the half second of ARP probing after every lease. */
#define DHCP_DOES_ARP_CHECK      0
#define LWIP_AUTOIP              0
#define LWIP_IGMP                0
#define LWIP_DNS                 1      /* DHCP's and HV.CFG's DNS servers */
#define DNS_MAX_SERVERS          2
#define IP_REASSEMBLY            1
#define IP_FRAG                  1

#define TCP_MSS                  1460
#define TCP_WND                  (16 * TCP_MSS)
#define TCP_SND_BUF              (16 * TCP_MSS)
#define TCP_SND_QUEUELEN         (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_LISTEN_BACKLOG       1
#define LWIP_TCP_KEEPALIVE       1

#define LWIP_NETIF_HOSTNAME      1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_SINGLE_NETIF        0

#define LWIP_STATS               0
#define LWIP_DEBUG               0
#define LWIP_PERF                0

#endif
