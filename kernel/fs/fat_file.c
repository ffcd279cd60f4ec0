/* Files: open, read, write, seek, truncate. Data written past the old end
 * goes into clusters that only the final directory-entry update makes part
 * of the file, so a cut mid-write leaves the old size (and at worst a chain
 * longer than the size, which fat_repair trims). Overwriting inside the old
 * size is in place and not atomic: fat_replace_file is the atomic path. */
#include "fs/fat_priv.h"
#include "lib/string.h"

#define BATCH 64

static uint32_t clusters_for(const struct fat_vol *v, uint64_t bytes)
{
    return (uint32_t)((bytes + v->cluster_size - 1) / v->cluster_size);
}

/* Writes src[0..len) (zero-padded to the sector) at the start of cluster c. */
static int put_cluster(struct fat_vol *v, uint32_t c, const uint8_t *src, uint32_t len)
{
    uint32_t full = len / v->sector_size, rest = len % v->sector_size;
    int r = 0;
    if (full)
        r = fatv_write(v, clus_lba(v, c), full, src);
    if (!r && rest) {
        memset(v->scratch, 0, v->sector_size);
        memcpy(v->scratch, src + (size_t)full * v->sector_size, rest);
        r = fatv_write(v, clus_lba(v, c) + full, 1, v->scratch);
    }
    return r;
}

/* Appends count clusters after tail (0: a new chain), batch by batch: each
 * batch is filled from src (if given), then linked tail first and ended with
 * EOC, then hung on the previous one. On failure everything allocated here
 * is released again. */
static int chain_extend(struct fat_vol *v, uint32_t tail, uint32_t count, const uint8_t *src,
                        uint32_t srclen, uint32_t *first, uint32_t *last)
{
    uint32_t cl[BATCH], done = 0, prev = tail, head = 0;
    int r = 0;
    if (count > v->free_clusters)
        return -FAT_ENOSPC;
    while (done < count) {
        uint32_t want = count - done < BATCH ? count - done : BATCH, got;
        if ((r = fat_find_free(v, want, cl, &got)))
            break;
        for (uint32_t i = 0; src && i < want; i++) {
            uint64_t off = (uint64_t)(done + i) * v->cluster_size;
            uint32_t n = off >= srclen ? 0 : srclen - off < v->cluster_size ? (uint32_t)(srclen - off) : v->cluster_size;
            if (n && (r = put_cluster(v, cl[i], src + off, n)))
                break;
        }
        if (r || (r = fat_mark_chain(v, cl, want, FAT_EOC)))
            break;
        if (!head)
            head = cl[0];
        if (prev && (r = fat_set(v, prev, cl[0])))
            break;
        prev = cl[want - 1];
        done += want;
    }
    if (r) {
        if (tail && head)
            fat_set(v, tail, FAT_EOC);
        if (head)
            fat_free_chain(v, head);
        return r;
    }
    *first = head;
    *last = prev;
    return 0;
}

int fatfile_fill(struct fat_vol *v, const void *data, uint32_t len, uint32_t *first)
{
    uint32_t last;
    *first = 0;
    if (!len)
        return 0;
    return chain_extend(v, 0, clusters_for(v, len), data, len, first, &last);
}

/* The map when f has one; else the cached position, walking forward from
 * it when idx is ahead (sequential access stays linear) and from the head
 * only when idx is behind. */
int fatfile_cluster(struct fat_file *f, uint32_t idx, uint32_t *c, uint32_t *run)
{
    struct fat_vol *v = f->vol;
    int r;
    if (idx >= f->nclus || !f->first_cluster)
        return -FAT_ECORRUPT;
    *run = 1;
    if (f->map_len) {
        uint32_t lo = 0, hi = f->map_len;
        while (hi - lo > 1) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (f->map[mid].index <= idx)
                lo = mid;
            else
                hi = mid;
        }
        const struct fat_extent *e = &f->map[lo];
        if (idx >= e->index && idx - e->index < e->count) {
            *c = e->cluster + (idx - e->index);
            *run = e->count - (idx - e->index);
            return 0;
        }
    }
    if (f->cur_cluster && idx == f->cur_index) {
        *c = f->cur_cluster;
        return 0;
    }
    uint32_t at = f->first_cluster, from = 0;
    if (f->cur_cluster && idx > f->cur_index) {
        at = f->cur_cluster;
        from = f->cur_index;
    }
    for (; from < idx; from++) {
        if ((r = fat_next(v, at, &at)))
            return r;
        if (!at)
            return -FAT_ECORRUPT;
    }
    f->cur_cluster = *c = at;
    f->cur_index = idx;
    return 0;
}

