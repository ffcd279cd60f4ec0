/* A VM's PCI configuration space (vpci.h). */
#include "vmm/dev/vpci.h"
#include "lib/errno.h"
#include "lib/string.h"

#define CFG_ADDR      0xCF8
#define CFG_DATA      0xCFC
#define ADDR_ENABLE   0x80000000u
#define ADDR_MASK     0x80FFFFFCu     /* enable, bus, devfn, dword register */
#define BAR_IO        0x1u

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t ones(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* ---- BARs on the I/O bus: the device sees offsets into its BAR ---- */

static uint64_t bar_read(void *ctx, uint64_t addr, unsigned size)
{
    struct vpci_bar *b = ctx;
    return b->ops->read ? b->ops->read(b->ctx, addr - b->mapped_base, size) : ones(size);
}

static void bar_write(void *ctx, uint64_t addr, unsigned size, uint64_t value)
{
    struct vpci_bar *b = ctx;
    if (b->ops->write)
        b->ops->write(b->ctx, addr - b->mapped_base, size, value);
}

static const struct iobus_ops bar_ops = { bar_read, bar_write };

/* Where BAR n decodes now, or false: I/O decoding off, not programmed, or
 * (mid-sizing, or moved by the guest) outside the 64 KiB port space. */
static bool bar_target(const struct vpci_dev *d, unsigned n, uint16_t *base)
{
    const struct vpci_bar *b = &d->bar[n];
    uint32_t v = get32(&d->cfg[VPCI_BAR0 + 4 * n]) & ~(b->size - 1);
    if (!b->size || !(get16(&d->cfg[VPCI_COMMAND]) & VPCI_CMD_IO) || v == 0 ||
        (uint64_t)v + b->size > 0x10000)
        return false;
    *base = (uint16_t)v;
    return true;
}

/* Brings the I/O bus in line with BARs and the command register.  A BAR
 * the guest put over other ports stays unmapped (conflict), as two PCI
 * devices decoding one address would be undefined. */
static void remap(struct vpci_dev *d)
{
    struct iobus *bus = d->pci ? d->pci->bus : NULL;
    if (!bus)
        return;
    for (unsigned n = 0; n < VPCI_BARS; n++) {
        struct vpci_bar *b = &d->bar[n];
        uint16_t base = 0;
        bool want = bar_target(d, n, &base);
        if (b->mapped && (!want || base != b->mapped_base)) {
            iobus_unregister(bus, IOBUS_PIO, b->mapped_base);
            b->mapped = false;
        }
        if (want && !b->mapped) {
            b->mapped_base = base;
            b->conflict = iobus_register(bus, IOBUS_PIO, base, b->size, &bar_ops, b, 0,
                                         b->name) < 0;
            b->mapped = !b->conflict;
        } else if (!want) {
            b->conflict = false;
        }
    }
}

/* ---- INTx: devices on one ISA line are wire-ORed ---- */

static void intx_update(struct vpci_dev *d)
{
    bool want = d->intx && !(get16(&d->cfg[VPCI_COMMAND]) & VPCI_CMD_INTX_OFF);
    uint16_t st = get16(&d->cfg[VPCI_STATUS]);
    put16(&d->cfg[VPCI_STATUS], d->intx ? st | VPCI_STATUS_INTX : st & ~VPCI_STATUS_INTX);
    struct vpci *pci = d->pci;
    if (want == d->driving || !pci || d->irq >= 16)
        return;
    d->driving = want;
    uint8_t *n = &pci->line_count[d->irq];
    if (want && (*n)++ == 0)
        vdev_irq_set(&(struct vdev_irq){ pci->irq.set, pci->irq.ctx, d->irq }, true);
    else if (!want && --(*n) == 0)
        vdev_irq_set(&(struct vdev_irq){ pci->irq.set, pci->irq.ctx, d->irq }, false);
}

void vpci_intx(struct vpci_dev *d, bool level)
{
    d->intx = level;
    intx_update(d);
}

void vpci_intx_cb(void *dev, unsigned irq, bool level)
{
    (void)irq;
    vpci_intx(dev, level);
}

/* ---- headers ---- */

static void header(struct vpci_dev *d, uint16_t vendor, uint16_t device, uint32_t class_code)
{
    memset(d, 0, sizeof(*d));
    put16(&d->cfg[VPCI_VENDOR], vendor);
    put16(&d->cfg[VPCI_VENDOR + 2], device);
    put32(&d->cfg[VPCI_CLASS_REV], class_code << 8);
    /* Command: I/O, memory and bus master enable; Interrupt Disable. */
    d->wmask[VPCI_COMMAND] = VPCI_CMD_IO | VPCI_CMD_MEM | VPCI_CMD_MASTER;
    d->wmask[VPCI_COMMAND + 1] = VPCI_CMD_INTX_OFF >> 8;
    d->wmask[0x0C] = 0xFF;             /* cache line size */
    d->wmask[0x0D] = 0xFF;             /* latency timer */
}

void vpci_dev_init(struct vpci_dev *d, uint16_t vendor, uint16_t device, uint32_t class_code,
                   uint8_t irq)
{
    header(d, vendor, device, class_code);
    d->irq = irq;
    d->cfg[VPCI_INT_LINE] = irq;
    d->cfg[VPCI_INT_PIN] = 1;          /* INTA# */
    d->wmask[VPCI_INT_LINE] = 0xFF;    /* a scratch register for the OS */
}

void vpci_dev_subsys(struct vpci_dev *d, uint16_t vendor, uint16_t id)
{
    put16(&d->cfg[VPCI_SUBSYS], vendor);
    put16(&d->cfg[VPCI_SUBSYS + 2], id);
}

void vpci_dev_io_bar(struct vpci_dev *d, unsigned n, uint32_t size, const struct iobus_ops *ops,
                     void *ctx, const char *name)
{
    if (n >= VPCI_BARS || size < 4 || size > 256 || (size & (size - 1)))
        return;
    struct vpci_bar *b = &d->bar[n];
    b->size = size;
    b->ops = ops;
    b->ctx = ctx;
    b->name = name;
    put32(&d->cfg[VPCI_BAR0 + 4 * n], BAR_IO);
    memset(&d->wmask[VPCI_BAR0 + 4 * n], 0xFF, 4);
}

void vpci_init(struct vpci *pci, struct vdev_irq irq)
{
    memset(pci, 0, sizeof(*pci));
    pci->irq = irq;
    /* An i440FX-like host bridge: what OSes expect at 00:00.0. */
    header(&pci->host, 0x8086, 0x1237, 0x060000);
    pci->host.cfg[VPCI_CLASS_REV] = 0x02;
    put16(&pci->host.cfg[VPCI_COMMAND], VPCI_CMD_IO | VPCI_CMD_MEM);
    pci->host.pci = pci;
    pci->slot[0] = &pci->host;
}

int vpci_plug(struct vpci *pci, struct vpci_dev *d, uint16_t io_base)
{
    unsigned s = 1;
    while (s < VPCI_SLOTS && pci->slot[s])
        s++;
    if (s == VPCI_SLOTS)
        return -E_NOSPC;
    d->pci = pci;
    d->slot = s;
    uint32_t at = io_base;
    for (unsigned n = 0; n < VPCI_BARS; n++) {
        if (!d->bar[n].size)
            continue;
        at = (at + d->bar[n].size - 1) & ~(d->bar[n].size - 1);
        put32(&d->cfg[VPCI_BAR0 + 4 * n], at | BAR_IO);
        at += d->bar[n].size;
    }
    put16(&d->cfg[VPCI_COMMAND], get16(&d->cfg[VPCI_COMMAND]) | VPCI_CMD_IO);
    remap(d);
    for (unsigned n = 0; n < VPCI_BARS; n++) {
        if (d->bar[n].conflict) {
            put16(&d->cfg[VPCI_COMMAND], 0);
            remap(d);
            d->pci = NULL;
            return -E_EXIST;
        }
    }
    pci->slot[s] = d;
    intx_update(d);
    return (int)s;
}

/* ---- configuration cycles ---- */

static struct vpci_dev *target(struct vpci *pci, unsigned devfn)
{
    if (devfn >= VPCI_SLOTS * 8 || (devfn & 7))
        return NULL;                   /* single-function devices only */
    return pci->slot[devfn >> 3];
}

uint32_t vpci_cfg_read(struct vpci *pci, unsigned devfn, unsigned off, unsigned size)
{
    struct vpci_dev *d = target(pci, devfn);
    if (!d || off >= VPCI_CFG_SIZE || size > VPCI_CFG_SIZE - off)
        return (uint32_t)ones(size);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)d->cfg[off + i] << (8 * i);
    return v;
}

