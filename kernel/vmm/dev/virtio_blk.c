/* Legacy virtio-blk for guests (virtio_blk.h). */
#include "vmm/dev/virtio_blk.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PAGE          4096u
#define HDR_LEN       16u             /* struct virtio_blk_outhdr: type, ioprio, sector */
#define T_BARRIER     0x80000000u     /* old guests' flag on OUT; the write is ordered anyway */
#define STATUS_RESET  0

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The split ring's parts for queue size Q at the guest's page frame. */
static uint64_t ring_desc(const struct vvblk *d)
{
    return (uint64_t)d->queue_pfn * PAGE;
}

static uint64_t ring_avail(const struct vvblk *d)
{
    return ring_desc(d) + 16u * VVBLK_QSIZE;
}

static uint64_t ring_used(const struct vvblk *d)
{
    uint64_t end = ring_avail(d) + 6 + 2u * VVBLK_QSIZE;
    return (end + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

uint32_t vvblk_host_features(const struct vvblk *d)
{
    return VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE |
           VIRTIO_BLK_F_FLUSH | (d->readonly ? VIRTIO_BLK_F_RO : 0);
}

static void broken(struct vvblk *d, const char *why)
{
    if (d->broken)
        return;
    d->broken = true;
    if (d->fail)
        d->fail(d->fail_ctx, why);
}

/* ---- a request's bytes: the readable descriptors, then the writable ---- */

/* Copies len bytes at offset off of one side of the chain (nsegs
 * segments) to or from buf.  0, or -E_RANGE when guest memory refused. */
static int stream(struct vvblk *d, unsigned nsegs, bool writable, uint64_t off, void *buf,
                  size_t len)
{
    uint8_t *p = buf;
    for (unsigned i = 0; i < nsegs && len; i++) {
        const struct vvblk_seg *s = &d->segs[i];
        if (s->to_guest != writable)
            continue;
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        size_t n = s->len - off < len ? (size_t)(s->len - off) : len;
        int rc = writable ? d->mem.write(d->mem.ctx, s->gpa + off, p, n)
                          : d->mem.read(d->mem.ctx, s->gpa + off, p, n);
        if (rc < 0)
            return -E_RANGE;
        p += n;
        len -= n;
        off = 0;
    }
    return len ? -E_RANGE : 0;
}

/* IN or OUT of data bytes at sector, through the bounce buffer.  OUT data
 * follows the header on the readable side; IN data starts the writable
 * side. */
static uint8_t transfer(struct vvblk *d, unsigned nsegs, bool in, uint64_t sector, uint64_t data)
{
    uint64_t cap = d->disk->sector_count;
    if (data % VDISK_SECTOR || data > VVBLK_MAX_DATA || d->bounce_len < VDISK_SECTOR ||
        sector > cap || data / VDISK_SECTOR > cap - sector)
        return VIRTIO_BLK_S_IOERR;
    if (!in && d->readonly)
        return VIRTIO_BLK_S_IOERR;
    size_t chunk = d->bounce_len - d->bounce_len % VDISK_SECTOR;
    for (uint64_t done = 0; done < data;) {
        size_t n = data - done < chunk ? (size_t)(data - done) : chunk;
        uint64_t lba = sector + done / VDISK_SECTOR;
        uint32_t count = (uint32_t)(n / VDISK_SECTOR);
        if (in) {
            if (d->disk->read(d->disk->ctx, lba, count, d->bounce) < 0 ||
                stream(d, nsegs, true, done, d->bounce, n) < 0)
                return VIRTIO_BLK_S_IOERR;
        } else {
            if (stream(d, nsegs, false, HDR_LEN + done, d->bounce, n) < 0 ||
                d->disk->write(d->disk->ctx, lba, count, d->bounce) < 0)
                return VIRTIO_BLK_S_IOERR;
        }
        done += n;
    }
    if (in)
        d->bytes_read += data;
    else
        d->bytes_written += data;
    return VIRTIO_BLK_S_OK;
}

/* Walks the chain at head into d->segs.  The count of segments, or 0
 * after broken(): the ring itself is unusable. */
static unsigned walk(struct vvblk *d, uint16_t head)
{
    unsigned n = 0;
    uint16_t idx = head;
    bool writable = false;
    for (;;) {
        uint8_t desc[16];
        if (n == VVBLK_QSIZE) {
            broken(d, "virtio-blk: descriptor chain longer than the queue (a loop?)");
            return 0;
        }
        if (d->mem.read(d->mem.ctx, ring_desc(d) + 16u * idx, desc, sizeof(desc)) < 0) {
            broken(d, "virtio-blk: descriptor table outside guest memory");
            return 0;
        }
        uint16_t flags = le16(desc + 12), next = le16(desc + 14);
        if (flags & VRING_DESC_F_INDIRECT) {
            broken(d, "virtio-blk: indirect descriptor, a feature not offered");
            return 0;
        }
        bool w = flags & VRING_DESC_F_WRITE;
        if (writable && !w) {
            broken(d, "virtio-blk: device-readable descriptor after a writable one");
            return 0;
        }
        writable = w;
        d->segs[n++] = (struct vvblk_seg){ le64(desc), le32(desc + 8), w };
        if (!(flags & VRING_DESC_F_NEXT))
            return n;
        if (next >= VVBLK_QSIZE) {
            broken(d, "virtio-blk: descriptor index out of range");
            return 0;
        }
        idx = next;
    }
}

/* One request: its status byte written, *used = the bytes written to the
 * guest.  false after broken(). */
static bool request(struct vvblk *d, uint16_t head, uint32_t *used)
{
    unsigned n = walk(d, head);
    if (!n)
        return false;
    uint64_t rd = 0, wr = 0;
    for (unsigned i = 0; i < n; i++) {
        if (d->segs[i].to_guest)
            wr += d->segs[i].len;
        else
            rd += d->segs[i].len;
    }
    if (wr == 0) {
        broken(d, "virtio-blk: request without a status byte");
        return false;
    }
    uint64_t data_in = wr - 1;           /* the status byte is the last writable one */
    uint8_t hdr[HDR_LEN], st = VIRTIO_BLK_S_IOERR;
    uint32_t out = 0;
    d->requests++;
    if (rd >= HDR_LEN && stream(d, n, false, 0, hdr, HDR_LEN) == 0) {
        uint32_t type = le32(hdr) & ~T_BARRIER;
        uint64_t sector = le64(hdr + 8);
        switch (type) {
        case VIRTIO_BLK_T_IN:
            st = transfer(d, n, true, sector, data_in);
            out = st == VIRTIO_BLK_S_OK ? (uint32_t)data_in : 0;
            break;
        case VIRTIO_BLK_T_OUT:
            st = transfer(d, n, false, sector, rd - HDR_LEN);
            break;
        case VIRTIO_BLK_T_FLUSH:
            d->flushes++;
            st = d->readonly || d->disk->flush(d->disk->ctx) == 0 ? VIRTIO_BLK_S_OK
                                                                  : VIRTIO_BLK_S_IOERR;
            break;
        case VIRTIO_BLK_T_GET_ID: {
            uint32_t len = data_in < VVBLK_ID_LEN ? (uint32_t)data_in : VVBLK_ID_LEN;
            st = stream(d, n, true, 0, d->id, len) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
            out = st == VIRTIO_BLK_S_OK ? len : 0;
            break;
        }
        default:
            st = VIRTIO_BLK_S_UNSUPP;
            break;
        }
    }
    if (st != VIRTIO_BLK_S_OK)
        d->errors++;
    if (stream(d, n, true, data_in, &st, 1) < 0) {
        broken(d, "virtio-blk: status byte outside guest memory");
        return false;
    }
    *used = out + 1;
    return true;
}

/* The guest's notify: every request it made available, then the interrupt. */
static void process(struct vvblk *d)
{
    d->notifies++;
    if (d->broken || !d->queue_pfn)
        return;
    uint8_t a[4], probe;
    /* The used ring's first and last bytes: it is all in guest RAM before
     * anything is taken from the avail ring. */
    if (d->mem.read(d->mem.ctx, ring_used(d), &probe, 1) < 0 ||
        d->mem.read(d->mem.ctx, ring_used(d) + 4 + 8u * VVBLK_QSIZE + 1, &probe, 1) < 0 ||
        d->mem.read(d->mem.ctx, ring_avail(d), a, 4) < 0) {
        broken(d, "virtio-blk: virtqueue outside guest memory");
        return;
    }
    uint16_t avail_idx = le16(a + 2);
    uint16_t pending = (uint16_t)(avail_idx - d->last_avail);
    if (pending > VVBLK_QSIZE) {
        broken(d, "virtio-blk: avail index moved by more than the queue size");
        return;
    }
    for (uint16_t i = 0; i < pending; i++) {
        uint8_t h[2];
        uint64_t slot = ring_avail(d) + 4 + 2u * (d->last_avail % VVBLK_QSIZE);
        if (d->mem.read(d->mem.ctx, slot, h, 2) < 0) {
            broken(d, "virtio-blk: virtqueue outside guest memory");
            return;
        }
        uint16_t head = le16(h);
        uint32_t used = 0;
        if (head >= VVBLK_QSIZE) {
            broken(d, "virtio-blk: descriptor index out of range");
            return;
        }
        if (!request(d, head, &used))
            return;
        uint8_t e[8] = { (uint8_t)head, (uint8_t)(head >> 8), 0, 0, (uint8_t)used,
                         (uint8_t)(used >> 8), (uint8_t)(used >> 16), (uint8_t)(used >> 24) };
        uint64_t at = ring_used(d) + 4 + 8u * (d->used_idx % VVBLK_QSIZE);
        d->used_idx++;
        d->last_avail++;
        uint8_t idx[2] = { (uint8_t)d->used_idx, (uint8_t)(d->used_idx >> 8) };
        if (d->mem.write(d->mem.ctx, at, e, sizeof(e)) < 0 ||
            d->mem.write(d->mem.ctx, ring_used(d) + 2, idx, 2) < 0) {
            broken(d, "virtio-blk: virtqueue outside guest memory");
            return;
        }
    }
    /* NO_INTERRUPT is a hint; honour it (the guest polls the used ring). */
    if (pending && d->mem.read(d->mem.ctx, ring_avail(d), a, 2) == 0 &&
        !(le16(a) & VRING_AVAIL_F_NO_INTERRUPT)) {
        d->isr |= 1;
        vdev_irq_set(&d->irq, true);
    }
}

void vvblk_reset(struct vvblk *d)
{
    d->guest_features = 0;
    d->queue_pfn = 0;
    d->queue_sel = 0;
    d->status = STATUS_RESET;
    d->last_avail = d->used_idx = 0;
    d->broken = false;
    if (d->isr) {
        d->isr = 0;
        vdev_irq_set(&d->irq, false);
    }
}

/* ---- the legacy header in the I/O BAR ---- */

static uint8_t reg_byte(const struct vvblk *d, unsigned off)
{
    uint8_t cfg[0x18] = { 0 };
    uint32_t v;
    switch (off & ~3u) {
    case VIRTIO_PCI_HOST_FEATURES:
        v = vvblk_host_features(d);
        return (uint8_t)(v >> 8 * (off & 3));
    case VIRTIO_PCI_GUEST_FEATURES:
        return (uint8_t)(d->guest_features >> 8 * (off & 3));
    case VIRTIO_PCI_QUEUE_PFN:
        v = d->queue_sel == 0 ? d->queue_pfn : 0;
        return (uint8_t)(v >> 8 * (off & 3));
    case VIRTIO_PCI_QUEUE_NUM:                 /* and QUEUE_SEL */
        v = (d->queue_sel == 0 ? VVBLK_QSIZE : 0) | (uint32_t)d->queue_sel << 16;
        return (uint8_t)(v >> 8 * (off & 3));
    case VIRTIO_PCI_QUEUE_NOTIFY:              /* and STATUS, ISR */
        v = (uint32_t)d->status << 16 | (uint32_t)d->isr << 24;
        return (uint8_t)(v >> 8 * (off & 3));
    }
    if (off < VIRTIO_PCI_CONFIG || off >= VIRTIO_PCI_CONFIG + sizeof(cfg))
        return 0;
    /* virtio_blk_config: capacity, size_max, seg_max, geometry, blk_size. */
    uint64_t capacity = d->disk ? d->disk->sector_count : 0;
    for (unsigned i = 0; i < 8; i++)
        cfg[i] = (uint8_t)(capacity >> 8 * i);
    for (unsigned i = 0; i < 4; i++)           /* size_max: only a hint, the total is checked */
        cfg[8 + i] = (uint8_t)(VVBLK_SIZE_MAX >> 8 * i);
    cfg[12] = VVBLK_QSIZE - 2;                 /* seg_max: a chain keeps header and status */
    cfg[21] = VDISK_SECTOR >> 8;               /* blk_size = 512 */
    return cfg[off - VIRTIO_PCI_CONFIG];
}

static uint64_t bar_read(void *ctx, uint64_t off, unsigned size)
{
    struct vvblk *d = ctx;
    uint64_t v = 0;
    bool isr = false;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)reg_byte(d, (unsigned)off + i) << (8 * i);
        isr |= off + i == VIRTIO_PCI_ISR;
    }
    /* Reading ISR acknowledges the interrupt. */
    if (isr && d->isr) {
        d->isr = 0;
        vdev_irq_set(&d->irq, false);
    }
    return v;
}

