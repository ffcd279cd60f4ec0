/* Mounting a FAT volume: the boot sector (BPB), geometry checks, FSInfo,
 * and the device-access helpers every other fat_*.c goes through. */
#include "fs/fat_priv.h"
#include "lib/string.h"

static const char *const fat_errs[FAT_ERRMAX] = {
    [0] = "success",
    [FAT_EIO] = "disk I/O error",
    [FAT_ENOENT] = "no such file or directory",
    [FAT_EEXIST] = "file exists",
    [FAT_ENOSPC] = "no space left on volume",
    [FAT_ECORRUPT] = "filesystem structure is corrupt",
    [FAT_EINVAL] = "invalid argument or name",
    [FAT_ENOTDIR] = "not a directory",
    [FAT_EISDIR] = "is a directory",
    [FAT_ENAMETOOLONG] = "name too long",
    [FAT_ENOTEMPTY] = "directory not empty",
    [FAT_EROFS] = "volume is read-only",
    [FAT_EUNSUPPORTED] = "unsupported FAT variant (FAT12 or odd geometry)",
    [FAT_EFBIG] = "file too large for FAT",
    [FAT_EBADF] = "file not open for this operation",
    [FAT_ERANGE] = "beyond the end of the file",
};

const char *fat_strerror(int err)
{
    if (err < 0)
        err = -err;
    if (err >= FAT_ERRMAX)
        return "unknown FAT error";
    return fat_errs[err];
}

int fatv_read(struct fat_vol *v, uint64_t lba, uint32_t count, void *buf)
{
    if (lba + count > v->dev->sector_count)
        return -FAT_ECORRUPT;
    return v->dev->read(v->dev->ctx, lba, count, buf) ? -FAT_EIO : 0;
}

int fatv_write(struct fat_vol *v, uint64_t lba, uint32_t count, const void *buf)
{
    if (v->readonly)
        return -FAT_EROFS;
    int r = fat_commit(v);
    if (r)
        return r;
    if (lba + count > v->dev->sector_count)
        return -FAT_ECORRUPT;
    /* Keep the directory cache coherent with what we write around it. */
    if (v->dcache_lba >= lba && v->dcache_lba < lba + count)
        v->dcache_lba = UINT64_MAX;
    return v->dev->write(v->dev->ctx, lba, count, buf) ? -FAT_EIO : 0;
}

int fatv_barrier(struct fat_vol *v)
{
    int r = fat_commit(v);
    if (r)
        return r;
    return v->dev->flush(v->dev->ctx) ? -FAT_EIO : 0;
}

int fatv_writable(struct fat_vol *v)
{
    return v->readonly ? -FAT_EROFS : 0;
}

uint32_t fatv_now(struct fat_vol *v)
{
    if (v->clock)
        return v->clock();
    /* No clock yet: 2025-01-01 00:00:00. */
    return (uint32_t)(((2025 - 1980) << 9 | 1 << 5 | 1) << 16);
}

static int fsinfo_write(struct fat_vol *v, uint32_t free_count)
{
    uint8_t *s = v->scratch;
    int r = fatv_read(v, v->fsinfo_lba, 1, s);
    if (r)
        return r;
    wr32(s + 488, free_count);
    wr32(s + 492, free_count == 0xFFFFFFFFu ? 0xFFFFFFFFu : v->next_free);
    return fatv_write(v, v->fsinfo_lba, 1, s);
}

/* Before the first FAT change, FSInfo's free count is declared unknown
 * (fsck.fat and other systems then recount); fatv_end_op writes the true
 * value once the FAT is consistent again. A cut in between leaves
 * "unknown", which is valid, never a wrong number. */
int fatv_mark_dirty(struct fat_vol *v)
{
    if (!v->fsinfo_lba || v->fsinfo_unknown_on_disk)
        return 0;
    int r = fsinfo_write(v, 0xFFFFFFFFu);
    if (r)
        return r;
    r = fatv_barrier(v);
    if (!r)
        v->fsinfo_unknown_on_disk = true;
    return r;
}

