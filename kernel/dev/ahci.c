/* AHCI (SATA) disks: one command slot per port, polled. The HBA is reset,
 * each port with a device gets a command list, received-FIS area and one
 * command table (a single PRD) in one page, plus a 64 KiB bounce buffer so
 * callers may pass any kernel buffer. Every wait has a deadline; a port
 * that times out is stopped and restarted before the next command. */
#include "dev/blk.h"
#include "dev/ata_id.h"
#include "dev/pci.h"
#include "dev/timer.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/spinlock.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define HBA_CAP   0x00
#define HBA_GHC   0x04
#define HBA_PI    0x0C
#define CAP_S64A  (1u << 31)
#define CAP_SSS   (1u << 27)
#define GHC_HR    (1u << 0)
#define GHC_AE    (1u << 31)

#define PORT(n)   (0x100u + (n) * 0x80u)
#define P_CLB     0x00
#define P_CLBU    0x04
#define P_FB      0x08
#define P_FBU     0x0C
#define P_IS      0x10
#define P_IE      0x14
#define P_CMD     0x18
#define P_TFD     0x20
#define P_SIG     0x24
#define P_SSTS    0x28
#define P_SCTL    0x2C
#define P_SERR    0x30
#define P_CI      0x38

#define CMD_ST    (1u << 0)
#define CMD_SUD   (1u << 1)
#define CMD_POD   (1u << 2)
#define CMD_FRE   (1u << 4)
#define CMD_FR    (1u << 14)
#define CMD_CR    (1u << 15)
#define IS_TFES   (1u << 30)
#define TFD_ERR   0x01
#define TFD_DRQ   0x08
#define TFD_BSY   0x80

#define SIG_ATA   0x00000101u
#define SIG_ATAPI 0xEB140101u

#define ATA_IDENTIFY       0xEC
#define ATA_READ_DMA_EXT   0x25
#define ATA_WRITE_DMA_EXT  0x35
#define ATA_FLUSH_EXT      0xEA

#define BOUNCE_PAGES 16
#define BOUNCE_BYTES (BOUNCE_PAGES * PAGE_SIZE)
#define IO_TIMEOUT_MS    5000
#define FLUSH_TIMEOUT_MS 30000

struct ahci_port {
    volatile uint8_t *abar;
    unsigned n;
    uint64_t mem_pa;                /* command list, FIS area, command table */
    uint8_t *mem;
    uint64_t bounce_pa;
    uint8_t *bounce;
    uint32_t sector_size;
    uint64_t sectors;
    spinlock_t lock;
};

static uint32_t rd(volatile uint8_t *abar, uint32_t off) { return *(volatile uint32_t *)(abar + off); }
static void wr(volatile uint8_t *abar, uint32_t off, uint32_t v) { *(volatile uint32_t *)(abar + off) = v; }
static uint32_t prd(struct ahci_port *p, uint32_t off) { return rd(p->abar, PORT(p->n) + off); }
static void pwr(struct ahci_port *p, uint32_t off, uint32_t v) { wr(p->abar, PORT(p->n) + off, v); }

static void barrier(void) { __asm__ volatile("mfence" ::: "memory"); }

/* Polls until (reg & mask) == want; false on timeout. */
static bool wait_reg(volatile uint8_t *abar, uint32_t off, uint32_t mask, uint32_t want, uint64_t ms)
{
    uint64_t deadline = timer_now_ns() + ms * 1000000ull;
    while ((rd(abar, off) & mask) != want) {
        if (timer_now_ns() > deadline)
            return false;
        cpu_pause();
    }
    return true;
}

static bool port_stop(struct ahci_port *p)
{
    pwr(p, P_CMD, prd(p, P_CMD) & ~CMD_ST);
    bool ok = wait_reg(p->abar, PORT(p->n) + P_CMD, CMD_CR, 0, 500);
    pwr(p, P_CMD, prd(p, P_CMD) & ~CMD_FRE);
    return wait_reg(p->abar, PORT(p->n) + P_CMD, CMD_FR, 0, 500) && ok;
}

static void port_start(struct ahci_port *p)
{
    pwr(p, P_SERR, 0xFFFFFFFF);
    pwr(p, P_IS, 0xFFFFFFFF);
    pwr(p, P_CMD, prd(p, P_CMD) | CMD_FRE);
    pwr(p, P_CMD, prd(p, P_CMD) | CMD_ST);
}

/* Runs one command in slot 0: bytes of data through the bounce buffer.
 * lba/count go into the FIS only for the commands that take them. */
