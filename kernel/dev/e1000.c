/* Intel 8254x (e1000) and 82574L (e1000e) gigabit NICs: one receive and one
 * transmit ring of legacy descriptors, 2 KiB buffers from the page
 * allocator, polled. Both families accept legacy descriptors, so the only
 * difference that matters here is the EEPROM read register's layout. */
#include "dev/nic.h"
#include "dev/pci.h"
#include "dev/timer.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define R_CTRL    0x0000
#define R_STATUS  0x0008
#define R_EERD    0x0014
#define R_ICR     0x00C0
#define R_IMC     0x00D8
#define R_RCTL    0x0100
#define R_TCTL    0x0400
#define R_TIPG    0x0410
#define R_RDBAL   0x2800
#define R_RDBAH   0x2804
#define R_RDLEN   0x2808
#define R_RDH     0x2810
#define R_RDT     0x2818
#define R_TDBAL   0x3800
#define R_TDBAH   0x3804
#define R_TDLEN   0x3808
#define R_TDH     0x3810
#define R_TDT     0x3818
#define R_CRCERRS 0x4000
#define R_RXERRC  0x400C
#define R_MPC     0x4010
#define R_MTA     0x5200
#define R_RAL0    0x5400
#define R_RAH0    0x5404

#define CTRL_ASDE   (1u << 5)
#define CTRL_SLU    (1u << 6)
#define CTRL_LRST   (1u << 3)
#define CTRL_ILOS   (1u << 7)
#define CTRL_RST    (1u << 26)
#define CTRL_VME    (1u << 30)
#define CTRL_PHYRST (1u << 31)
#define STATUS_LU   (1u << 1)
#define RCTL_EN     (1u << 1)
#define RCTL_BAM    (1u << 15)
#define RCTL_MPE    (1u << 4)           /* all multicast: IPv6 neighbour discovery needs it */
#define RCTL_SECRC  (1u << 26)          /* BSIZE 00: 2048-byte buffers */
#define TCTL_EN     (1u << 1)
#define TCTL_PSP    (1u << 3)
#define TCTL_CT     (0x10u << 4)
#define TCTL_COLD   (0x40u << 12)
#define TIPG_COPPER (10u | (8u << 10) | (6u << 20))
#define RAH_AV      (1u << 31)

#define RXS_DD  0x01
#define RXS_EOP 0x02
#define TXC_EOP  0x01
#define TXC_IFCS 0x02
#define TXC_RS   0x08
#define TXS_DD   0x01

#define RX_COUNT 256                   /* 256 * 16 B: a page; bursts (100 clients at once) fit */
#define TX_COUNT 128
#define BUF_SIZE 2048

struct rx_desc {
    uint64_t addr;
    uint16_t len, csum;
    uint8_t status, errors;
    uint16_t special;
};

struct tx_desc {
    uint64_t addr;
    uint16_t len;
    uint8_t cso, cmd, status, css;
    uint16_t special;
};

struct e1000 {
    struct nic nic;
    volatile uint8_t *regs;
    bool eerd_82574;                   /* EERD: done bit 1, address at bit 2 */
    volatile struct rx_desc *rx;
    volatile struct tx_desc *tx;
    uint8_t *rx_buf, *tx_buf;
    unsigned rx_next;                  /* next descriptor the NIC fills */
    unsigned tx_tail, tx_clean;        /* next free slot, oldest unreclaimed slot */
};

static uint32_t rd(struct e1000 *e, uint32_t reg)
{
    return *(volatile uint32_t *)(e->regs + reg);
}

static void wr(struct e1000 *e, uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)(e->regs + reg) = v;
}

/* One 16-bit EEPROM word; -1 when the EEPROM does not answer. */
static int eeprom_read(struct e1000 *e, unsigned word)
{
    uint32_t done = e->eerd_82574 ? (1u << 1) : (1u << 4);
    uint32_t shift = e->eerd_82574 ? 2 : 8;
    wr(e, R_EERD, (word << shift) | 1u);
    for (int i = 0; i < 10000; i++) {
        uint32_t v = rd(e, R_EERD);
        if (v & done)
            return (int)(v >> 16);
        timer_delay_us(1);
    }
    return -1;
}

/* The receive address the NIC loaded from its EEPROM at reset, or the
 * EEPROM itself when RAL/RAH are empty. */