int fatv_end_op(struct fat_vol *v)
{
    int r = fatv_barrier(v);
    if (r || !v->fsinfo_lba || !v->fsinfo_unknown_on_disk)
        return r;
    r = fsinfo_write(v, v->free_clusters);
    if (r)
        return r;
    v->fsinfo_unknown_on_disk = false;
    return fatv_barrier(v);
}

static bool pow2(uint32_t x) { return x && !(x & (x - 1)); }

/* Checks every BPB field we rely on against the FAT specification and the
 * device; fills the geometry in v. */
static int parse_bpb(struct fat_vol *v, const uint8_t *b)
{
    uint32_t ss = rd16(b + 11), spc = b[13], rsvd = rd16(b + 14), nfats = b[16];
    uint32_t rootent = rd16(b + 17), tot16 = rd16(b + 19), fat16sz = rd16(b + 22);
    uint32_t tot32 = rd32(b + 32), fat32sz = rd32(b + 36);

    if (b[510] != 0x55 || b[511] != 0xAA)
        return -FAT_ECORRUPT;
    if (b[0] != 0xEB && b[0] != 0xE9)
        return -FAT_ECORRUPT;
    if (ss != v->dev->sector_size || ss < 512 || ss > FAT_SECTOR_MAX || !pow2(ss))
        return -FAT_ECORRUPT;
    if (!pow2(spc) || spc > 128 || spc * ss > 65536 || rsvd == 0 || nfats < 1 || nfats > 4)
        return -FAT_ECORRUPT;
    uint32_t total = tot16 ? tot16 : tot32;
    uint32_t fatsz = fat16sz ? fat16sz : fat32sz;
    if (total == 0 || fatsz == 0 || total > v->dev->sector_count)
        return -FAT_ECORRUPT;
    if ((uint64_t)rootent * DIRENT_SIZE % ss)
        return -FAT_ECORRUPT;
    uint32_t root_secs = rootent * DIRENT_SIZE / ss;
    uint64_t meta = (uint64_t)rsvd + (uint64_t)nfats * fatsz + root_secs;
    if (meta >= total)
        return -FAT_ECORRUPT;
    uint32_t clusters = (uint32_t)((total - meta) / spc);

    v->sector_size = ss;
    v->sec_per_clus = spc;
    v->cluster_size = ss * spc;
    v->fat_lba = rsvd;
    v->fat_sectors = fatsz;
    v->nfats = nfats;
    v->root_lba = (uint32_t)(rsvd + nfats * fatsz);
    v->root_entries = rootent;
    v->data_lba = (uint32_t)meta;
    v->cluster_count = clusters;

    /* FAT32 has no 16-bit FAT size (as Linux and dosfstools decide: mkfs.fat
     * makes small FAT32 volumes below Microsoft's cluster-count threshold). */
    if (fat16sz) {
        if (clusters < 4085)
            return -FAT_EUNSUPPORTED;   /* FAT12 */
        v->type = FAT_TYPE_16;
        if (clusters > 65524 || !rootent || (uint64_t)fatsz * ss < (uint64_t)(clusters + 2) * 2)
            return -FAT_ECORRUPT;
        return 0;
    }
    v->type = FAT_TYPE_32;
    if (clusters > 0x0FFFFFF5u - 1 || rootent || tot16)
        return -FAT_ECORRUPT;
    if ((uint64_t)fatsz * ss < (uint64_t)(clusters + 2) * 4)
        return -FAT_ECORRUPT;
    if (rd16(b + 42) != 0)            /* FAT32 version 0.0 only */
        return -FAT_EUNSUPPORTED;
    if (rd16(b + 40) & 0x80)          /* mirroring off: one active FAT */
        return -FAT_EUNSUPPORTED;
    v->root_cluster = rd32(b + 44);
    if (!clus_valid(v, v->root_cluster))
        return -FAT_ECORRUPT;
    uint32_t fsi = rd16(b + 48);
    v->fsinfo_lba = (fsi && fsi != 0xFFFF && fsi < rsvd) ? fsi : 0;
    return 0;
}

