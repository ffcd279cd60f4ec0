/* Namespace operations: stat, mkdir, rmdir, unlink, rename, directory
 * listing. Each orders its writes so a cut leaves at worst lost clusters
 * (see docs/fat.md), and ends with fatv_end_op (FSInfo + flush). */
#include "fs/fat_priv.h"
#include "lib/string.h"

int fat_stat(struct fat_vol *v, const char *path, struct fat_stat *st)
{
    struct fat_dirloc loc;
    uint8_t ent[DIRENT_SIZE];
    bool is_root;
    int r = fatdir_resolve(v, path, &loc, ent, &is_root);
    if (!r)
        fatdir_fill_stat(v, ent, st);
    return r;
}

int fat_mkdir(struct fat_vol *v, const char *path)
{
    uint32_t dir, c, got;
    const char *name;
    size_t len;
    int r = fatv_writable(v);
    if (r || (r = fatdir_resolve_parent(v, path, &dir, &name, &len)))
        return r;
    if (len == 0)
        return -FAT_EEXIST;
    if (len > FAT_NAME_MAX)
        return -FAT_ENAMETOOLONG;
    if (!fatname_valid(name, len))
        return -FAT_EINVAL;
    struct fat_dirloc loc;
    uint8_t ent[DIRENT_SIZE];
    if ((r = fatdir_lookup(v, dir, name, len, &loc, ent)) != -FAT_ENOENT)
        return r ? r : -FAT_EEXIST;
    if ((r = fat_find_free(v, 1, &c, &got)))
        return r;

    /* The new cluster: "." and "..", then zeroes; on disk before it is
     * claimed, and claimed before the parent names it. */
    if ((r = fat_zero_cluster(v, c)))
        return r;
    uint8_t *s = v->scratch;
    memset(s, 0, v->sector_size);
    memset(s, ' ', 11);
    s[0] = '.';
    s[DE_ATTR] = FAT_ATTR_DIR;
    fatdir_stamp(v, s, true);
    de_set_cluster(s, c);
    memcpy(s + DIRENT_SIZE, s, DIRENT_SIZE);
    s[DIRENT_SIZE + 1] = '.';
    de_set_cluster(s + DIRENT_SIZE, dir == fatdir_root(v) ? 0 : dir);
    if ((r = fatv_write(v, clus_lba(v, c), 1, s)) || (r = fatv_barrier(v)))
        return r;
    if ((r = fat_mark_chain(v, &c, 1, FAT_EOC)) || (r = fatv_barrier(v)))
        return r;
    memset(ent, 0, DIRENT_SIZE);
    ent[DE_ATTR] = FAT_ATTR_DIR;
    fatdir_stamp(v, ent, true);
    de_set_cluster(ent, c);
    if ((r = fatdir_create(v, dir, name, len, ent, 0, &loc, NULL))) {
        fat_free_chain(v, c);
        fatv_end_op(v);
        return r;
    }
    return fatv_end_op(v);
}

/* Removes the entry set first, then frees its chain: a cut in between
 * leaves lost clusters, never an entry naming free clusters. */
static int remove_entry(struct fat_vol *v, const struct fat_dirloc *loc, const uint8_t *ent)
{
    uint32_t c = de_cluster(v, ent);
    if (c && !clus_valid(v, c))
        return -FAT_ECORRUPT;
    int r = fatdir_remove(v, loc);
    if (r || (r = fatv_barrier(v)))
        return r;
    if (c && (r = fat_free_chain(v, c)))
        return r;
    return fatv_end_op(v);
}

int fat_rmdir(struct fat_vol *v, const char *path)
{
    struct fat_dirloc loc;
    uint8_t ent[DIRENT_SIZE];
    bool is_root;
    uint32_t dir;
    int r = fatv_writable(v);
    if (r || (r = fatdir_resolve(v, path, &loc, ent, &is_root)))
        return r;
    if (is_root)
        return -FAT_EINVAL;
    if ((r = fatdir_of_entry(v, ent, &dir)))
        return r;
    if (dir == fatdir_root(v))
        return -FAT_ECORRUPT;           /* a subdirectory naming the root */
    if ((r = fatdir_is_empty(v, dir)) <= 0)
        return r < 0 ? r : -FAT_ENOTEMPTY;
    return remove_entry(v, &loc, ent);
}

int fat_unlink(struct fat_vol *v, const char *path)
{
    struct fat_dirloc loc;
    uint8_t ent[DIRENT_SIZE];
    bool is_root;
    int r = fatv_writable(v);
    if (r || (r = fatdir_resolve(v, path, &loc, ent, &is_root)))
        return r;
    if (is_root || (ent[DE_ATTR] & FAT_ATTR_DIR))
        return -FAT_EISDIR;
    return remove_entry(v, &loc, ent);
}

