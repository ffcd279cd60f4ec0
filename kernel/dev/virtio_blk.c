/* virtio-blk over the legacy (0.9.5) virtio-pci transport: an I/O BAR, one
 * virtqueue, one request in flight, polled. Transitional devices (QEMU's
 * default) offer this; modern-only devices (no I/O BAR) are reported and
 * skipped. Data goes through a 64 KiB bounce buffer. */
#include "dev/blk.h"
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

#define VIO_DEV_FEATURES   0x00
#define VIO_GUEST_FEATURES 0x04
#define VIO_QUEUE_PFN      0x08
#define VIO_QUEUE_SIZE     0x0C
#define VIO_QUEUE_SEL      0x0E
#define VIO_QUEUE_NOTIFY   0x10
#define VIO_STATUS         0x12
#define VIO_CONFIG         0x14        /* without MSI-X, which we never enable */

#define ST_ACK       1
#define ST_DRIVER    2
#define ST_DRIVER_OK 4
#define ST_FAILED    0x80

#define F_RO       (1u << 5)
#define F_BLK_SIZE (1u << 6)
#define F_FLUSH    (1u << 9)

#define REQ_IN    0
#define REQ_OUT   1
#define REQ_FLUSH 4

#define DESC_NEXT  1
#define DESC_WRITE 2

#define BOUNCE_PAGES 16
#define BOUNCE_BYTES (BOUNCE_PAGES * PAGE_SIZE)
#define IO_TIMEOUT_MS 5000
#define FLUSH_TIMEOUT_MS 30000

struct vdesc { uint64_t addr; uint32_t len; uint16_t flags, next; };

struct vblk {
    uint16_t io;
    uint16_t qsize;
    struct vdesc *desc;
    volatile uint16_t *avail;          /* flags, idx, ring[] */
    volatile uint16_t *used;           /* flags, idx, then {id, len} pairs */
    uint16_t last_used;
    uint64_t req_pa;                   /* header at 0, status byte at 16 */
    uint8_t *req;
    uint64_t bounce_pa;
    uint8_t *bounce;
    uint32_t features;
    uint32_t sector_size;
    uint64_t sectors;
    spinlock_t lock;
};

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* One request: header, optional data, status. 0, -E_IO or -E_TIMEDOUT. */
static int request(struct vblk *v, uint32_t type, uint64_t sector512, uint32_t bytes, bool dev_writes,
                   uint64_t ms)
{
    uint32_t hdr[4] = { type, 0, (uint32_t)sector512, (uint32_t)(sector512 >> 32) };
    memcpy(v->req, hdr, 16);
    v->req[16] = 0xFF;
    unsigned n = 0;
    v->desc[n] = (struct vdesc){ v->req_pa, 16, DESC_NEXT, 1 };
    n++;
    if (bytes) {
        v->desc[n] = (struct vdesc){ v->bounce_pa, bytes,
                                     (uint16_t)(DESC_NEXT | (dev_writes ? DESC_WRITE : 0)), 2 };
        n++;
    }
    v->desc[n - 1].next = (uint16_t)n;
    v->desc[n] = (struct vdesc){ v->req_pa + 16, 1, DESC_WRITE, 0 };
    uint16_t idx = v->avail[1];
    v->avail[2 + idx % v->qsize] = 0;
    __asm__ volatile("mfence" ::: "memory");
    v->avail[1] = (uint16_t)(idx + 1);
    __asm__ volatile("mfence" ::: "memory");
    outw(v->io + VIO_QUEUE_NOTIFY, 0);
    uint64_t deadline = timer_now_ns() + ms * 1000000ull;
    while (v->used[1] == v->last_used) {
        if (timer_now_ns() > deadline) {
            kprintf("hv: virtio-blk: warning: request type %u timed out\n", type);
            return -E_TIMEDOUT;
        }
        cpu_pause();
    }
    v->last_used++;
    __asm__ volatile("" ::: "memory");
    return v->req[16] == 0 ? 0 : -E_IO;
}

static int vblk_rw(void *ctx, uint64_t lba, uint32_t count, void *buf, bool write)
{
    struct vblk *v = ctx;
    if (lba > v->sectors || count > v->sectors - lba)
        return -E_RANGE;
    if (write && (v->features & F_RO))
        return -E_INVAL;
    uint32_t max = BOUNCE_BYTES / v->sector_size;
    uint8_t *b = buf;
    int rc = 0;
    spin_lock(&v->lock);
    while (count > 0) {
        uint32_t n = count < max ? count : max;
        uint32_t bytes = n * v->sector_size;
        if (write)
            memcpy(v->bounce, b, bytes);
        rc = request(v, write ? REQ_OUT : REQ_IN, lba * (v->sector_size / 512), bytes, !write,
                     IO_TIMEOUT_MS);
        if (rc < 0)
            break;
        if (!write)
            memcpy(b, v->bounce, bytes);
        b += bytes;
        lba += n;
        count -= n;
    }
    spin_unlock(&v->lock);
    return rc;
}