static int clus_for(struct fat_file *f, uint32_t idx, uint32_t *c)
{
    uint32_t run;
    return fatfile_cluster(f, idx, c, &run);
}

int fatfile_update_entry(struct fat_file *f)
{
    uint8_t ent[DIRENT_SIZE];
    int r = fatdir_read_sfn(f->vol, &f->loc, ent);
    if (r)
        return r;
    de_set_cluster(ent, f->first_cluster);
    wr32(ent + DE_SIZE, f->size);
    ent[DE_ATTR] |= FAT_ATTR_ARCH;
    fatdir_stamp(f->vol, ent, false);
    return fatdir_write_sfn(f->vol, &f->loc, ent);
}

int fat_open(struct fat_vol *v, const char *path, unsigned flags, struct fat_file *f)
{
    memset(f, 0, sizeof *f);
    bool wr = flags & (FAT_O_WRITE | FAT_O_CREAT | FAT_O_TRUNC);
    int r;
    if (wr && (r = fatv_writable(v)))
        return r;
    uint8_t ent[DIRENT_SIZE];
    bool is_root;
    r = fatdir_resolve(v, path, &f->loc, ent, &is_root);
    if (r == -FAT_ENOENT && (flags & FAT_O_CREAT)) {
        uint32_t dir;
        const char *name;
        size_t len;
        if ((r = fatdir_resolve_parent(v, path, &dir, &name, &len)))
            return r;
        memset(ent, 0, DIRENT_SIZE);
        ent[DE_ATTR] = FAT_ATTR_ARCH;
        fatdir_stamp(v, ent, true);
        if ((r = fatdir_create(v, dir, name, len, ent, 0, &f->loc, NULL)) || (r = fatv_barrier(v)))
            return r;
    } else if (r) {
        return r;
    } else if ((flags & FAT_O_CREAT) && (flags & FAT_O_EXCL)) {
        return -FAT_EEXIST;
    }
    if (is_root || (ent[DE_ATTR] & FAT_ATTR_DIR))
        return -FAT_EISDIR;
    f->vol = v;
    f->first_cluster = de_cluster(v, ent);
    f->size = rd32(ent + DE_SIZE);
    if (f->first_cluster && (r = fat_chain_len(v, f->first_cluster, &f->nclus)))
        return r;
    if ((uint64_t)f->nclus * v->cluster_size < f->size)
        return -FAT_ECORRUPT;          /* size claims more than the chain holds */
    f->open = true;
    f->writable = wr;
    if (flags & FAT_O_TRUNC && f->size && (r = fat_truncate(f, 0))) {
        f->open = false;
        return r;
    }
    return 0;
}

int64_t fat_read(struct fat_file *f, void *buf, size_t n)
{
    if (!f->open)
        return -FAT_EBADF;
    struct fat_vol *v = f->vol;
    uint8_t *out = buf;
    if (f->pos >= f->size)
        return 0;
    if (n > f->size - f->pos)
        n = f->size - f->pos;
    size_t done = 0;
    while (done < n) {
        uint32_t c, co = f->pos % v->cluster_size, so = co % v->sector_size;
        int r = clus_for(f, f->pos / v->cluster_size, &c);
        if (r)
            return r;
        uint64_t lba = clus_lba(v, c) + co / v->sector_size;
        size_t left = n - done;
        uint32_t chunk;
        if (so == 0 && left >= v->sector_size) {
            uint32_t secs = (v->cluster_size - co) / v->sector_size;
            if (secs > left / v->sector_size)
                secs = (uint32_t)(left / v->sector_size);
            if ((r = fatv_read(v, lba, secs, out + done)))
                return r;
            chunk = secs * v->sector_size;
        } else {
            chunk = v->sector_size - so;
            if (chunk > left)
                chunk = (uint32_t)left;
            if ((r = fatv_read(v, lba, 1, v->scratch)))
                return r;
            memcpy(out + done, v->scratch + so, chunk);
        }
        done += chunk;
        f->pos += chunk;
    }
    return (int64_t)done;
}

/* Writes n bytes of src (NULL: zeros) at off, allocating as needed, then
 * records the new size in the directory entry. */
