/* Atomic file replacement, and the mount-time cleanup of what an
 * interrupted one (or any interrupted allocation) leaves behind.
 *
 * fat_replace_file order (each arrow a device flush):
 *   temp entry (8.3 only, empty) -> data clusters written, then chained
 *   -> temp entry gets cluster+size -> old entry takes the new chain and
 *   the temp entry goes (one sector write when they share a sector)
 *   -> old chain freed -> FSInfo.
 * Temp files are named ~HVnnnnn.TMP, hidden+system; fat_mount deletes any
 * it finds, so the target always reads as its old or its new content. */
#include "fs/fat_priv.h"
#include "lib/string.h"

#define TEMP_ATTR (FAT_ATTR_HIDDEN | FAT_ATTR_SYSTEM | FAT_ATTR_ARCH)

static bool is_temp(const struct fat_dirloc *loc, const uint8_t *e)
{
    if (loc->first_slot != loc->sfn_slot || (e[DE_ATTR] & 0x1F) != (TEMP_ATTR & 0x1F))
        return false;
    if (memcmp(e, "~HV", 3) || memcmp(e + 8, "TMP", 3))
        return false;
    for (int i = 3; i < 8; i++)
        if (e[i] < '0' || e[i] > '9')
            return false;
    return true;
}

static int make_temp(struct fat_vol *v, uint32_t dir, uint32_t reserve, struct fat_dirloc *loc)
{
    uint8_t proto[DIRENT_SIZE];
    memset(proto, 0, DIRENT_SIZE);
    proto[DE_ATTR] = TEMP_ATTR;
    fatdir_stamp(v, proto, true);
    for (int tries = 0; tries < 1000; tries++) {
        char name[13] = "~HV00000.TMP";
        uint32_t n = v->temp_seq++ % 100000;
        for (int i = 7; i >= 3; i--, n /= 10)
            name[i] = (char)('0' + n % 10);
        int r = fatdir_create(v, dir, name, 12, proto, reserve, loc, NULL);
        if (r != -FAT_EEXIST)
            return r;
    }
    return -FAT_EEXIST;
}

int fat_replace_file(struct fat_vol *v, const char *path, const void *data, uint32_t len)
{
    uint32_t dir, first;
    const char *name;
    size_t nlen;
    int r = fatv_writable(v);
    if (r || (r = fatdir_resolve_parent(v, path, &dir, &name, &nlen)))
        return r;
    if (nlen == 0)
        return -FAT_EISDIR;
    if (nlen > FAT_NAME_MAX)
        return -FAT_ENAMETOOLONG;
    if (!fatname_valid(name, nlen))
        return -FAT_EINVAL;
    struct fat_dirloc tloc, tmp;
    uint8_t tent[DIRENT_SIZE];
    r = fatdir_lookup(v, dir, name, nlen, &tloc, tent);
    bool exists = r == 0;
    if (r && r != -FAT_ENOENT)
        return r;
    if (exists && (tent[DE_ATTR] & FAT_ATTR_DIR))
        return -FAT_EISDIR;
    uint32_t old = exists ? de_cluster(v, tent) : 0;
    if (old && !clus_valid(v, old))
        return -FAT_ECORRUPT;
    int nl = exists ? 0 : fatlfn_count(name, nlen);
    if (nl < 0)
        return nl;
    if ((uint32_t)(nl + 1) * DIRENT_SIZE > v->sector_size)
        return -FAT_ENAMETOOLONG;

    /* A new file reserves its long-name slots in front of the temp entry,
     * so the final rename is one sector write. */
    if ((r = make_temp(v, dir, (uint32_t)nl, &tmp)) || (r = fatv_barrier(v)))
        return r;
    uint8_t e[DIRENT_SIZE];
    if ((r = fatfile_fill(v, data, len, &first)) || (r = fatv_barrier(v)))
        goto drop_temp;
    if ((r = fatdir_read_sfn(v, &tmp, e)))
        goto drop_temp;
    de_set_cluster(e, first);
    wr32(e + DE_SIZE, len);
    if ((r = fatdir_write_sfn(v, &tmp, e)) || (r = fatv_barrier(v)))
        goto drop_temp;

    if (!exists) {
        e[DE_ATTR] = FAT_ATTR_ARCH;
        if ((r = fatdir_create(v, dir, name, nlen, e, 0, &tloc, &tmp)))
            goto drop_temp;
        return fatv_end_op(v);
    }
    de_set_cluster(tent, first);
    wr32(tent + DE_SIZE, len);
    tent[DE_ATTR] |= FAT_ATTR_ARCH;
    fatdir_stamp(v, tent, false);
    if (tmp.sfn_lba == tloc.sfn_lba) {
        if ((r = fatdir_swap(v, &tmp, &tloc, tent)) || (r = fatv_barrier(v)))
            return r;
    } else {
        /* Temp entry first: in between, the new chain is merely lost. */
        if ((r = fatdir_remove(v, &tmp)) || (r = fatv_barrier(v)))
            return r;
        if ((r = fatdir_write_sfn(v, &tloc, tent)) || (r = fatv_barrier(v)))
            return r;
    }
    if (old && (r = fat_free_chain(v, old)))
        return r;
    return fatv_end_op(v);

drop_temp:
    if (!fatdir_read_sfn(v, &tmp, e) && !fatdir_remove(v, &tmp) && !fatv_barrier(v)) {
        uint32_t c = de_cluster(v, e);
        if (c)
            fat_free_chain(v, c);
    }
    fatv_end_op(v);
    return r;
}