static int vblk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    return vblk_rw(ctx, lba, count, buf, false);
}

static int vblk_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    return vblk_rw(ctx, lba, count, (void *)buf, true);
}

static int vblk_flush(void *ctx)
{
    struct vblk *v = ctx;
    /* Without F_FLUSH the device has no volatile cache to flush (spec 5.2.6.2). */
    if (!(v->features & F_FLUSH))
        return 0;
    spin_lock(&v->lock);
    int rc = request(v, REQ_FLUSH, 0, 0, false, FLUSH_TIMEOUT_MS);
    spin_unlock(&v->lock);
    return rc;
}

static void probe_dev(struct pci_dev *d)
{
    const struct pci_bar *bar = &d->bar[0];
    if (!bar->io || !bar->base) {
        kprintf("hv: virtio-blk: warning: %02x:%02x.%u is modern-only (no I/O BAR); skipped\n",
                d->bus, d->dev, d->fn);
        return;
    }
    pci_enable(d, PCI_CMD_IO | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
    uint16_t io = (uint16_t)bar->base;
    outb(io + VIO_STATUS, 0);                              /* reset */
    outb(io + VIO_STATUS, ST_ACK);
    outb(io + VIO_STATUS, ST_ACK | ST_DRIVER);
    uint32_t features = inl(io + VIO_DEV_FEATURES) & (F_RO | F_BLK_SIZE | F_FLUSH);
    outl(io + VIO_GUEST_FEATURES, features);
    outw(io + VIO_QUEUE_SEL, 0);
    uint16_t qsize = inw(io + VIO_QUEUE_SIZE);
    if (qsize < 3 || (qsize & (qsize - 1))) {
        kprintf("hv: virtio-blk: warning: queue size %u unusable; skipped\n", qsize);
        outb(io + VIO_STATUS, ST_FAILED);
        return;
    }
    uint64_t used_off = align_up(16ull * qsize + 6 + 2ull * qsize, PAGE_SIZE);
    uint64_t ring_bytes = used_off + align_up(6 + 8ull * qsize, PAGE_SIZE);
    size_t ring_pages = ring_bytes / PAGE_SIZE;
    struct vblk *v = kzalloc(sizeof(*v));
    uint64_t ring = pmm_alloc_pages(ring_pages);
    uint64_t req = pmm_alloc_page(), bounce = pmm_alloc_pages(BOUNCE_PAGES);
    if (!v || !ring || !req || !bounce || (ring >> 44)) {
        kprintf("hv: virtio-blk: warning: out of memory\n");
        outb(io + VIO_STATUS, ST_FAILED);
        return;
    }
    uint8_t *rv = phys_to_virt(ring);
    memset(rv, 0, ring_bytes);
    v->io = io;
    v->qsize = qsize;
    v->desc = (struct vdesc *)rv;
    v->avail = (volatile uint16_t *)(rv + 16ull * qsize);
    v->used = (volatile uint16_t *)(rv + used_off);
    v->req_pa = req;
    v->req = phys_to_virt(req);
    v->bounce_pa = bounce;
    v->bounce = phys_to_virt(bounce);
    v->features = features;
    v->lock = (spinlock_t)SPINLOCK_INIT;
    v->avail[0] = 1;                                       /* no interrupts, please */
    outl(io + VIO_QUEUE_PFN, (uint32_t)(ring >> 12));

    uint64_t cap512 = inl(io + VIO_CONFIG) | (uint64_t)inl(io + VIO_CONFIG + 4) << 32;
    uint32_t bs = 512;
    if (features & F_BLK_SIZE) {
        uint32_t b = inl(io + VIO_CONFIG + 20);
        if (b >= 512 && b <= 4096 && !(b & (b - 1)))
            bs = b;
    }
    v->sector_size = bs;
    v->sectors = cap512 / (bs / 512);
    outb(io + VIO_STATUS, ST_ACK | ST_DRIVER | ST_DRIVER_OK);
    if (v->sectors == 0) {
        kprintf("hv: virtio-blk: warning: %02x:%02x.%u has no capacity; skipped\n",
                d->bus, d->dev, d->fn);
        return;
    }
    struct blkdev dev = {
        .ctx = v, .read = vblk_read, .write = vblk_write, .flush = vblk_flush,
        .sector_size = v->sector_size, .sector_count = v->sectors,
    };
    blk_register("virtio", (features & F_RO) ? "virtio-blk (read-only)" : "virtio-blk", &dev);
}

void virtio_blk_probe(void)
{
    for (unsigned i = 0; i < pci_count(); i++) {
        struct pci_dev *d = pci_get(i);
        if (d->vendor == 0x1AF4 && (d->device == 0x1001 || d->device == 0x1042))
            probe_dev(d);
    }
}
