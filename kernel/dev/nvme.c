/* NVMe disks: the admin queue, IDENTIFY, one I/O queue pair, namespace 1
 * only, polled completions. Data goes through a 64 KiB bounce buffer with a
 * fixed PRP list, so one command never needs more than one list page.
 * Every wait has a deadline (CAP.TO for enable/disable, 5 s per command). */
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

#define REG_CAP  0x00
#define REG_CC   0x14
#define REG_CSTS 0x1C
#define REG_AQA  0x24
#define REG_ASQ  0x28
#define REG_ACQ  0x30

#define CC_EN    (1u << 0)
#define CSTS_RDY (1u << 0)
#define CSTS_CFS (1u << 1)

#define ADM_CREATE_SQ 0x01
#define ADM_CREATE_CQ 0x05
#define ADM_IDENTIFY  0x06
#define IO_FLUSH 0x00
#define IO_WRITE 0x01
#define IO_READ  0x02

#define QDEPTH 16
#define BOUNCE_PAGES 16
#define BOUNCE_BYTES (BOUNCE_PAGES * PAGE_SIZE)
#define CMD_TIMEOUT_MS 5000
#define FLUSH_TIMEOUT_MS 30000

struct queue {
    uint8_t *sq, *cq;               /* 64-byte and 16-byte entries */
    uint64_t sq_pa, cq_pa;
    uint16_t tail, head, cid;
    uint8_t phase;
    unsigned qid;
};

struct nvme {
    volatile uint8_t *regs;
    unsigned dstrd;                 /* doorbell stride, in bytes */
    struct queue adm, io;
    uint64_t bounce_pa, prp_list_pa;
    uint8_t *bounce;
    uint32_t max_bytes;             /* per command */
    uint32_t nsid, sector_size;
    uint64_t sectors;
    spinlock_t lock;
};

static uint32_t rd32(struct nvme *c, uint32_t off) { return *(volatile uint32_t *)(c->regs + off); }
static void wr32(struct nvme *c, uint32_t off, uint32_t v) { *(volatile uint32_t *)(c->regs + off) = v; }
static uint64_t rd64(struct nvme *c, uint32_t off) { return rd32(c, off) | (uint64_t)rd32(c, off + 4) << 32; }
static void wr64(struct nvme *c, uint32_t off, uint64_t v) { wr32(c, off, (uint32_t)v); wr32(c, off + 4, (uint32_t)(v >> 32)); }

static bool wait_csts(struct nvme *c, uint32_t mask, uint32_t want, uint64_t ms)
{
    uint64_t deadline = timer_now_ns() + ms * 1000000ull;
    while ((rd32(c, REG_CSTS) & mask) != want) {
        if (rd32(c, REG_CSTS) == 0xFFFFFFFF || timer_now_ns() > deadline)
            return false;
        cpu_pause();
    }
    return true;
}

static bool queue_alloc(struct queue *q, unsigned qid)
{
    q->sq_pa = pmm_alloc_page();
    q->cq_pa = pmm_alloc_page();
    if (!q->sq_pa || !q->cq_pa)
        return false;
    q->sq = phys_to_virt(q->sq_pa);
    q->cq = phys_to_virt(q->cq_pa);
    memset(q->sq, 0, PAGE_SIZE);
    memset(q->cq, 0, PAGE_SIZE);
    q->tail = q->head = q->cid = 0;
    q->phase = 1;
    q->qid = qid;
    return true;
}

/* Submits one command (cdw[0..15], the CID is filled in) and polls for its
 * completion. Returns 0, -E_IO with the status printed, or -E_TIMEDOUT. */