void vpci_cfg_write(struct vpci *pci, unsigned devfn, unsigned off, unsigned size, uint32_t val)
{
    struct vpci_dev *d = target(pci, devfn);
    if (!d || off >= VPCI_CFG_SIZE || size > VPCI_CFG_SIZE - off)
        return;
    for (unsigned i = 0; i < size; i++) {
        uint8_t m = d->wmask[off + i], b = (uint8_t)(val >> (8 * i));
        d->cfg[off + i] = (uint8_t)((d->cfg[off + i] & ~m) | (b & m));
    }
    /* A BAR keeps its size's low bits clear and its I/O flag, whatever
     * was written: that is how the guest reads the size back. */
    for (unsigned n = 0; n < VPCI_BARS; n++) {
        const struct vpci_bar *b = &d->bar[n];
        unsigned r = VPCI_BAR0 + 4 * n;
        if (b->size && off < r + 4 && off + size > r)
            put32(&d->cfg[r], (get32(&d->cfg[r]) & ~(b->size - 1)) | BAR_IO);
    }
    if (off < VPCI_COMMAND + 2 && off + size > VPCI_COMMAND)
        intx_update(d);
    remap(d);
}

static uint64_t port_read(void *ctx, uint64_t port, unsigned size)
{
    struct vpci *pci = ctx;
    if (port < CFG_DATA)
        return port == CFG_ADDR && size == 4 ? pci->addr : ones(size);
    if (!(pci->addr & ADDR_ENABLE) || ((pci->addr >> 16) & 0xFF) != 0)
        return ones(size);
    return vpci_cfg_read(pci, (pci->addr >> 8) & 0xFF,
                         (pci->addr & 0xFC) + (unsigned)(port - CFG_DATA), size);
}

