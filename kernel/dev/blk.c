/* The disk registry and the probe order. */
#include "dev/blk.h"
#include "mm/heap.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

static struct blk_disk disks[BLK_MAX_DISKS];
static unsigned ndisks;

struct slice {
    struct blkdev *disk;
    uint64_t first, sectors;
};

void blk_format_size(uint64_t bytes, char *buf, unsigned len)
{
    static const char *const unit[] = { "MiB", "GiB", "TiB" };
    uint64_t mib = bytes >> 20;
    if (mib < 1024) {
        if (bytes && mib == 0)
            ksnprintf(buf, len, "%lu KiB", (unsigned long)(bytes >> 10));
        else
            ksnprintf(buf, len, "%lu MiB", (unsigned long)mib);
        return;
    }
    /* One decimal, truncated: a 1.99 GiB disk is not a 2 GiB disk. */
    uint64_t v = mib;
    int u = 0;
    while (v >= 1024 * 1024 && u < 2) {
        v >>= 10;
        u++;
    }
    uint64_t whole = v >> 10, tenth = ((v & 1023) * 10) >> 10;
    if (tenth)
        ksnprintf(buf, len, "%lu.%lu %s", (unsigned long)whole, (unsigned long)tenth, unit[u + 1]);
    else
        ksnprintf(buf, len, "%lu %s", (unsigned long)whole, unit[u + 1]);
}

static int disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    struct blkdev *d = ctx;
    return d->read(d->ctx, lba, count, buf);
}

struct blk_disk *blk_register(const char *prefix, const char *model, const struct blkdev *dev)
{
    if (ndisks == BLK_MAX_DISKS) {
        kprintf("hv: disk: warning: more than %u disks; %s ignored\n", BLK_MAX_DISKS, model);
        return NULL;
    }
    unsigned n = 0;
    size_t plen = strlen(prefix);
    for (unsigned i = 0; i < ndisks; i++)
        if (strncmp(disks[i].name, prefix, plen) == 0)
            n++;
    struct blk_disk *d = &disks[ndisks++];
    memset(d, 0, sizeof(*d));
    ksnprintf(d->name, sizeof(d->name), "%s%u", prefix, n);
    strlcpy(d->model, model && *model ? model : "(no model)", sizeof(d->model));
    d->dev = *dev;

    char size[24];
    blk_format_size(dev->sector_count * dev->sector_size, size, sizeof(size));
    kprintf("hv: disk %s: %s, %s, %u B sectors\n", d->name, d->model, size, dev->sector_size);

    void *buf = kmalloc(dev->sector_size);
    if (!buf)
        return d;
    int rc = part_scan(disk_read, &d->dev, dev->sector_size, dev->sector_count, buf, &d->parts);
    kfree(buf);
    if (rc < 0)
        kprintf("hv: disk %s: warning: partition table unreadable (error %d)\n", d->name, rc);
    else if (d->parts.warning)
        kprintf("hv: disk %s: warning: %s\n", d->name, d->parts.warning);
    return d;
}

unsigned blk_count(void)
{
    return ndisks;
}

struct blk_disk *blk_get(unsigned i)
{
    return i < ndisks ? &disks[i] : NULL;
}

struct blk_disk *blk_find(const char *name)
{
    for (unsigned i = 0; i < ndisks; i++)
        if (strcmp(disks[i].name, name) == 0)
            return &disks[i];
    return NULL;
}

static int slice_check(const struct slice *s, uint64_t lba, uint32_t count)
{
    return lba < s->sectors && count <= s->sectors - lba ? 0 : -E_RANGE;
}

static int slice_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    struct slice *s = ctx;
    int rc = slice_check(s, lba, count);
    return rc ? rc : s->disk->read(s->disk->ctx, s->first + lba, count, buf);
}

static int slice_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    struct slice *s = ctx;
    int rc = slice_check(s, lba, count);
    return rc ? rc : s->disk->write(s->disk->ctx, s->first + lba, count, buf);
}

static int slice_flush(void *ctx)
{
    struct slice *s = ctx;
    return s->disk->flush(s->disk->ctx);
}

int blk_partition_dev(struct blk_disk *d, unsigned part_no, struct blkdev *out)
{
    for (unsigned i = 0; i < d->parts.count; i++) {
        const struct part *p = &d->parts.part[i];
        if (p->index != part_no)
            continue;
        struct slice *s = kmalloc(sizeof(*s));
        if (!s)
            return -E_NOMEM;
        s->disk = &d->dev;
        s->first = p->first_lba;
        s->sectors = p->sectors;
        out->ctx = s;
        out->read = slice_read;
        out->write = slice_write;
        out->flush = slice_flush;
        out->sector_size = d->dev.sector_size;
        out->sector_count = p->sectors;
        return 0;
    }
    return -E_NOENT;
}

void blk_probe_all(void)
{
    ata_probe();
    ahci_probe();
    nvme_probe();
    virtio_blk_probe();
    if (ndisks == 0)
        kprintf("hv: disk: warning: no disks found\n");
}
