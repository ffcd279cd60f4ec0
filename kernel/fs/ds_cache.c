/* The datastore's read-ahead cache: a few aligned chunks, replaced round
 * robin, filled only by small reads (large ones are file data read once). */
#include "fs/ds_cache.h"
#include "fs/fat.h"
#include "mm/heap.h"
#include "lib/string.h"

#define CHUNK_BYTES  (64 * 1024)
#define NCHUNKS      4
#define SMALL_READ   8          /* sectors: larger reads bypass the cache */

struct chunk {
    uint64_t lba;               /* first sector; UINT64_MAX when empty */
    uint32_t count;             /* sectors held (short at the device end) */
    uint8_t *data;
};

struct ds_cache {
    struct blkdev disk;
    uint32_t chunk_sectors;
    unsigned next;              /* round-robin victim */
    struct chunk c[NCHUNKS];
};

static struct chunk *lookup(struct ds_cache *k, uint64_t lba)
{
    for (unsigned i = 0; i < NCHUNKS; i++)
        if (k->c[i].lba != UINT64_MAX && lba >= k->c[i].lba && lba - k->c[i].lba < k->c[i].count)
            return &k->c[i];
    return NULL;
}

/* Reads the chunk holding lba; NULL on a device error (the caller then
 * reads just what it wanted, so one bad sector fails only its own reads). */
static struct chunk *fill(struct ds_cache *k, uint64_t lba)
{
    struct chunk *c = &k->c[k->next];
    k->next = (k->next + 1) % NCHUNKS;
    uint64_t first = lba - lba % k->chunk_sectors;
    uint64_t left = k->disk.sector_count - first;
    uint32_t n = left < k->chunk_sectors ? (uint32_t)left : k->chunk_sectors;
    c->lba = UINT64_MAX;
    if (k->disk.read(k->disk.ctx, first, n, c->data) < 0)
        return NULL;
    c->lba = first;
    c->count = n;
    return c;
}

static int cache_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    struct ds_cache *k = ctx;
    uint32_t ss = k->disk.sector_size;
    if (count > SMALL_READ || lba >= k->disk.sector_count || count > k->disk.sector_count - lba)
        return k->disk.read(k->disk.ctx, lba, count, buf);
    uint8_t *p = buf;
    while (count > 0) {
        struct chunk *c = lookup(k, lba);
        if (!c && !(c = fill(k, lba)))
            return k->disk.read(k->disk.ctx, lba, count, p);
        uint32_t off = (uint32_t)(lba - c->lba), n = c->count - off;
        if (n > count)
            n = count;
        memcpy(p, c->data + (size_t)off * ss, (size_t)n * ss);
        p += (size_t)n * ss;
        lba += n;
        count -= n;
    }
    return 0;
}

/* Write-through; cached copies of the written sectors are updated on
 * success and dropped on failure (the disk's content is then unknown). */
static int cache_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    struct ds_cache *k = ctx;
    uint32_t ss = k->disk.sector_size;
    int r = k->disk.write(k->disk.ctx, lba, count, buf);
    for (unsigned i = 0; i < NCHUNKS; i++) {
        struct chunk *c = &k->c[i];
        if (c->lba == UINT64_MAX || lba >= c->lba + c->count || lba + count <= c->lba)
            continue;
        if (r < 0) {
            c->lba = UINT64_MAX;
            continue;
        }
        uint64_t from = lba > c->lba ? lba : c->lba;
        uint64_t to = lba + count < c->lba + c->count ? lba + count : c->lba + c->count;
        memcpy(c->data + (from - c->lba) * ss, (const uint8_t *)buf + (from - lba) * ss,
               (size_t)(to - from) * ss);
    }
    return r;
}

static int cache_flush(void *ctx)
{
    struct ds_cache *k = ctx;
    return k->disk.flush(k->disk.ctx);
}

int ds_cache_init(const struct blkdev *disk, struct blkdev *out)
{
    *out = *disk;
    struct ds_cache *k = kzalloc(sizeof(*k));
    if (!k)
        return -FAT_EIO;
    k->disk = *disk;
    k->chunk_sectors = CHUNK_BYTES / disk->sector_size;
    for (unsigned i = 0; i < NCHUNKS; i++) {
        k->c[i].lba = UINT64_MAX;
        if (!(k->c[i].data = kmalloc(CHUNK_BYTES))) {
            while (i-- > 0)
                kfree(k->c[i].data);
            kfree(k);
            return -FAT_EIO;
        }
    }
    out->ctx = k;
    out->read = cache_read;
    out->write = cache_write;
    out->flush = cache_flush;
    return 0;
}