static int run_cmd(struct ahci_port *p, uint8_t ata_cmd, uint64_t lba, uint32_t count,
                   uint32_t bytes, bool write, uint64_t timeout_ms)
{
    uint8_t *cl = p->mem, *ct = p->mem + 0x800;
    if (!wait_reg(p->abar, PORT(p->n) + P_TFD, TFD_BSY | TFD_DRQ, 0, IO_TIMEOUT_MS))
        return -E_BUSY;
    memset(ct, 0, 0x80 + 16);
    uint8_t *fis = ct;
    fis[0] = 0x27;                          /* host to device register FIS */
    fis[1] = 0x80;                          /* this is a command */
    fis[2] = ata_cmd;
    fis[4] = (uint8_t)lba;
    fis[5] = (uint8_t)(lba >> 8);
    fis[6] = (uint8_t)(lba >> 16);
    fis[7] = 0x40;                          /* LBA mode */
    fis[8] = (uint8_t)(lba >> 24);
    fis[9] = (uint8_t)(lba >> 32);
    fis[10] = (uint8_t)(lba >> 40);
    fis[12] = (uint8_t)count;
    fis[13] = (uint8_t)(count >> 8);
    uint32_t *prdt = (uint32_t *)(ct + 0x80);
    if (bytes) {
        prdt[0] = (uint32_t)p->bounce_pa;
        prdt[1] = (uint32_t)(p->bounce_pa >> 32);
        prdt[3] = bytes - 1;
    }
    uint32_t *hdr = (uint32_t *)cl;
    uint64_t ct_pa = p->mem_pa + 0x800;
    hdr[0] = 5u | (write ? 1u << 6 : 0) | (bytes ? 1u << 16 : 0);   /* 5-dword FIS, PRDTL */
    hdr[1] = 0;
    hdr[2] = (uint32_t)ct_pa;
    hdr[3] = (uint32_t)(ct_pa >> 32);
    barrier();
    pwr(p, P_IS, 0xFFFFFFFF);
    pwr(p, P_CI, 1);
    uint64_t deadline = timer_now_ns() + timeout_ms * 1000000ull;
    int rc = 0;
    for (;;) {
        if (prd(p, P_IS) & IS_TFES) {
            rc = -E_IO;
            break;
        }
        if (!(prd(p, P_CI) & 1))
            break;
        if (timer_now_ns() > deadline) {
            rc = -E_TIMEDOUT;
            break;
        }
        cpu_pause();
    }
    barrier();
    if (rc == 0 && (prd(p, P_TFD) & TFD_ERR))
        rc = -E_IO;
    if (rc < 0) {
        /* Clearing ST aborts the command and lets the port take the next. */
        port_stop(p);
        port_start(p);
    }
    return rc;
}

static int check_range(const struct ahci_port *p, uint64_t lba, uint32_t count)
{
    return lba <= p->sectors && count <= p->sectors - lba ? 0 : -E_RANGE;
}

static int ahci_rw(void *ctx, uint64_t lba, uint32_t count, void *buf, bool write)
{
    struct ahci_port *p = ctx;
    int rc = check_range(p, lba, count);
    if (rc)
        return rc;
    uint32_t max = BOUNCE_BYTES / p->sector_size;
    uint8_t *b = buf;
    spin_lock(&p->lock);
    while (count > 0) {
        uint32_t n = count < max ? count : max;
        uint32_t bytes = n * p->sector_size;
        if (write)
            memcpy(p->bounce, b, bytes);
        rc = run_cmd(p, write ? ATA_WRITE_DMA_EXT : ATA_READ_DMA_EXT, lba, n, bytes, write,
                     IO_TIMEOUT_MS);
        if (rc < 0)
            break;
        if (!write)
            memcpy(b, p->bounce, bytes);
        b += bytes;
        lba += n;
        count -= n;
    }
    spin_unlock(&p->lock);
    if (rc < 0)
        kprintf("hv: ahci: warning: port %u: %s at LBA %lu failed (error %d)\n", p->n,
                write ? "write" : "read", (unsigned long)lba, rc);
    return rc;
}

static int ahci_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    return ahci_rw(ctx, lba, count, buf, false);
}

static int ahci_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    return ahci_rw(ctx, lba, count, (void *)buf, true);
}

static int ahci_flush(void *ctx)
{
    struct ahci_port *p = ctx;
    spin_lock(&p->lock);
    int rc = run_cmd(p, ATA_FLUSH_EXT, 0, 0, 0, false, FLUSH_TIMEOUT_MS);
    spin_unlock(&p->lock);
    return rc;
}

/* Waits for a link (DET = 3), with one COMRESET if the first wait fails. */
static bool port_link(struct ahci_port *p)
{
    uint32_t off = PORT(p->n) + P_SSTS;
    if (wait_reg(p->abar, off, 0xF, 3, 20))
        return true;
    if ((prd(p, P_SSTS) & 0xF) == 0)
        return false;                       /* nothing attached */
    pwr(p, P_SCTL, (prd(p, P_SCTL) & ~0xFu) | 1);
    timer_delay_us(2000);
    pwr(p, P_SCTL, prd(p, P_SCTL) & ~0xFu);
    return wait_reg(p->abar, off, 0xF, 3, 200);
}