static bool read_mac(struct e1000 *e, uint8_t mac[6])
{
    uint32_t lo = rd(e, R_RAL0), hi = rd(e, R_RAH0);
    if ((hi & RAH_AV) && (lo || (hi & 0xFFFF))) {
        for (int i = 0; i < 4; i++)
            mac[i] = (uint8_t)(lo >> (8 * i));
        mac[4] = (uint8_t)hi;
        mac[5] = (uint8_t)(hi >> 8);
        return true;
    }
    for (unsigned w = 0; w < 3; w++) {
        int v = eeprom_read(e, w);
        if (v < 0)
            return false;
        mac[2 * w] = (uint8_t)v;
        mac[2 * w + 1] = (uint8_t)(v >> 8);
    }
    wr(e, R_RAL0, mac[0] | mac[1] << 8 | mac[2] << 16 | (uint32_t)mac[3] << 24);
    wr(e, R_RAH0, mac[4] | mac[5] << 8 | RAH_AV);
    return true;
}

static bool e1000_link_up(struct nic *nic)
{
    struct e1000 *e = nic->priv;
    return rd(e, R_STATUS) & STATUS_LU;
}

static void reclaim_tx(struct e1000 *e)
{
    while (e->tx_clean != e->tx_tail && (e->tx[e->tx_clean].status & TXS_DD))
        e->tx_clean = (e->tx_clean + 1) % TX_COUNT;
}

static int e1000_send(struct nic *nic, const void *frame, size_t len)
{
    struct e1000 *e = nic->priv;
    if (len == 0 || len > NIC_FRAME_MAX) {
        nic->stats.tx_errors++;
        return -E_INVAL;
    }
    reclaim_tx(e);
    unsigned slot = e->tx_tail, next = (slot + 1) % TX_COUNT;
    if (next == e->tx_clean) {
        nic->stats.tx_errors++;
        return -E_NOSPC;
    }
    memcpy(e->tx_buf + slot * BUF_SIZE, frame, len);
    volatile struct tx_desc *d = &e->tx[slot];
    d->len = (uint16_t)len;
    d->cso = 0;
    d->css = 0;
    d->special = 0;
    d->status = 0;
    d->cmd = TXC_EOP | TXC_IFCS | TXC_RS;
    __asm__ volatile("sfence" ::: "memory");
    e->tx_tail = next;
    wr(e, R_TDT, next);
    nic->stats.tx_packets++;
    nic->stats.tx_bytes += len;
    return 0;
}

static int e1000_poll(struct nic *nic, nic_rx_fn rx, int budget)
{
    struct e1000 *e = nic->priv;
    int n = 0;
    while (n < budget) {
        volatile struct rx_desc *d = &e->rx[e->rx_next];
        uint8_t status = d->status;
        if (!(status & RXS_DD))
            break;
        __asm__ volatile("lfence" ::: "memory");
        uint16_t len = d->len;
        /* Frames never span buffers at 2 KiB with long packets off; a
         * descriptor without EOP or with errors is counted and dropped. */
        if (!(status & RXS_EOP) || d->errors || len == 0 || len > NIC_FRAME_MAX + 4) {
            nic->stats.rx_errors++;
        } else {
            nic->stats.rx_packets++;
            nic->stats.rx_bytes += len;
            rx(nic, e->rx_buf + e->rx_next * BUF_SIZE, len);
            n++;
        }
        d->status = 0;
        wr(e, R_RDT, e->rx_next);           /* give it back */
        e->rx_next = (e->rx_next + 1) % RX_COUNT;
    }
    reclaim_tx(e);
    /* Error counters clear on read. */
    nic->stats.rx_errors += rd(e, R_CRCERRS) + rd(e, R_RXERRC);
    nic->stats.rx_dropped += rd(e, R_MPC);
    return n;
}