static int submit(struct nvme *c, struct queue *q, uint32_t cdw[16], uint32_t *result, uint64_t ms)
{
    uint16_t cid = q->cid++;
    cdw[0] = (cdw[0] & 0xFFFF) | (uint32_t)cid << 16;
    memcpy(q->sq + (size_t)q->tail * 64, cdw, 64);
    q->tail = (uint16_t)((q->tail + 1) % QDEPTH);
    __asm__ volatile("mfence" ::: "memory");
    wr32(c, 0x1000 + (2 * q->qid) * c->dstrd, q->tail);
    uint64_t deadline = timer_now_ns() + ms * 1000000ull;
    for (;;) {
        volatile uint32_t *cqe = (volatile uint32_t *)(q->cq + (size_t)q->head * 16);
        uint32_t dw3 = cqe[3];
        if (((dw3 >> 16) & 1) == q->phase) {
            __asm__ volatile("" ::: "memory");
            uint32_t dw0 = cqe[0];
            q->head = (uint16_t)((q->head + 1) % QDEPTH);
            if (q->head == 0)
                q->phase ^= 1;
            wr32(c, 0x1000 + (2 * q->qid + 1) * c->dstrd, q->head);
            if ((uint16_t)dw3 != cid)
                continue;                   /* a stale completion: not ours */
            uint16_t status = (uint16_t)(dw3 >> 17);
            if (status) {
                kprintf("hv: nvme: warning: command 0x%x on queue %u: status 0x%x\n",
                        cdw[0] & 0xFF, q->qid, status);
                return -E_IO;
            }
            if (result)
                *result = dw0;
            return 0;
        }
        if (timer_now_ns() > deadline) {
            kprintf("hv: nvme: warning: command 0x%x on queue %u timed out\n", cdw[0] & 0xFF, q->qid);
            return -E_TIMEDOUT;
        }
        cpu_pause();
    }
}

static void set_prps(struct nvme *c, uint32_t cdw[16], uint32_t bytes)
{
    uint64_t prp2 = 0;
    if (bytes > 2 * PAGE_SIZE)
        prp2 = c->prp_list_pa;
    else if (bytes > PAGE_SIZE)
        prp2 = c->bounce_pa + PAGE_SIZE;
    cdw[6] = (uint32_t)c->bounce_pa;
    cdw[7] = (uint32_t)(c->bounce_pa >> 32);
    cdw[8] = (uint32_t)prp2;
    cdw[9] = (uint32_t)(prp2 >> 32);
}

static int identify(struct nvme *c, uint32_t cns, uint32_t nsid)
{
    uint32_t cdw[16] = { ADM_IDENTIFY, nsid };
    set_prps(c, cdw, PAGE_SIZE);
    cdw[10] = cns;
    return submit(c, &c->adm, cdw, NULL, CMD_TIMEOUT_MS);
}

static int nvme_rw(void *ctx, uint64_t lba, uint32_t count, void *buf, bool write)
{
    struct nvme *c = ctx;
    if (lba > c->sectors || count > c->sectors - lba)
        return -E_RANGE;
    uint32_t max = c->max_bytes / c->sector_size;
    uint8_t *b = buf;
    int rc = 0;
    spin_lock(&c->lock);
    while (count > 0) {
        uint32_t n = count < max ? count : max;
        uint32_t bytes = n * c->sector_size;
        if (write)
            memcpy(c->bounce, b, bytes);
        uint32_t cdw[16] = { write ? IO_WRITE : IO_READ, c->nsid };
        set_prps(c, cdw, bytes);
        cdw[10] = (uint32_t)lba;
        cdw[11] = (uint32_t)(lba >> 32);
        cdw[12] = n - 1;
        if ((rc = submit(c, &c->io, cdw, NULL, CMD_TIMEOUT_MS)) < 0)
            break;
        if (!write)
            memcpy(b, c->bounce, bytes);
        b += bytes;
        lba += n;
        count -= n;
    }
    spin_unlock(&c->lock);
    return rc;
}

static int nvme_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    return nvme_rw(ctx, lba, count, buf, false);
}

static int nvme_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    return nvme_rw(ctx, lba, count, (void *)buf, true);
}

static int nvme_flush(void *ctx)
{
    struct nvme *c = ctx;
    uint32_t cdw[16] = { IO_FLUSH, c->nsid };
    spin_lock(&c->lock);
    int rc = submit(c, &c->io, cdw, NULL, FLUSH_TIMEOUT_MS);
    spin_unlock(&c->lock);
    return rc;
}

static void trim_copy(char *out, unsigned outlen, const uint8_t *s, unsigned n)
{
    unsigned k = 0;
    for (unsigned i = 0; i < n && k + 1 < outlen; i++)
        out[k++] = s[i] >= 0x20 && s[i] < 0x7F ? (char)s[i] : ' ';
    while (k > 0 && out[k - 1] == ' ')
        k--;
    out[k] = 0;
}

