/* virtio-net over the legacy (0.9.5) virtio-pci transport: queue 0 receives,
 * queue 1 transmits, polled (interrupts suppressed). Without mergeable
 * buffers every packet starts with a 10-byte virtio_net_hdr. Receive
 * buffers are one writable descriptor each; a transmitted packet is a
 * descriptor pair (header, frame), which legacy devices require when
 * ANY_LAYOUT is not negotiated. */
#include "dev/nic.h"
#include "dev/pci.h"
#include "arch/x86_64/cpu.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define VIO_DEV_FEATURES   0x00
#define VIO_GUEST_FEATURES 0x04
#define VIO_QUEUE_PFN      0x08
#define VIO_QUEUE_SIZE     0x0C
#define VIO_QUEUE_SEL      0x0E
#define VIO_QUEUE_NOTIFY   0x10
#define VIO_STATUS         0x12
#define VIO_CONFIG         0x14        /* MSI-X stays off, so config starts here */

#define ST_ACK       1
#define ST_DRIVER    2
#define ST_DRIVER_OK 4
#define ST_FAILED    0x80

#define F_MAC    (1u << 5)
#define F_STATUS (1u << 16)
#define NET_S_LINK_UP 1

#define DESC_NEXT  1
#define DESC_WRITE 2
#define AVAIL_NO_INTERRUPT 1

#define HDR_LEN  10
#define BUF_SIZE 2048
#define RXQ 0
#define TXQ 1

struct vdesc { uint64_t addr; uint32_t len; uint16_t flags, next; };

struct vq {
    uint16_t size;
    struct vdesc *desc;
    volatile uint16_t *avail;          /* flags, idx, ring[] */
    volatile uint16_t *used;           /* flags, idx, then {id, len} pairs as 2 x u32 */
    uint16_t last_used;
    uint64_t buf_pa;
    uint8_t *buf;                      /* BUF_SIZE per receive slot or transmit pair */
};

struct vnet {
    struct nic nic;
    uint16_t io;
    uint32_t features;
    struct vq rx, tx;
    uint16_t tx_free;                  /* transmit pairs not in flight */
    uint16_t tx_next;                  /* next pair to use, in order */
    uint16_t tx_pairs;
};

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

static void publish(struct vnet *v, struct vq *q, uint16_t qidx, uint16_t head)
{
    uint16_t idx = q->avail[1];
    q->avail[2 + idx % q->size] = head;
    __asm__ volatile("mfence" ::: "memory");
    q->avail[1] = (uint16_t)(idx + 1);
    __asm__ volatile("mfence" ::: "memory");
    outw(v->io + VIO_QUEUE_NOTIFY, qidx);
}

static int setup_queue(struct vnet *v, uint16_t qidx, struct vq *q, unsigned nbufs)
{
    outw(v->io + VIO_QUEUE_SEL, qidx);
    uint16_t size = inw(v->io + VIO_QUEUE_SIZE);
    if (size < 4 || (size & (size - 1)))
        return -E_INVAL;
    uint64_t used_off = align_up(16ull * size + 6 + 2ull * size, PAGE_SIZE);
    uint64_t bytes = used_off + align_up(6 + 8ull * size, PAGE_SIZE);
    uint64_t ring = pmm_alloc_pages(bytes / PAGE_SIZE);
    if (nbufs > size)
        nbufs = size;
    uint64_t bufs = pmm_alloc_pages(align_up((uint64_t)nbufs * BUF_SIZE, PAGE_SIZE) / PAGE_SIZE);
    if (!ring || !bufs || (ring >> 44))
        return -E_NOMEM;
    uint8_t *rv = phys_to_virt(ring);
    memset(rv, 0, bytes);
    q->size = size;
    q->desc = (struct vdesc *)rv;
    q->avail = (volatile uint16_t *)(rv + 16ull * size);
    q->used = (volatile uint16_t *)(rv + used_off);
    q->buf_pa = bufs;
    q->buf = phys_to_virt(bufs);
    q->avail[0] = AVAIL_NO_INTERRUPT;
    outl(v->io + VIO_QUEUE_PFN, (uint32_t)(ring >> 12));
    return (int)nbufs;
}

static bool vnet_link_up(struct nic *nic)
{
    struct vnet *v = nic->priv;
    if (!(v->features & F_STATUS))
        return true;                    /* no status field: the link is always up */
    return inw(v->io + VIO_CONFIG + 6) & NET_S_LINK_UP;
}

/* Transmit pairs complete in order of submission (the device may finish
 * them in any order, but each pair's buffer is only reused once the device
 * has returned that many pairs, which is all this counts). */
static void reclaim_tx(struct vnet *v)
{
    struct vq *q = &v->tx;
    while (q->last_used != q->used[1]) {
        q->last_used++;
        v->tx_free++;
    }
}