static int setup_rings(struct e1000 *e)
{
    uint64_t rx_ring = pmm_alloc_page(), tx_ring = pmm_alloc_page();
    uint64_t rx_buf = pmm_alloc_pages(RX_COUNT * BUF_SIZE / PAGE_SIZE);
    uint64_t tx_buf = pmm_alloc_pages(TX_COUNT * BUF_SIZE / PAGE_SIZE);
    if (!rx_ring || !tx_ring || !rx_buf || !tx_buf)
        return -E_NOMEM;
    e->rx = phys_to_virt(rx_ring);
    e->tx = phys_to_virt(tx_ring);
    e->rx_buf = phys_to_virt(rx_buf);
    e->tx_buf = phys_to_virt(tx_buf);
    memset((void *)e->rx, 0, PAGE_SIZE);
    memset((void *)e->tx, 0, PAGE_SIZE);
    for (unsigned i = 0; i < RX_COUNT; i++)
        e->rx[i].addr = rx_buf + i * BUF_SIZE;
    for (unsigned i = 0; i < TX_COUNT; i++) {
        e->tx[i].addr = tx_buf + i * BUF_SIZE;
        e->tx[i].status = TXS_DD;
    }

    wr(e, R_RDBAL, (uint32_t)rx_ring);
    wr(e, R_RDBAH, (uint32_t)(rx_ring >> 32));
    wr(e, R_RDLEN, RX_COUNT * sizeof(struct rx_desc));
    wr(e, R_RDH, 0);
    wr(e, R_RDT, RX_COUNT - 1);
    wr(e, R_RCTL, RCTL_EN | RCTL_BAM | RCTL_MPE | RCTL_SECRC);

    wr(e, R_TDBAL, (uint32_t)tx_ring);
    wr(e, R_TDBAH, (uint32_t)(tx_ring >> 32));
    wr(e, R_TDLEN, TX_COUNT * sizeof(struct tx_desc));
    wr(e, R_TDH, 0);
    wr(e, R_TDT, 0);
    wr(e, R_TIPG, TIPG_COPPER);
    wr(e, R_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
    return 0;
}

static void probe_dev(struct pci_dev *d, const char *model, bool is_82574)
{
    volatile uint8_t *regs = pci_map_bar(d, 0);
    if (!regs) {
        kprintf("hv: e1000: warning: %02x:%02x.%u has no usable register BAR; skipped\n",
                d->bus, d->dev, d->fn);
        return;
    }
    pci_enable(d, PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
    struct e1000 *e = kzalloc(sizeof(*e));
    if (!e) {
        kprintf("hv: e1000: warning: out of memory\n");
        return;
    }
    e->regs = regs;
    e->eerd_82574 = is_82574;

    wr(e, R_IMC, 0xFFFFFFFFu);
    wr(e, R_CTRL, rd(e, R_CTRL) | CTRL_RST);
    timer_delay_us(1000);
    for (int i = 0; i < 1000 && (rd(e, R_CTRL) & CTRL_RST); i++)
        timer_delay_us(100);
    wr(e, R_IMC, 0xFFFFFFFFu);          /* reset re-enables nothing, but be sure */
    (void)rd(e, R_ICR);
    uint32_t ctrl = rd(e, R_CTRL);
    ctrl &= ~(CTRL_LRST | CTRL_PHYRST | CTRL_VME | CTRL_ILOS);
    wr(e, R_CTRL, ctrl | CTRL_SLU | CTRL_ASDE);

    if (!read_mac(e, e->nic.mac)) {
        kprintf("hv: e1000: warning: %02x:%02x.%u: no MAC address (EEPROM silent); skipped\n",
                d->bus, d->dev, d->fn);
        kfree(e);
        return;
    }
    for (unsigned i = 0; i < 128; i++)
        wr(e, R_MTA + 4 * i, 0);
    if (setup_rings(e) < 0) {
        kprintf("hv: e1000: warning: out of memory for the rings\n");
        kfree(e);
        return;
    }
    e->nic.model = model;
    e->nic.send = e1000_send;
    e->nic.poll = e1000_poll;
    e->nic.link_up = e1000_link_up;
    e->nic.priv = e;
    nic_register(&e->nic, "e1000");
}

static const struct {
    uint16_t device;
    bool is_82574;
    const char *model;
} models[] = {
    { 0x100E, false, "Intel 82540EM" },
    { 0x100F, false, "Intel 82545EM" },
    { 0x1004, false, "Intel 82543GC" },
    { 0x10D3, true,  "Intel 82574L" },
};

void e1000_probe(void)
{
    for (unsigned i = 0; i < pci_count(); i++) {
        struct pci_dev *d = pci_get(i);
        if (d->vendor != 0x8086)
            continue;
        for (unsigned m = 0; m < sizeof(models) / sizeof(models[0]); m++)
            if (d->device == models[m].device)
                probe_dev(d, models[m].model, models[m].is_82574);
    }
}