static void bar_write(void *ctx, uint64_t off, unsigned size, uint64_t value)
{
    struct vvblk *d = ctx;
    uint8_t img[VIRTIO_PCI_CONFIG];
    for (unsigned i = 0; i < VIRTIO_PCI_CONFIG; i++)
        img[i] = reg_byte(d, i);
    img[VIRTIO_PCI_QUEUE_NOTIFY] = img[VIRTIO_PCI_QUEUE_NOTIFY + 1] = 0;
    unsigned touched = 0;                      /* bit i: register at offset i written */
    for (unsigned i = 0; i < size; i++) {
        unsigned o = (unsigned)off + i;
        if (o >= VIRTIO_PCI_CONFIG)
            break;                             /* config space writes are ignored */
        img[o] = (uint8_t)(value >> (8 * i));
        touched |= 1u << (o >= 0x10 ? (o == 0x11 ? 0x10 : o) : o & ~3u);
        if (o == 0x0E || o == 0x0F)
            touched |= 1u << 0x0E;
    }
    if (touched & (1u << VIRTIO_PCI_GUEST_FEATURES))
        d->guest_features = le32(img + VIRTIO_PCI_GUEST_FEATURES) & vvblk_host_features(d);
    if (touched & (1u << VIRTIO_PCI_QUEUE_SEL))
        d->queue_sel = le16(img + VIRTIO_PCI_QUEUE_SEL);
    if ((touched & (1u << VIRTIO_PCI_QUEUE_PFN)) && d->queue_sel == 0) {
        /* A new ring (or 0: none) starts from index 0, as the guest's does. */
        d->queue_pfn = le32(img + VIRTIO_PCI_QUEUE_PFN);
        d->last_avail = d->used_idx = 0;
        d->broken = false;
    }
    if (touched & (1u << VIRTIO_PCI_STATUS)) {
        if (img[VIRTIO_PCI_STATUS] == STATUS_RESET)
            vvblk_reset(d);
        else
            d->status = img[VIRTIO_PCI_STATUS];
    }
    if ((touched & (1u << VIRTIO_PCI_QUEUE_NOTIFY)) && le16(img + VIRTIO_PCI_QUEUE_NOTIFY) == 0)
        process(d);
}