static int vnet_send(struct nic *nic, const void *frame, size_t len)
{
    struct vnet *v = nic->priv;
    if (len == 0 || len > NIC_FRAME_MAX) {
        nic->stats.tx_errors++;
        return -E_INVAL;
    }
    reclaim_tx(v);
    if (v->tx_free == 0) {
        nic->stats.tx_errors++;
        return -E_NOSPC;
    }
    struct vq *q = &v->tx;
    uint16_t pair = v->tx_next;
    v->tx_next = (uint16_t)((pair + 1) % v->tx_pairs);
    v->tx_free--;
    uint8_t *buf = q->buf + (uint64_t)pair * BUF_SIZE;
    uint64_t pa = q->buf_pa + (uint64_t)pair * BUF_SIZE;
    memset(buf, 0, HDR_LEN);
    memcpy(buf + HDR_LEN, frame, len);
    uint16_t d0 = (uint16_t)(2 * pair), d1 = (uint16_t)(d0 + 1);
    q->desc[d0] = (struct vdesc){ pa, HDR_LEN, DESC_NEXT, d1 };
    q->desc[d1] = (struct vdesc){ pa + HDR_LEN, (uint32_t)len, 0, 0 };
    publish(v, q, TXQ, d0);
    nic->stats.tx_packets++;
    nic->stats.tx_bytes += len;
    return 0;
}

static int vnet_poll(struct nic *nic, nic_rx_fn rx, int budget)
{
    struct vnet *v = nic->priv;
    struct vq *q = &v->rx;
    int n = 0;
    while (n < budget && q->last_used != q->used[1]) {
        __asm__ volatile("" ::: "memory");
        const volatile uint32_t *e = (const volatile uint32_t *)(q->used + 2) +
                                     2 * (q->last_used % q->size);
        uint32_t id = e[0], len = e[1];
        q->last_used++;
        if (id >= q->size) {
            nic->stats.rx_errors++;
            continue;                   /* a broken device; nothing to give back */
        }
        if (len <= HDR_LEN || len - HDR_LEN > NIC_FRAME_MAX) {
            nic->stats.rx_errors++;
        } else {
            nic->stats.rx_packets++;
            nic->stats.rx_bytes += len - HDR_LEN;
            rx(nic, q->buf + (uint64_t)id * BUF_SIZE + HDR_LEN, len - HDR_LEN);
            n++;
        }
        publish(v, q, RXQ, (uint16_t)id);
    }
    reclaim_tx(v);
    return n;
}

static void probe_dev(struct pci_dev *d)
{
    const struct pci_bar *bar = &d->bar[0];
    if (!bar->io || !bar->base) {
        kprintf("hv: virtio-net: warning: %02x:%02x.%u is modern-only (no I/O BAR); skipped\n",
                d->bus, d->dev, d->fn);
        return;
    }
    pci_enable(d, PCI_CMD_IO | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
    struct vnet *v = kzalloc(sizeof(*v));
    if (!v) {
        kprintf("hv: virtio-net: warning: out of memory\n");
        return;
    }
    uint16_t io = (uint16_t)bar->base;
    v->io = io;
    outb(io + VIO_STATUS, 0);                              /* reset */
    outb(io + VIO_STATUS, ST_ACK);
    outb(io + VIO_STATUS, ST_ACK | ST_DRIVER);
    v->features = inl(io + VIO_DEV_FEATURES) & (F_MAC | F_STATUS);
    outl(io + VIO_GUEST_FEATURES, v->features);

    int nrx = setup_queue(v, RXQ, &v->rx, 256);
    int ntx = nrx < 0 ? nrx : setup_queue(v, TXQ, &v->tx, 128);
    if (nrx < 0 || ntx < 0) {
        kprintf("hv: virtio-net: warning: %02x:%02x.%u: queues unusable (%d); skipped\n",
                d->bus, d->dev, d->fn, nrx < 0 ? nrx : ntx);
        outb(io + VIO_STATUS, ST_FAILED);
        return;
    }
    /* Pairs: two descriptors each, and no more pairs than buffers. */
    v->tx_pairs = (uint16_t)(v->tx.size / 2 < ntx ? v->tx.size / 2 : ntx);
    v->tx_free = v->tx_pairs;

    if (v->features & F_MAC) {
        for (int i = 0; i < 6; i++)
            v->nic.mac[i] = inb(io + VIO_CONFIG + i);
    } else {
        /* A locally administered address from the PCI location. */
        uint8_t mac[6] = { 0x02, 0x68, 0x76, d->bus, d->dev, d->fn };
        memcpy(v->nic.mac, mac, 6);
    }
    v->nic.model = "virtio-net";
    v->nic.send = vnet_send;
    v->nic.poll = vnet_poll;
    v->nic.link_up = vnet_link_up;
    v->nic.priv = v;
    outb(io + VIO_STATUS, ST_ACK | ST_DRIVER | ST_DRIVER_OK);

    for (int i = 0; i < nrx; i++) {
        v->rx.desc[i] = (struct vdesc){ v->rx.buf_pa + (uint64_t)i * BUF_SIZE, BUF_SIZE,
                                        DESC_WRITE, 0 };
        publish(v, &v->rx, RXQ, (uint16_t)i);
    }
    nic_register(&v->nic, "vnet");
}

void virtio_net_probe(void)
{
    for (unsigned i = 0; i < pci_count(); i++) {
        struct pci_dev *d = pci_get(i);
        if (d->vendor == 0x1AF4 && (d->device == 0x1000 || d->device == 0x1041))
            probe_dev(d);
    }
}