static void probe_port(volatile uint8_t *abar, unsigned n, uint32_t cap)
{
    struct ahci_port tmp = { .abar = abar, .n = n };
    struct ahci_port *p = &tmp;
    if (!port_stop(p)) {
        kprintf("hv: ahci: warning: port %u does not stop; skipped\n", n);
        return;
    }
    if (cap & CAP_SSS)
        pwr(p, P_CMD, prd(p, P_CMD) | CMD_SUD | CMD_POD);
    if (!port_link(p))
        return;
    p = kzalloc(sizeof(*p));
    uint64_t mem = pmm_alloc_page(), bounce = pmm_alloc_pages(BOUNCE_PAGES);
    if (!p || !mem || !bounce) {
        kprintf("hv: ahci: warning: port %u: out of memory\n", n);
        goto fail;
    }
    if (!(cap & CAP_S64A) && (mem >> 32 || (bounce + BOUNCE_BYTES - 1) >> 32)) {
        kprintf("hv: ahci: warning: port %u: memory above 4 GiB and no 64-bit DMA\n", n);
        goto fail;
    }
    *p = tmp;
    p->lock = (spinlock_t)SPINLOCK_INIT;
    p->mem_pa = mem;
    p->mem = phys_to_virt(mem);
    p->bounce_pa = bounce;
    p->bounce = phys_to_virt(bounce);
    memset(p->mem, 0, PAGE_SIZE);
    pwr(p, P_CLB, (uint32_t)mem);
    pwr(p, P_CLBU, (uint32_t)(mem >> 32));
    pwr(p, P_FB, (uint32_t)(mem + 0x400));
    pwr(p, P_FBU, (uint32_t)((mem + 0x400) >> 32));
    pwr(p, P_IE, 0);
    pwr(p, P_SERR, 0xFFFFFFFF);
    pwr(p, P_IS, 0xFFFFFFFF);
    /* The device's first D2H FIS (its signature) lands once FIS receive is on. */
    pwr(p, P_CMD, prd(p, P_CMD) | CMD_FRE);
    if (!wait_reg(abar, PORT(n) + P_TFD, TFD_BSY | TFD_DRQ, 0, 1000)) {
        kprintf("hv: ahci: warning: port %u: device stays busy; skipped\n", n);
        goto stop;
    }
    uint32_t sig = prd(p, P_SIG);
    if (sig != SIG_ATA) {
        if (sig != SIG_ATAPI)
            kprintf("hv: ahci: port %u: device signature 0x%x, not a disk; skipped\n", n, sig);
        goto stop;
    }
    port_start(p);

    int rc = run_cmd(p, ATA_IDENTIFY, 0, 0, 512, false, IO_TIMEOUT_MS);
    if (rc < 0) {
        kprintf("hv: ahci: warning: port %u: IDENTIFY failed (error %d)\n", n, rc);
        goto stop;
    }
    const uint16_t *id = (const uint16_t *)p->bounce;
    if (!ata_id_lba48(id)) {
        kprintf("hv: ahci: warning: port %u: no 48-bit LBA; skipped\n", n);
        goto stop;
    }
    p->sectors = ata_id_sectors(id);
    p->sector_size = ata_id_sector_size(id);
    char model[41];
    ata_id_string(id + 27, 20, model, sizeof(model));
    struct blkdev dev = {
        .ctx = p, .read = ahci_read, .write = ahci_write, .flush = ahci_flush,
        .sector_size = p->sector_size, .sector_count = p->sectors,
    };
    blk_register("ahci", model, &dev);
    return;

stop:
    port_stop(p);
    /* The HBA must not keep pointers into memory we give back. */
    pwr(p, P_CLB, 0);
    pwr(p, P_CLBU, 0);
    pwr(p, P_FB, 0);
    pwr(p, P_FBU, 0);
fail:
    if (mem)
        pmm_free_pages(mem, 1);
    if (bounce)
        pmm_free_pages(bounce, BOUNCE_PAGES);
    if (p && p != &tmp)
        kfree(p);
}

static void probe_hba(struct pci_dev *d)
{
    pci_enable(d, PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
    volatile uint8_t *abar = pci_map_bar(d, 5);
    if (!abar) {
        kprintf("hv: ahci: warning: %02x:%02x.%u has no ABAR; skipped\n", d->bus, d->dev, d->fn);
        return;
    }
    wr(abar, HBA_GHC, rd(abar, HBA_GHC) | GHC_AE);
    wr(abar, HBA_GHC, rd(abar, HBA_GHC) | GHC_HR);
    if (!wait_reg(abar, HBA_GHC, GHC_HR, 0, 1000)) {
        kprintf("hv: ahci: warning: %02x:%02x.%u does not finish its reset; skipped\n",
                d->bus, d->dev, d->fn);
        return;
    }
    wr(abar, HBA_GHC, (rd(abar, HBA_GHC) | GHC_AE) & ~(1u << 1));   /* AHCI mode, no IRQs */
    uint32_t cap = rd(abar, HBA_CAP), pi = rd(abar, HBA_PI);
    for (unsigned n = 0; n < 32; n++)
        if (pi & (1u << n))
            probe_port(abar, n, cap);
}

void ahci_probe(void)
{
    for (struct pci_dev *d = NULL; (d = pci_find_class(d, 0x01, 0x06, 0x01)) != NULL;)
        probe_hba(d);
}