/* Depth-first walk over every directory, bounded in depth and in the number
 * of directories, so a hostile image with directory loops terminates. */
struct walk {
    int (*fn)(struct fat_vol *v, struct walk *w, const struct fat_dirloc *loc, uint8_t *ent);
    uint32_t dirs_left;
    uint8_t *bitmap;
};

static int walk_dir(struct fat_vol *v, struct walk *w, uint32_t dir, int depth)
{
    if (depth > MAX_DEPTH || w->dirs_left == 0)
        return -FAT_ECORRUPT;
    w->dirs_left--;
    char name[4];                      /* names are not needed, only entries */
    struct fat_dirloc loc;
    uint8_t ent[DIRENT_SIZE];
    for (uint32_t slot = 0;;) {
        int r = fatdir_next(v, dir, &slot, name, sizeof name, &loc, ent);
        if (r)
            return r == 1 ? 0 : r;
        if (ent[0] == '.')
            continue;                  /* "." and ".."; no other 8.3 name starts so */
        if ((r = w->fn(v, w, &loc, ent)) < 0)
            return r;
        uint32_t sub;
        if (r == 1 && (r = fatdir_of_entry(v, ent, &sub)) == 0 && sub != fatdir_root(v))
            r = walk_dir(v, w, sub, depth + 1);
        if (r < 0)
            return r;
    }
}

static int cleanup_one(struct fat_vol *v, struct walk *w, const struct fat_dirloc *loc, uint8_t *ent)
{
    (void)w;
    if (ent[DE_ATTR] & FAT_ATTR_DIR)
        return 1;
    if (!is_temp(loc, ent))
        return 0;
    uint32_t c = de_cluster(v, ent);
    int r = fatdir_remove(v, loc);
    if (r || (r = fatv_barrier(v)))
        return r;
    /* A chain we cannot follow stays allocated: fat_repair frees it. */
    if (c && clus_valid(v, c))
        fat_free_chain(v, c);
    return 0;
}

int fat_cleanup_temps(struct fat_vol *v)
{
    struct walk w = { cleanup_one, v->cluster_count + 1, NULL };
    return walk_dir(v, &w, fatdir_root(v), 0);
}

static bool bit_test_set(uint8_t *bm, uint32_t c)
{
    bool was = bm[c / 8] & (1u << (c % 8));
    bm[c / 8] |= (uint8_t)(1u << (c % 8));
    return was;
}

/* Marks the clusters an entry owns; a file's chain is cut after the
 * clusters its size needs (the rest is then swept as unused). */
static int mark_entry(struct fat_vol *v, struct walk *w, const struct fat_dirloc *loc, uint8_t *ent)
{
    bool is_dir = ent[DE_ATTR] & FAT_ATTR_DIR;
    uint32_t c = de_cluster(v, ent), size = rd32(ent + DE_SIZE);
    uint32_t need = is_dir ? UINT32_MAX : (uint32_t)(((uint64_t)size + v->cluster_size - 1) / v->cluster_size);
    int r;
    if (c && !is_dir && need == 0) {
        de_set_cluster(ent, 0);        /* empty file holding a cluster */
        return fatdir_write_sfn(v, loc, ent);
    }
    for (uint32_t n = 0; c; n++) {
        if (!clus_valid(v, c) || bit_test_set(w->bitmap, c))
            return -FAT_ECORRUPT;      /* cross-linked or looped: not ours to fix */
        uint32_t next;
        if ((r = fat_next(v, c, &next)))
            return r;
        if (n + 1 == need && next) {
            if ((r = fat_set(v, c, FAT_EOC)))
                return r;
            break;
        }
        if (!next && n + 1 < need && need != UINT32_MAX)
            return -FAT_ECORRUPT;      /* size larger than the chain */
        c = next;
    }
    return is_dir;
}

size_t fat_repair_bitmap_size(const struct fat_vol *v)
{
    return (v->cluster_count + 2 + 7) / 8;
}

int fat_repair(struct fat_vol *v, uint8_t *bitmap, size_t bitmap_len)
{
    int r = fatv_writable(v);
    if (r)
        return r;
    if (bitmap_len < fat_repair_bitmap_size(v))
        return -FAT_EINVAL;
    memset(bitmap, 0, fat_repair_bitmap_size(v));
    struct walk w = { mark_entry, v->cluster_count + 1, bitmap };
    if (v->type == FAT_TYPE_32) {
        uint8_t root[DIRENT_SIZE];
        memset(root, 0, DIRENT_SIZE);
        root[DE_ATTR] = FAT_ATTR_DIR;
        de_set_cluster(root, v->root_cluster);
        struct fat_dirloc none = { 0 };
        if ((r = mark_entry(v, &w, &none, root)) < 0)
            return r;
    }
    if ((r = walk_dir(v, &w, fatdir_root(v), 0)))
        return r;
    for (uint32_t c = 2; c < v->cluster_count + 2; c++) {
        uint32_t x;
        if ((r = fat_get(v, c, &x)))
            return r;
        if (x != 0 && x != FAT_BAD && !(bitmap[c / 8] & (1u << (c % 8)))) {
            if ((r = fat_set(v, c, 0)))
                return r;
            v->free_clusters++;
        }
    }
    return fatv_end_op(v);
}