static const struct iobus_ops bar_ops = { bar_read, bar_write };

void vvblk_init(struct vvblk *d, struct vdisk *disk, bool readonly, struct vvblk_mem mem,
                uint8_t irq, uint8_t *bounce, size_t bounce_len, const char *id,
                void (*fail)(void *ctx, const char *why), void *fail_ctx)
{
    memset(d, 0, sizeof(*d));
    d->disk = disk;
    d->readonly = readonly;
    d->mem = mem;
    d->bounce = bounce;
    d->bounce_len = bounce_len;
    d->fail = fail;
    d->fail_ctx = fail_ctx;
    for (unsigned i = 0; id && id[i] && i < VVBLK_ID_LEN; i++)
        d->id[i] = id[i];
    /* Mass storage, "other" (what QEMU's transitional virtio-blk says). */
    vpci_dev_init(&d->pci, VVBLK_VENDOR, VVBLK_DEVICE, 0x018000, irq);
    vpci_dev_subsys(&d->pci, VVBLK_VENDOR, VVBLK_SUBSYS_ID);
    vpci_dev_io_bar(&d->pci, 0, VVBLK_BAR_SIZE, &bar_ops, d, "virtio-blk");
}

int vvblk_wire(struct vvblk *d, struct vpci *pci, uint16_t io_base)
{
    d->irq = (struct vdev_irq){ vpci_intx_cb, &d->pci, d->pci.irq };
    return vpci_plug(pci, &d->pci, io_base);
}
