/* The file allocation table: entry access through a one-sector write-back
 * cache, chain walking with loop and range checks, allocation and freeing.
 *
 * Ordering rules kept here (docs/fat.md): a FAT sector is written to copy 0
 * before the other copies; chains are linked tail first, so no written entry
 * ever points at a cluster that is still free on disk; chains are freed
 * head first, so what remains after a cut is unreferenced (lost) clusters. */
#include "fs/fat_priv.h"
#include "lib/string.h"

#define BATCH 64

static uint32_t entry_bytes(const struct fat_vol *v) { return v->type == FAT_TYPE_32 ? 4 : 2; }

int fat_commit(struct fat_vol *v)
{
    if (!v->fcache_dirty)
        return 0;
    v->fcache_dirty = false;   /* before writing: fatv_write commits too */
    for (uint32_t k = 0; k < v->nfats; k++) {
        uint64_t lba = v->fcache_lba + (uint64_t)k * v->fat_sectors;
        if (v->dev->write(v->dev->ctx, lba, 1, v->fcache)) {
            v->fcache_lba = UINT64_MAX;  /* disk state unknown: reread */
            return -FAT_EIO;
        }
    }
    return 0;
}

static int fcache_load(struct fat_vol *v, uint32_t c, uint8_t **p)
{
    uint64_t off = (uint64_t)c * entry_bytes(v);
    uint64_t lba = v->fat_lba + off / v->sector_size;
    if (lba != v->fcache_lba) {
        int r = fat_commit(v);
        if (r)
            return r;
        v->fcache_lba = UINT64_MAX;
        if ((r = fatv_read(v, lba, 1, v->fcache)))
            return r;
        v->fcache_lba = lba;
    }
    *p = v->fcache + off % v->sector_size;
    return 0;
}

/* Values come back normalized: FAT16 end/bad marks look like FAT32 ones. */
int fat_get(struct fat_vol *v, uint32_t c, uint32_t *val)
{
    if (c > v->cluster_count + 1)
        return -FAT_ECORRUPT;
    uint8_t *p;
    int r = fcache_load(v, c, &p);
    if (r)
        return r;
    if (v->type == FAT_TYPE_32) {
        *val = rd32(p) & 0x0FFFFFFFu;
    } else {
        uint32_t x = rd16(p);
        *val = x >= 0xFFF8 ? FAT_EOC : x == 0xFFF7 ? FAT_BAD : x;
    }
    return 0;
}

int fat_set(struct fat_vol *v, uint32_t c, uint32_t val)
{
    if (!clus_valid(v, c))
        return -FAT_ECORRUPT;
    int r = fatv_mark_dirty(v);
    uint8_t *p;
    if (r || (r = fcache_load(v, c, &p)))
        return r;
    if (v->type == FAT_TYPE_32)
        wr32(p, (rd32(p) & 0xF0000000u) | (val & 0x0FFFFFFFu));  /* top bits reserved */
    else
        wr16(p, (uint16_t)(val >= 0x0FFFFFF8u ? 0xFFFF : val));
    v->fcache_dirty = true;
    return 0;
}

int fat_next(struct fat_vol *v, uint32_t c, uint32_t *next)
{
    uint32_t x;
    int r = fat_get(v, c, &x);
    if (r)
        return r;
    if (x >= 0x0FFFFFF8u) {
        *next = 0;
        return 0;
    }
    if (!clus_valid(v, x))   /* free, bad, reserved or out of range */
        return -FAT_ECORRUPT;
    *next = x;
    return 0;
}

/* A chain longer than the cluster count must contain a loop. */
int fat_chain_len(struct fat_vol *v, uint32_t first, uint32_t *len)
{
    uint32_t n = 0;
    for (uint32_t c = first; c; n++) {
        if (n >= v->cluster_count || !clus_valid(v, c))
            return -FAT_ECORRUPT;
        int r = fat_next(v, c, &c);
        if (r)
            return r;
    }
    *len = n;
    return 0;
}

int fat_chain_at(struct fat_vol *v, uint32_t first, uint32_t index, uint32_t *c)
{
    if (!clus_valid(v, first) || index >= v->cluster_count)
        return -FAT_ECORRUPT;
    uint32_t cur = first;
    for (uint32_t i = 0; i < index; i++) {
        int r = fat_next(v, cur, &cur);
        if (r)
            return r;
        if (!cur)
            return -FAT_ECORRUPT;
    }
    *c = cur;
    return 0;
}

/* Finds up to want free clusters without claiming them, starting at the
 * allocation hint, so the caller can fill them before they are linked. */
int fat_find_free(struct fat_vol *v, uint32_t want, uint32_t *out, uint32_t *got)
{
    uint32_t n = 0, c = clus_valid(v, v->next_free) ? v->next_free : 2;
    for (uint32_t seen = 0; seen < v->cluster_count && n < want; seen++) {
        uint32_t x;
        int r = fat_get(v, c, &x);
        if (r)
            return r;
        if (x == 0)
            out[n++] = c;
        c = c + 1 > v->cluster_count + 1 ? 2 : c + 1;
    }
    *got = n;
    return n == want ? 0 : -FAT_ENOSPC;
}

/* Links cl[0..n) into a chain whose last entry becomes last_val (FAT_EOC or
 * a cluster already in use), writing from the tail towards the head. */
int fat_mark_chain(struct fat_vol *v, const uint32_t *cl, uint32_t n, uint32_t last_val)
{
    for (uint32_t i = n; i-- > 0;) {
        int r = fat_set(v, cl[i], i + 1 < n ? cl[i + 1] : last_val);
        if (r)
            return r;
    }
    if (n) {
        v->free_clusters -= n;
        v->next_free = cl[n - 1] + 1 > v->cluster_count + 1 ? 2 : cl[n - 1] + 1;
    }
    return 0;
}

int fat_free_chain(struct fat_vol *v, uint32_t first)
{
    uint32_t c = first;
    for (uint32_t n = 0; c; n++) {
        if (n >= v->cluster_count || !clus_valid(v, c))
            return -FAT_ECORRUPT;
        uint32_t next;
        int r = fat_next(v, c, &next);
        if (r)
            return r;
        if ((r = fat_set(v, c, 0)))
            return r;
        v->free_clusters++;
        c = next;
    }
    return 0;
}

int fat_count_free(struct fat_vol *v, uint32_t *free_out)
{
    uint32_t n = 0;
    for (uint32_t c = 2; c < v->cluster_count + 2; c++) {
        uint32_t x;
        int r = fat_get(v, c, &x);
        if (r)
            return r;
        n += x == 0;
    }
    *free_out = n;
    return 0;
}

int fat_zero_cluster(struct fat_vol *v, uint32_t c)
{
    memset(v->scratch, 0, v->sector_size);
    for (uint32_t i = 0; i < v->sec_per_clus; i++) {
        int r = fatv_write(v, clus_lba(v, c) + i, 1, v->scratch);
        if (r)
            return r;
    }
    return 0;
}
