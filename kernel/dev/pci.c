/* PCI enumeration. Configuration space goes through ECAM for the buses the
 * MCFG table covers (segment 0) and through the legacy ports otherwise; the
 * legacy mechanism only reaches the first 256 bytes, which is all this code
 * needs. Buses are found by following bridges from bus 0, so a machine with
 * one bus costs 32 probes, not 8192. */
#include "dev/pci.h"
#include "dev/acpi_tables.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/spinlock.h"
#include "mm/vm.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define CFG_ADDR 0xCF8
#define CFG_DATA 0xCFC

static struct pci_dev devices[PCI_MAX_DEVICES];
static unsigned ndevices;
static spinlock_t legacy_lock = SPINLOCK_INIT;

/* ECAM: physical base for segment 0 and the bus range it decodes; each bus
 * gets its 1 MiB mapped when first touched. */
static uint64_t ecam_base;
static unsigned ecam_bus_lo, ecam_bus_hi;
static volatile uint8_t *ecam_bus_va[256];
static bool have_ecam;

static void find_mcfg(void)
{
    const struct acpi_tables *t = acpi_tables_get();
    if (!t)
        return;
    for (unsigned i = 0; i < t->table_count; i++) {
        const struct acpi_table_ref *r = &t->table[i];
        if (!r->ok || memcmp(r->sig, "MCFG", 4) != 0)
            continue;
        /* Header (36) + 8 reserved, then 16-byte allocation entries. */
        const uint8_t *p = phys_to_virt(r->pa);
        for (uint32_t off = 44; off + 16 <= r->len; off += 16) {
            uint64_t base;
            uint16_t seg;
            memcpy(&base, p + off, 8);
            memcpy(&seg, p + off + 8, 2);
            if (seg != 0 || base == 0 || p[off + 10] > p[off + 11])
                continue;
            ecam_base = base;
            ecam_bus_lo = p[off + 10];
            ecam_bus_hi = p[off + 11];
            have_ecam = true;
            return;
        }
        kprintf("hv: pci: warning: MCFG has no usable entry for segment 0\n");
    }
}

static volatile uint8_t *ecam_addr(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
    if (!have_ecam || bus < ecam_bus_lo || bus > ecam_bus_hi)
        return NULL;
    if (!ecam_bus_va[bus]) {
        uint64_t pa = ecam_base + ((uint64_t)(bus - ecam_bus_lo) << 20);
        ecam_bus_va[bus] = vm_map_mmio(pa, 1u << 20);
        if (!ecam_bus_va[bus])
            return NULL;
    }
    return ecam_bus_va[bus] + ((uint32_t)dev << 15) + ((uint32_t)fn << 12) + (off & 0xFFF);
}

static uint32_t cfg_read(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
    volatile uint8_t *a = ecam_addr(bus, dev, fn, off & ~3u);
    if (a)
        return *(volatile uint32_t *)a;
    if (off >= 256)
        return 0xFFFFFFFF;
    uint64_t f = spin_lock_irqsave(&legacy_lock);
    outl(CFG_ADDR, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
                   (uint32_t)fn << 8 | (off & 0xFC));
    uint32_t v = inl(CFG_DATA);
    spin_unlock_irqrestore(&legacy_lock, f);
    return v;
}

static void cfg_write(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v)
{
    volatile uint8_t *a = ecam_addr(bus, dev, fn, off & ~3u);
    if (a) {
        *(volatile uint32_t *)a = v;
        return;
    }
    if (off >= 256)
        return;
    uint64_t f = spin_lock_irqsave(&legacy_lock);
    outl(CFG_ADDR, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
                   (uint32_t)fn << 8 | (off & 0xFC));
    outl(CFG_DATA, v);
    spin_unlock_irqrestore(&legacy_lock, f);
}

uint32_t pci_read32(const struct pci_dev *d, uint16_t off)
{
    return cfg_read(d->bus, d->dev, d->fn, off);
}