/* Only a dword at 0xCF8 is the address register; byte and word accesses
 * there are other chipset registers (0xCF9 reset control, 0xCFB the
 * mechanism #2 probe), which this bus does not model. */
static void port_write(void *ctx, uint64_t port, unsigned size, uint64_t value)
{
    struct vpci *pci = ctx;
    if (port < CFG_DATA) {
        if (port == CFG_ADDR && size == 4)
            pci->addr = (uint32_t)value & ADDR_MASK;
        return;
    }
    if (!(pci->addr & ADDR_ENABLE) || ((pci->addr >> 16) & 0xFF) != 0)
        return;
    vpci_cfg_write(pci, (pci->addr >> 8) & 0xFF, (pci->addr & 0xFC) + (unsigned)(port - CFG_DATA),
                   size, (uint32_t)value);
}

static const struct iobus_ops cfg_ops = { port_read, port_write };

int vpci_attach(struct vpci *pci, struct iobus *bus)
{
    pci->bus = bus;
    int rc = iobus_register(bus, IOBUS_PIO, CFG_ADDR, 8, &cfg_ops, pci, 0, "pci-config");
    for (unsigned s = 1; rc == 0 && s < VPCI_SLOTS; s++)
        if (pci->slot[s])
            remap(pci->slot[s]);
    return rc;
}
