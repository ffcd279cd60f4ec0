/* Network interface cards: what every NIC driver offers the network stack.
 * Drivers are polled (no interrupts): the stack calls poll() from one place
 * under its own lock, so a driver needs no locking of its own. Owner: net. */
#ifndef HV_DEV_NIC_H
#define HV_DEV_NIC_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define NIC_MAX       4
#define NIC_NAME_MAX  8
#define NIC_MTU       1500
#define NIC_FRAME_MAX 1514          /* Ethernet header + MTU, no FCS */

struct nic_counters {
    uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
    uint64_t tx_packets, tx_bytes, tx_errors;
};

struct nic;
/* A received frame, valid only during the call. */
typedef void (*nic_rx_fn)(struct nic *nic, const void *frame, size_t len);

struct nic {
    char name[NIC_NAME_MAX];        /* "e1000-0", "vnet-0", ... as registered */
    const char *model;              /* "Intel 82540EM", "virtio-net", ... */
    uint8_t mac[6];
    struct nic_counters stats;      /* drivers update these */
    /* Queue one frame (len <= NIC_FRAME_MAX); 0 or -E_NOSPC when the
     * transmit ring is full, -E_INVAL for a bad length. */
    int (*send)(struct nic *nic, const void *frame, size_t len);
    /* Hand up to `budget` received frames to rx, reclaim sent buffers;
     * returns the number of frames delivered. */
    int (*poll)(struct nic *nic, nic_rx_fn rx, int budget);
    bool (*link_up)(struct nic *nic);
    void *priv;                     /* the driver's state */
    void *stack;                    /* the network stack's state for this NIC */
};

/* Drivers call this once a NIC is ready; names it "<prefix>-<n>". Returns
 * 0 or -E_NOSPC past NIC_MAX. */
int nic_register(struct nic *nic, const char *prefix);
unsigned nic_count(void);
struct nic *nic_get(unsigned i);    /* NULL past the end */

/* Find and start every supported NIC on the PCI bus (after pci_init). */
void nic_probe_all(void);
void e1000_probe(void);
void virtio_net_probe(void);

#endif