uint16_t pci_read16(const struct pci_dev *d, uint16_t off)
{
    return (uint16_t)(cfg_read(d->bus, d->dev, d->fn, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_dev *d, uint16_t off)
{
    return (uint8_t)(cfg_read(d->bus, d->dev, d->fn, off) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
    cfg_write(d->bus, d->dev, d->fn, off, v);
}

/* Read-modify-write of the dword: fine for the registers used here (command,
 * MSI control), none of which has write-1-to-clear bits in the other half
 * except the status register, which is written back as 0s below. */
void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
    uint32_t old = cfg_read(d->bus, d->dev, d->fn, off);
    unsigned sh = (off & 2) * 8;
    uint32_t keep = (off & ~3u) == 0x04 ? 0 : ~(0xFFFFu << sh);   /* status: W1C */
    cfg_write(d->bus, d->dev, d->fn, off, (old & keep) | ((uint32_t)v << sh));
}

void pci_enable(const struct pci_dev *d, uint16_t cmd_bits)
{
    uint16_t cmd = pci_read16(d, 0x04);
    if ((cmd & cmd_bits) != cmd_bits)
        pci_write16(d, 0x04, cmd | cmd_bits);
}

uint8_t pci_next_cap(const struct pci_dev *d, uint8_t prev, uint8_t cap_id)
{
    uint8_t off;
    if (prev == 0) {
        if (!(pci_read16(d, 0x06) & (1u << 4)))      /* status: capability list */
            return 0;
        off = pci_read8(d, d->header_type == 2 ? 0x14 : 0x34);
    } else {
        off = pci_read8(d, (uint16_t)(prev + 1));
    }
    /* 48 entries of 4 bytes fill the device-specific area: more is a loop. */
    for (int n = 0; n < 48 && off >= 0x40; n++) {
        off &= 0xFC;
        if (pci_read8(d, off) == cap_id)
            return off;
        off = pci_read8(d, (uint16_t)(off + 1));
    }
    return 0;
}

uint8_t pci_find_cap(const struct pci_dev *d, uint8_t cap_id)
{
    return pci_next_cap(d, 0, cap_id);
}

/* Writes all-ones with decoding off and reads back the size mask. */
static void size_bars(struct pci_dev *d, unsigned nbars)
{
    uint16_t cmd = pci_read16(d, 0x04);
    pci_write16(d, 0x04, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
    for (unsigned i = 0; i < nbars; i++) {
        uint16_t off = (uint16_t)(0x10 + 4 * i);
        uint32_t orig = pci_read32(d, off);
        pci_write32(d, off, 0xFFFFFFFF);
        uint32_t mask = pci_read32(d, off);
        pci_write32(d, off, orig);
        struct pci_bar *b = &d->bar[i];
        if (orig & 1) {
            b->io = true;
            b->base = orig & ~3u;
            uint32_t m = mask & ~3u & 0xFFFF;
            b->size = m ? (~m & 0xFFFF) + 1 : 0;
            continue;
        }
        unsigned type = (orig >> 1) & 3;
        b->prefetch = orig & 8;
        uint64_t base = orig & ~0xFu;
        uint64_t m = mask & ~0xFu;
        if (type == 2 && i + 1 < nbars) {
            uint16_t hoff = (uint16_t)(off + 4);
            uint32_t horig = pci_read32(d, hoff);
            pci_write32(d, hoff, 0xFFFFFFFF);
            uint32_t hmask = pci_read32(d, hoff);
            pci_write32(d, hoff, horig);
            base |= (uint64_t)horig << 32;
            m |= (uint64_t)hmask << 32;
            b->is64 = true;
            b->base = base;
            b->size = m ? ~m + 1 : 0;
            i++;                                  /* the upper half is not a BAR */
            continue;
        }
        b->base = base;
        b->size = m ? (uint64_t)(~(uint32_t)m) + 1 : 0;
    }
    pci_write16(d, 0x04, cmd);
}

void *pci_map_bar(const struct pci_dev *d, int bar)
{
    if (bar < 0 || bar > 5)
        return NULL;
    const struct pci_bar *b = &d->bar[bar];
    if (b->io || b->size == 0 || b->base == 0)
        return NULL;
    return vm_map_mmio(b->base, (size_t)b->size);
}

static void scan_bus(uint8_t bus, unsigned depth);

static void add_function(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id, unsigned depth)
{
    if (ndevices == PCI_MAX_DEVICES) {
        if (ndevices++ == PCI_MAX_DEVICES)
            kprintf("hv: pci: warning: more than %u devices; the rest are ignored\n",
                    PCI_MAX_DEVICES);
        return;
    }
    struct pci_dev *d = &devices[ndevices++];
    memset(d, 0, sizeof(*d));
    d->bus = bus;
    d->dev = dev;
    d->fn = fn;
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    uint32_t cls = pci_read32(d, 0x08);
    d->revision = (uint8_t)cls;
    d->prog_if = (uint8_t)(cls >> 8);
    d->subclass = (uint8_t)(cls >> 16);
    d->class_code = (uint8_t)(cls >> 24);
    d->header_type = pci_read8(d, 0x0E) & 0x7F;
    d->irq_line = pci_read8(d, 0x3C);
    d->irq_pin = pci_read8(d, 0x3D);
    if (d->header_type == 0)
        size_bars(d, 6);
    else if (d->header_type == 1)
        size_bars(d, 2);
    if (d->header_type == 1) {
        uint8_t secondary = pci_read8(d, 0x19);
        /* Bus numbers only grow away from the root; anything else is
         * unconfigured firmware state we do not try to fix. */
        if (secondary > bus && depth < 16)
            scan_bus(secondary, depth + 1);
    }
}

static void scan_bus(uint8_t bus, unsigned depth)
{
    for (uint8_t dev = 0; dev < 32; dev++) {
        uint32_t id = cfg_read(bus, dev, 0, 0);
        if ((uint16_t)id == 0xFFFF || (uint16_t)id == 0)
            continue;
        bool multi = (cfg_read(bus, dev, 0, 0x0C) >> 16) & 0x80;
        add_function(bus, dev, 0, id, depth);
        for (uint8_t fn = 1; multi && fn < 8; fn++) {
            uint32_t fid = cfg_read(bus, dev, fn, 0);
            if ((uint16_t)fid != 0xFFFF && (uint16_t)fid != 0)
                add_function(bus, dev, fn, fid, depth);
        }
    }
}

/* Without ECAM the legacy mechanism must answer: a machine with neither
 * has no PCI we can use (register reads back what we wrote, bit 31 set). */
static bool legacy_present(void)
{
    outl(CFG_ADDR, 0x80000000u);
    return inl(CFG_ADDR) == 0x80000000u;
}

void pci_init(void)
{
    find_mcfg();
    if (!have_ecam && !legacy_present()) {
        kprintf("hv: pci: warning: no configuration mechanism (no MCFG, no 0xCF8)\n");
        return;
    }
    scan_bus(0, 0);
    /* A host bridge with several functions heads several root buses. */
    uint32_t hdr = cfg_read(0, 0, 0, 0x0C);
    if ((hdr >> 16) & 0x80)
        for (uint8_t fn = 1; fn < 8; fn++)
            if ((uint16_t)cfg_read(0, 0, fn, 0) != 0xFFFF)
                scan_bus(fn, 1);
    if (ndevices > PCI_MAX_DEVICES)
        ndevices = PCI_MAX_DEVICES;
    kprintf("hv: pci: %u devices (%s)\n", ndevices, pci_access_method());
}

unsigned pci_count(void)
{
    return ndevices;
}

struct pci_dev *pci_get(unsigned i)
{
    return i < ndevices ? &devices[i] : NULL;
}

struct pci_dev *pci_find_class(struct pci_dev *from, int class_code, int subclass, int prog_if)
{
    unsigned i = from ? (unsigned)(from - devices) + 1 : 0;
    for (; i < ndevices; i++) {
        struct pci_dev *d = &devices[i];
        if (d->class_code == class_code && d->subclass == subclass &&
            (prog_if < 0 || d->prog_if == prog_if))
            return d;
    }
    return NULL;
}

const char *pci_access_method(void)
{
    return have_ecam ? "ecam" : "legacy";
}

const char *pci_class_name(uint8_t c, uint8_t s, uint8_t p)
{
    (void)p;
    switch (c) {
    case 0x00: return "unclassified device";
    case 0x01:
        switch (s) {
        case 0x00: return "SCSI controller";
        case 0x01: return "IDE controller";
        case 0x05: return "ATA controller";
        case 0x06: return "SATA controller";
        case 0x07: return "SAS controller";
        case 0x08: return "NVMe controller";
        default:   return "storage controller";
        }
    case 0x02: return s == 0x00 ? "Ethernet controller" : "network controller";
    case 0x03: return s == 0x00 ? "VGA controller" : "display controller";
    case 0x04: return "multimedia controller";
    case 0x05: return "memory controller";
    case 0x06:
        switch (s) {
        case 0x00: return "host bridge";
        case 0x01: return "ISA bridge";
        case 0x04: return "PCI bridge";
        case 0x80: return "bridge";
        default:   return "bridge";
        }
    case 0x07: return "communication controller";
    case 0x08: return "system peripheral";
    case 0x09: return "input controller";
    case 0x0C:
        switch (s) {
        case 0x03: return "USB controller";
        case 0x05: return "SMBus controller";
        default:   return "serial bus controller";
        }
    case 0x0D: return "wireless controller";
    case 0x10: return "encryption controller";
    case 0x11: return "signal processing controller";
    case 0xFF: return "vendor-specific device";
    default:   return "device";
    }
}