static void probe_ctrl(struct pci_dev *d)
{
    pci_enable(d, PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
    struct nvme *c = kzalloc(sizeof(*c));
    if (!c)
        return;
    c->regs = pci_map_bar(d, 0);
    if (!c->regs) {
        kprintf("hv: nvme: warning: %02x:%02x.%u has no register BAR; skipped\n",
                d->bus, d->dev, d->fn);
        return;
    }
    uint64_t cap = rd64(c, REG_CAP);
    uint64_t to_ms = ((cap >> 24) & 0xFF) * 500 + 500;
    c->dstrd = 4u << ((cap >> 32) & 0xF);
    if ((cap >> 48) & 0xF) {
        kprintf("hv: nvme: warning: controller needs pages larger than 4 KiB; skipped\n");
        return;
    }
    wr32(c, REG_CC, rd32(c, REG_CC) & ~CC_EN);
    if (!wait_csts(c, CSTS_RDY, 0, to_ms)) {
        kprintf("hv: nvme: warning: controller does not disable; skipped\n");
        return;
    }
    c->lock = (spinlock_t)SPINLOCK_INIT;
    c->bounce_pa = pmm_alloc_pages(BOUNCE_PAGES);
    c->prp_list_pa = pmm_alloc_page();
    if (!queue_alloc(&c->adm, 0) || !queue_alloc(&c->io, 1) || !c->bounce_pa || !c->prp_list_pa) {
        kprintf("hv: nvme: warning: out of memory\n");
        return;
    }
    c->bounce = phys_to_virt(c->bounce_pa);
    uint64_t *list = phys_to_virt(c->prp_list_pa);
    for (unsigned i = 1; i < BOUNCE_PAGES; i++)
        list[i - 1] = c->bounce_pa + i * PAGE_SIZE;

    wr32(c, REG_AQA, (QDEPTH - 1) << 16 | (QDEPTH - 1));
    wr64(c, REG_ASQ, c->adm.sq_pa);
    wr64(c, REG_ACQ, c->adm.cq_pa);
    /* 64-byte SQ entries, 16-byte CQ entries, 4 KiB pages, NVM command set. */
    wr32(c, REG_CC, 6u << 16 | 4u << 20 | CC_EN);
    if (!wait_csts(c, CSTS_RDY | CSTS_CFS, CSTS_RDY, to_ms)) {
        kprintf("hv: nvme: warning: controller does not become ready; skipped\n");
        return;
    }
    if (identify(c, 1, 0) < 0)
        return;
    char model[41];
    trim_copy(model, sizeof(model), c->bounce + 24, 40);
    uint8_t mdts = c->bounce[77];
    c->max_bytes = BOUNCE_BYTES;
    if (mdts && mdts < 5 && (PAGE_SIZE << mdts) < c->max_bytes)
        c->max_bytes = (uint32_t)(PAGE_SIZE << mdts);

    c->nsid = 1;
    if (identify(c, 0, c->nsid) < 0)
        return;
    uint64_t nsze;
    memcpy(&nsze, c->bounce, 8);
    unsigned fmt = c->bounce[26] & 0xF;
    uint8_t lbads = c->bounce[128 + 4 * fmt + 2];
    if (nsze == 0 || lbads < 9 || lbads > 12) {
        kprintf("hv: nvme: warning: namespace 1 is absent or has %u-bit sectors; skipped\n", lbads);
        return;
    }
    c->sectors = nsze;
    c->sector_size = 1u << lbads;
    if (c->max_bytes < c->sector_size)
        c->max_bytes = c->sector_size;

    uint32_t cdw[16] = { ADM_CREATE_CQ };
    cdw[6] = (uint32_t)c->io.cq_pa;
    cdw[7] = (uint32_t)(c->io.cq_pa >> 32);
    cdw[10] = (QDEPTH - 1) << 16 | 1;
    cdw[11] = 1;                                    /* contiguous, no interrupts */
    if (submit(c, &c->adm, cdw, NULL, CMD_TIMEOUT_MS) < 0)
        return;
    uint32_t sq[16] = { ADM_CREATE_SQ };
    sq[6] = (uint32_t)c->io.sq_pa;
    sq[7] = (uint32_t)(c->io.sq_pa >> 32);
    sq[10] = (QDEPTH - 1) << 16 | 1;
    sq[11] = 1u << 16 | 1;                          /* completion queue 1, contiguous */
    if (submit(c, &c->adm, sq, NULL, CMD_TIMEOUT_MS) < 0)
        return;

    struct blkdev dev = {
        .ctx = c, .read = nvme_read, .write = nvme_write, .flush = nvme_flush,
        .sector_size = c->sector_size, .sector_count = c->sectors,
    };
    blk_register("nvme", model, &dev);
}

void nvme_probe(void)
{
    for (struct pci_dev *d = NULL; (d = pci_find_class(d, 0x01, 0x08, 0x02)) != NULL;)
        probe_ctrl(d);
}