/* True if dir is `anc` or lies below it (walks ".." up to the root). */
static int is_below(struct fat_vol *v, uint32_t dir, uint32_t anc)
{
    for (int depth = 0; depth < MAX_DEPTH * 4; depth++) {
        if (dir == anc)
            return 1;
        if (dir == fatdir_root(v))
            return 0;
        struct fat_dirloc loc;
        uint8_t ent[DIRENT_SIZE];
        int r = fatdir_lookup(v, dir, "..", 2, &loc, ent);
        if (r || (r = fatdir_of_entry(v, ent, &dir)))
            return r;
    }
    return -FAT_ECORRUPT;
}

/* The new entry set is written before the old one is removed: a cut in
 * between leaves both names on the same data (fsck.fat reports shared
 * clusters), never a file with no name. */
int fat_rename(struct fat_vol *v, const char *oldpath, const char *newpath)
{
    struct fat_dirloc oloc, nloc;
    uint8_t ent[DIRENT_SIZE];
    bool is_root;
    uint32_t ndir;
    const char *name;
    size_t len;
    int r = fatv_writable(v);
    if (r || (r = fatdir_resolve(v, oldpath, &oloc, ent, &is_root)))
        return r;
    if (is_root)
        return -FAT_EINVAL;
    if ((r = fatdir_resolve_parent(v, newpath, &ndir, &name, &len)))
        return r;
    if (len == 0)
        return -FAT_EEXIST;
    bool is_dir = ent[DE_ATTR] & FAT_ATTR_DIR;
    uint32_t moved = 0;
    if (is_dir) {
        if ((r = fatdir_of_entry(v, ent, &moved)))
            return r;
        if ((r = is_below(v, ndir, moved)))
            return r < 0 ? r : -FAT_EINVAL;
    }
    struct fat_dirloc tmp;
    uint8_t other[DIRENT_SIZE];
    r = fatdir_lookup(v, ndir, name, len, &tmp, other);
    if (!r && tmp.sfn_lba == oloc.sfn_lba && tmp.sfn_off == oloc.sfn_off) {
        /* Same entry (a change of case only): rewrite the set in place. */
    } else if (r != -FAT_ENOENT) {
        return r ? r : -FAT_EEXIST;
    }
    if (!r) {
        if ((r = fatdir_remove(v, &oloc)) || (r = fatv_barrier(v)))
            return r;
        if ((r = fatdir_create(v, ndir, name, len, ent, 0, &nloc, NULL)))
            return r;
        return fatv_end_op(v);
    }
    if ((r = fatdir_create(v, ndir, name, len, ent, 0, &nloc, NULL)) || (r = fatv_barrier(v)))
        return r;
    if ((r = fatdir_remove(v, &oloc)) || (r = fatv_barrier(v)))
        return r;
    if (is_dir && ndir != oloc.dir_cluster) {
        struct fatdir_iter it;
        uint8_t *e;
        uint64_t lba;
        fatdir_iter_init(&it, moved);
        if ((r = fatdir_slot(v, &it, 1, &e, &lba)))
            return r < 0 ? r : -FAT_ECORRUPT;
        if (!memcmp(e, "..         ", 11)) {
            struct fat_dirloc dd = { moved, 1, 1, lba, (uint32_t)(e - v->dcache) };
            memcpy(other, e, DIRENT_SIZE);
            de_set_cluster(other, ndir == fatdir_root(v) ? 0 : ndir);
            if ((r = fatdir_write_sfn(v, &dd, other)))
                return r;
        }
    }
    return fatv_end_op(v);
}

int fat_opendir(struct fat_vol *v, const char *path, struct fat_dir *d)
{
    struct fat_dirloc loc;
    uint8_t ent[DIRENT_SIZE];
    bool is_root;
    int r = fatdir_resolve(v, path, &loc, ent, &is_root);
    if (r)
        return r;
    d->vol = v;
    d->slot = 0;
    return is_root ? (d->cluster = fatdir_root(v), 0) : fatdir_of_entry(v, ent, &d->cluster);
}

int fat_readdir(struct fat_dir *d, struct fat_dirent *e)
{
    uint8_t ent[DIRENT_SIZE];
    struct fat_dirloc loc;
    for (;;) {
        int r = fatdir_next(d->vol, d->cluster, &d->slot, e->name, sizeof e->name, &loc, ent);
        if (r)
            return r == 1 ? 0 : r;
        if (!memcmp(ent, ".          ", 11) || !memcmp(ent, "..         ", 11))
            continue;
        fatsfn_to_str(ent, e->short_name);
        fatdir_fill_stat(d->vol, ent, &e->st);
        return 1;
    }
}