static int check_fsinfo(struct fat_vol *v)
{
    if (!v->fsinfo_lba)
        return 0;
    uint8_t *s = v->scratch;
    int r = fatv_read(v, v->fsinfo_lba, 1, s);
    if (r)
        return r;
    if (rd32(s) != 0x41615252u || rd32(s + 484) != 0x61417272u || rd32(s + 508) != 0xAA550000u) {
        v->fsinfo_lba = 0;   /* not an FSInfo sector: never write it */
        return 0;
    }
    /* fat_mount trusts a plausible count; 0xFFFFFFFF makes it recount. */
    v->free_clusters = rd32(s + 488);
    uint32_t hint = rd32(s + 492);
    if (clus_valid(v, hint))
        v->next_free = hint;
    return 0;
}

/* A cut between writing FAT copy 0 and copy 1 leaves them different; copy 0
 * is always the newer one (fat_commit writes it first), so copy it over. */
static int repair_fat_copies(struct fat_vol *v)
{
    for (uint32_t i = 0; i < v->fat_sectors; i++) {
        int r = fatv_read(v, v->fat_lba + i, 1, v->dcache);
        v->dcache_lba = UINT64_MAX;
        if (r)
            return r;
        for (uint32_t k = 1; k < v->nfats; k++) {
            uint64_t lba = v->fat_lba + (uint64_t)k * v->fat_sectors + i;
            if ((r = fatv_read(v, lba, 1, v->scratch)))
                return r;
            if (memcmp(v->dcache, v->scratch, v->sector_size) &&
                (r = v->dev->write(v->dev->ctx, lba, 1, v->dcache) ? -FAT_EIO : 0))
                return r;
        }
    }
    return v->dev->flush(v->dev->ctx) ? -FAT_EIO : 0;
}

int fat_mount(struct fat_vol *v, const struct blkdev *dev, bool readonly)
{
    memset(v, 0, sizeof *v);
    v->dev = dev;
    v->readonly = readonly;
    v->fcache_lba = v->dcache_lba = UINT64_MAX;
    if (!dev || !dev->read || !dev->write || !dev->flush || dev->sector_count == 0)
        return -FAT_EINVAL;
    if (dev->sector_size < 512 || dev->sector_size > FAT_SECTOR_MAX || !pow2(dev->sector_size))
        return -FAT_EUNSUPPORTED;
    int r = fatv_read(v, 0, 1, v->scratch);
    if (r)
        return r;
    if ((r = parse_bpb(v, v->scratch)))
        return r;
    v->next_free = 2;
    if ((r = check_fsinfo(v)))
        return r;
    uint32_t fat0;
    if ((r = fat_get(v, 0, &fat0)))
        return r;
    /* Every FAT change first marks FSInfo's free count unknown and writes
     * the real count only when the change is complete (fatv_end_op).  A
     * plausible count therefore means the last writer finished: the FAT
     * copies agree and no temporary file is left, and the whole-FAT passes
     * below (minutes on a slow disk path for a large volume) are skipped,
     * as Linux does.  A count that another system left stale only skews
     * the free-space figure; allocation always reads the FAT itself. */
    if (v->fsinfo_lba && v->free_clusters <= v->cluster_count)
        return 0;
    if (!readonly && v->nfats > 1 && (r = repair_fat_copies(v)))
        return r;
    uint32_t on_disk = v->free_clusters;
    if ((r = fat_count_free(v, &v->free_clusters)))
        return r;
    v->fsinfo_unknown_on_disk = on_disk != v->free_clusters;
    if (!readonly) {
        if ((r = fat_cleanup_temps(v)))
            return r;
        if ((r = fatv_end_op(v)))
            return r;
    }
    return 0;
}

int fat_sync(struct fat_vol *v)
{
    if (v->readonly)
        return 0;
    return fatv_end_op(v);
}

int fat_unmount(struct fat_vol *v)
{
    int r = fat_sync(v);
    v->dev = NULL;
    return r;
}

void fat_set_clock(struct fat_vol *v, uint32_t (*clock)(void))
{
    v->clock = clock;
}

int fat_statfs(struct fat_vol *v, struct fat_statfs *st)
{
    st->type = v->type;
    st->cluster_size = v->cluster_size;
    st->cluster_count = v->cluster_count;
    st->free_clusters = v->free_clusters;
    return 0;
}
