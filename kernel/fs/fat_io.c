/* Positional I/O on an open file (fat.h): what a VM's disk image needs.
 * The handle lives as long as the VM and overwrites in place, so nothing
 * here allocates or touches the FAT; only fat_fsync writes metadata (the
 * modification time). */
#include "fs/fat_priv.h"
#include "lib/string.h"

/* Sectors per device command: keeps count * sector size well inside
 * 32 bits for drivers that multiply it out. */
#define MAX_CMD_SECTORS 8192u

/* Moves n bytes at off between the file and rbuf (read) or wbuf (write).
 * Spans of whole sectors go straight between the caller's buffer and the
 * disk, as far as the clusters are consecutive on disk; a partial sector
 * goes through v->scratch (read, merge, write back). */
static int move(struct fat_file *f, uint64_t off, uint8_t *rbuf, const uint8_t *wbuf, size_t n)
{
    struct fat_vol *v = f->vol;
    uint32_t cs = v->cluster_size, ss = v->sector_size;
    size_t done = 0;
    while (done < n) {
        uint64_t p = off + done;
        uint32_t c, run, co = (uint32_t)(p % cs), so = co % ss;
        int r = fatfile_cluster(f, (uint32_t)(p / cs), &c, &run);
        if (r)
            return r;
        uint64_t lba = clus_lba(v, c) + co / ss;
        size_t left = n - done, chunk;
        if (so == 0 && left >= ss) {
            uint64_t span = (uint64_t)run * cs - co;     /* consecutive bytes on disk */
            uint64_t secs = (span < left ? span : left) / ss;
            if (secs > MAX_CMD_SECTORS)
                secs = MAX_CMD_SECTORS;
            r = wbuf ? fatv_write(v, lba, (uint32_t)secs, wbuf + done)
                     : fatv_read(v, lba, (uint32_t)secs, rbuf + done);
            chunk = (size_t)secs * ss;
        } else {
            chunk = ss - so < left ? ss - so : left;
            if ((r = fatv_read(v, lba, 1, v->scratch)))
                return r;
            if (wbuf) {
                memcpy(v->scratch + so, wbuf + done, chunk);
                r = fatv_write(v, lba, 1, v->scratch);
            } else {
                memcpy(rbuf + done, v->scratch + so, chunk);
            }
        }
        if (r)
            return r;
        done += chunk;
    }
    return 0;
}

static int in_file(const struct fat_file *f, uint64_t off, size_t n)
{
    if (!f->open)
        return -FAT_EBADF;
    if (off > f->size || n > f->size - off)
        return -FAT_ERANGE;
    return 0;
}

int fat_pread(struct fat_file *f, uint64_t off, void *buf, size_t n)
{
    int r = in_file(f, off, n);
    return r ? r : move(f, off, buf, NULL, n);
}

int fat_pwrite(struct fat_file *f, uint64_t off, const void *buf, size_t n)
{
    int r = in_file(f, off, n);
    if (r)
        return r;
    if (!f->writable)
        return -FAT_EBADF;
    if (n == 0)
        return 0;
    f->modified = true;     /* even when it fails half-way: some may be on disk */
    return move(f, off, NULL, buf, n);
}

int fat_fsync(struct fat_file *f)
{
    if (!f->open)
        return -FAT_EBADF;
    if (f->modified) {
        int r = fatfile_update_entry(f);
        if (r)
            return r;
        f->modified = false;
    }
    return fatv_barrier(f->vol);
}

int fat_extents(struct fat_file *f, struct fat_extent *ext, uint32_t max, uint32_t *n)
{
    *n = 0;
    if (!f->open)
        return -FAT_EBADF;
    struct fat_extent cur = { 0, 0, 0 };
    uint32_t k = 0, c = f->first_cluster;
    for (uint32_t i = 0; i < f->nclus; i++) {
        if (!c)
            return -FAT_ECORRUPT;          /* shorter than at open */
        if (cur.count && cur.cluster + cur.count == c) {
            cur.count++;
        } else {
            if (cur.count && k++ < max)
                ext[k - 1] = cur;
            cur = (struct fat_extent){ i, c, 1 };
        }
        int r = fat_next(f->vol, c, &c);
        if (r)
            return r;
    }
    if (cur.count && k++ < max)
        ext[k - 1] = cur;
    *n = k;
    return k > max ? -FAT_ENOSPC : 0;
}

void fat_set_map(struct fat_file *f, const struct fat_extent *map, uint32_t n)
{
    /* A map that does not end at the chain's end is not this file's. */
    if (n && map[n - 1].index + map[n - 1].count != f->nclus)
        n = 0;
    f->map = n ? map : NULL;
    f->map_len = n;
}