static int write_span(struct fat_file *f, uint32_t off, const uint8_t *src, uint32_t n)
{
    struct fat_vol *v = f->vol;
    uint32_t need = clusters_for(v, (uint64_t)off + n);
    int r;
    if (need > f->nclus) {
        uint32_t tail = 0, first, last;
        if (f->nclus && (r = clus_for(f, f->nclus - 1, &tail)))
            return r;
        if ((r = chain_extend(v, tail, need - f->nclus, NULL, 0, &first, &last)))
            return r;
        if (!f->first_cluster)
            f->first_cluster = first;
        f->nclus = need;
        f->map = NULL;                  /* the chain changed */
        f->map_len = 0;
    }
    uint32_t old_size = f->size;
    for (uint32_t p = off; p < off + n;) {
        uint32_t c, co = p % v->cluster_size, so = co % v->sector_size;
        if ((r = clus_for(f, p / v->cluster_size, &c)))
            return r;
        uint64_t lba = clus_lba(v, c) + co / v->sector_size;
        uint32_t left = off + n - p, chunk;
        if (so == 0 && left >= v->sector_size && src) {
            uint32_t secs = (v->cluster_size - co) / v->sector_size;
            if (secs > left / v->sector_size)
                secs = left / v->sector_size;
            r = fatv_write(v, lba, secs, src + (p - off));
            chunk = secs * v->sector_size;
        } else {
            chunk = v->sector_size - so < left ? v->sector_size - so : left;
            bool whole = so == 0 && chunk == v->sector_size;
            if (whole || p - so >= old_size)
                memset(v->scratch, 0, v->sector_size);   /* nothing old to keep */
            else if ((r = fatv_read(v, lba, 1, v->scratch)))
                return r;
            if (src)
                memcpy(v->scratch + so, src + (p - off), chunk);
            else
                memset(v->scratch + so, 0, chunk);
            r = fatv_write(v, lba, 1, v->scratch);
        }
        if (r)
            return r;
        p += chunk;
    }
    if (off + n > f->size)
        f->size = off + n;
    /* The data must be on disk before the entry that makes it visible. */
    if ((r = fatv_barrier(v)))
        return r;
    return fatfile_update_entry(f);
}

int64_t fat_write(struct fat_file *f, const void *buf, size_t n)
{
    if (!f->open || !f->writable)
        return -FAT_EBADF;
    if (n == 0)
        return 0;
    if ((uint64_t)f->pos + n > 0xFFFFFFFFu)
        return -FAT_EFBIG;
    int r;
    if (f->pos > f->size && (r = write_span(f, f->size, NULL, f->pos - f->size)))
        return r;
    if ((r = write_span(f, f->pos, buf, (uint32_t)n)))
        return r;
    f->pos += (uint32_t)n;
    return (int64_t)n;
}

int64_t fat_seek(struct fat_file *f, int64_t off, int whence)
{
    if (!f->open)
        return -FAT_EBADF;
    int64_t base = -1;
    if (whence == FAT_SEEK_SET)
        base = 0;
    else if (whence == FAT_SEEK_CUR)
        base = f->pos;
    else if (whence == FAT_SEEK_END)
        base = f->size;
    if (base < 0 || off > 0xFFFFFFFFll || off < -0xFFFFFFFFll)
        return -FAT_EINVAL;
    int64_t p = base + off;
    if (p < 0 || p > 0xFFFFFFFFll)
        return -FAT_EINVAL;
    f->pos = (uint32_t)p;
    return p;
}

/* Shrinking writes the smaller size first, then cuts and frees the chain:
 * a cut in between leaves a chain longer than the size, which fsck.fat and
 * fat_repair both resolve to the new size. */
int fat_truncate(struct fat_file *f, uint32_t size)
{
    if (!f->open || !f->writable)
        return -FAT_EBADF;
    struct fat_vol *v = f->vol;
    if (size > f->size)
        return write_span(f, f->size, NULL, size - f->size);
    uint32_t need = clusters_for(v, size), old_first = f->first_cluster, keep_last = 0;
    int r;
    if (need && need < f->nclus && (r = clus_for(f, need - 1, &keep_last)))
        return r;
    f->size = size;
    if (need == 0)
        f->first_cluster = 0;
    if ((r = fatfile_update_entry(f)))
        return r;
    if (need < f->nclus) {
        if ((r = fatv_barrier(v)))
            return r;
        uint32_t rest = old_first;
        if (keep_last) {
            if ((r = fat_next(v, keep_last, &rest)) || (r = fat_set(v, keep_last, FAT_EOC)))
                return r;
        }
        f->nclus = need;
        f->cur_cluster = 0;
        f->map = NULL;
        f->map_len = 0;
        if (rest && (r = fat_free_chain(v, rest)))
            return r;
    }
    return fatv_barrier(v);
}

int fat_close(struct fat_file *f)
{
    if (!f->open)
        return -FAT_EBADF;
    int r = f->modified ? fat_fsync(f) : 0;
    f->open = false;
    if (f->writable) {
        int e = fatv_end_op(f->vol);
        r = r ? r : e;
    }
    return r;
}
