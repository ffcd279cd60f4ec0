/* Directories: slot access across the FAT16 fixed root and cluster chains,
 * long-name assembly, lookup, path resolution, creating and removing entry
 * sets. An entry set (long-name entries + 8.3 entry) we create always lies
 * in one sector, so it appears or disappears with one atomic write. */
#include "fs/fat_priv.h"
#include "lib/string.h"

void fatdir_iter_init(struct fatdir_iter *it, uint32_t dir)
{
    it->dir = dir;
    it->cidx = UINT32_MAX;
    it->cl = 0;
}

static int dcache_load(struct fat_vol *v, uint64_t lba)
{
    if (lba == v->dcache_lba)
        return 0;
    v->dcache_lba = UINT64_MAX;
    int r = fatv_read(v, lba, 1, v->dcache);
    if (!r)
        v->dcache_lba = lba;
    return r;
}

static int dcache_store(struct fat_vol *v)
{
    uint64_t lba = v->dcache_lba;
    int r = fatv_write(v, lba, 1, v->dcache);
    v->dcache_lba = r ? UINT64_MAX : lba;
    return r;
}

int fatdir_slot(struct fat_vol *v, struct fatdir_iter *it, uint32_t slot, uint8_t **e, uint64_t *lba)
{
    uint64_t byte = (uint64_t)slot * DIRENT_SIZE;
    uint64_t l;
    if (slot >= DIR_MAX_SLOTS)
        return 1;
    if (it->dir == 0) {
        if (v->type != FAT_TYPE_16 || slot >= v->root_entries)
            return 1;
        l = v->root_lba + byte / v->sector_size;
    } else {
        uint32_t ci = (uint32_t)(byte / v->cluster_size);
        if (ci != it->cidx) {
            uint32_t c, from = 0;
            int r;
            if (it->cidx != UINT32_MAX && ci == it->cidx + 1) {
                c = it->cl;
                from = it->cidx;
            } else {
                if (!clus_valid(v, it->dir))
                    return -FAT_ECORRUPT;
                c = it->dir;
            }
            /* ci < DIR_MAX_SLOTS bounds this walk even on a looped chain. */
            for (uint32_t i = from; i < ci; i++) {
                if ((r = fat_next(v, c, &c)))
                    return r;
                if (!c)
                    return 1;
            }
            it->cl = c;
            it->cidx = ci;
        }
        l = clus_lba(v, it->cl) + (byte % v->cluster_size) / v->sector_size;
    }
    int r = dcache_load(v, l);
    if (r)
        return r;
    *e = v->dcache + byte % v->sector_size;
    if (lba)
        *lba = l;
    return 0;
}

/* Long-name assembly state while scanning. */
struct lfn_state {
    uint16_t ucs[20 * 13];
    uint32_t nchars;
    uint32_t first_slot;
    uint8_t next_ord;         /* ordinal expected next; 0 = none in progress */
    uint8_t sum;
};

static void lfn_feed(struct lfn_state *ls, const uint8_t *e, uint32_t slot)
{
    uint8_t ord = e[0] & 0x1F;
    if (e[0] & 0x40) {
        ls->next_ord = 0;
        if (ord == 0 || ord > 20)
            return;
        ls->nchars = ord * 13u;
        ls->sum = e[13];
        ls->first_slot = slot;
    } else if (!ls->next_ord || ord != ls->next_ord || e[13] != ls->sum) {
        ls->next_ord = 0;
        return;
    }
    if (fatlfn_take(e, ls->ucs, &ls->nchars)) {
        ls->next_ord = 0;
        return;
    }
    ls->next_ord = (uint8_t)(ord - 1);
    if (ls->next_ord == 0)
        ls->next_ord = 0xFF;            /* complete: the 8.3 entry must follow */
}

/* Finds the next live entry at or after *slot. Returns 0 (entry copied to
 * ent, its name in UTF-8 to name, location to loc, *slot moved past it),
 * 1 at the end of the directory, or an error. */
static int dir_scan(struct fat_vol *v, uint32_t dir, uint32_t *slot, char *name, size_t namesz,
                    struct fat_dirloc *loc, uint8_t ent[DIRENT_SIZE])
{
    struct fatdir_iter it;
    struct lfn_state ls;
    ls.next_ord = 0;
    fatdir_iter_init(&it, dir);
    for (uint32_t s = *slot;; s++) {
        uint8_t *e;
        uint64_t lba;
        int r = fatdir_slot(v, &it, s, &e, &lba);
        if (r)
            return r;
        if (e[0] == DE_END)
            return 1;
        if (e[0] == DE_FREE) {
            ls.next_ord = 0;
            continue;
        }
        if ((e[DE_ATTR] & 0x3F) == FAT_ATTR_LFN) {
            lfn_feed(&ls, e, s);
            continue;
        }
        bool have_lfn = ls.next_ord == 0xFF && fatlfn_checksum(e) == ls.sum;
        ls.next_ord = 0;
        if (e[DE_ATTR] & FAT_ATTR_VOLID)
            continue;
        memcpy(ent, e, DIRENT_SIZE);
        if (have_lfn && ls.nchars > 0)
            fatucs2_to_utf8(ls.ucs, ls.nchars, name, namesz);
        else {
            char sn[13];
            fatsfn_to_str(e, sn);
            size_t k = 0;
            for (; sn[k] && k + 1 < namesz; k++)
                name[k] = sn[k];
            name[k] = 0;
        }
        loc->dir_cluster = dir;
        loc->first_slot = have_lfn ? ls.first_slot : s;
        loc->sfn_slot = s;
        loc->sfn_lba = lba;
        loc->sfn_off = (uint32_t)(e - v->dcache);
        *slot = s + 1;
        return 0;
    }
}

int fatdir_lookup(struct fat_vol *v, uint32_t dir, const char *name, size_t len,
               struct fat_dirloc *loc, uint8_t ent[DIRENT_SIZE])
{
    char found[FAT_NAME_MAX * 3 + 1];
    for (uint32_t slot = 0;;) {
        int r = dir_scan(v, dir, &slot, found, sizeof found, loc, ent);
        if (r < 0)
            return r;
        if (r == 1)
            return -FAT_ENOENT;
        char sn[13];
        fatsfn_to_str(ent, sn);
        if (fatname_eq(name, len, found) || fatname_eq(name, len, sn))
            return 0;
    }
}

int fatdir_next(struct fat_vol *v, uint32_t dir, uint32_t *slot, char *name, size_t namesz,
             struct fat_dirloc *loc, uint8_t ent[DIRENT_SIZE])
{
    return dir_scan(v, dir, slot, name, namesz, loc, ent);
}

uint32_t fatdir_root(const struct fat_vol *v)
{
    return v->type == FAT_TYPE_32 ? v->root_cluster : 0;
}

/* The directory an entry names, checked: ".." entries use 0 for the root. */
int fatdir_of_entry(struct fat_vol *v, const uint8_t *ent, uint32_t *dir)
{
    if (!(ent[DE_ATTR] & FAT_ATTR_DIR))
        return -FAT_ENOTDIR;
    uint32_t c = de_cluster(v, ent);
    if (c == 0) {
        *dir = fatdir_root(v);
        return 0;
    }
    if (!clus_valid(v, c))
        return -FAT_ECORRUPT;
    *dir = c;
    return 0;
}

int fatdir_resolve_parent(struct fat_vol *v, const char *path, uint32_t *dir,
                       const char **name, size_t *len)
{
    if (!path)
        return -FAT_EINVAL;
    size_t total = strlen(path);
    if (total > FAT_PATH_MAX)
        return -FAT_ENAMETOOLONG;
    while (total && path[total - 1] == '/')
        total--;
    uint32_t cur = fatdir_root(v);
    size_t i = 0;
    for (;;) {
        while (i < total && path[i] == '/')
            i++;
        size_t j = i;
        while (j < total && path[j] != '/')
            j++;
        if (j - i > FAT_NAME_MAX)
            return -FAT_ENAMETOOLONG;
        if (j >= total) {
            *dir = cur;
            *name = path + i;
            *len = j - i;
            return 0;
        }
        struct fat_dirloc loc;
        uint8_t ent[DIRENT_SIZE];
        int r = fatdir_lookup(v, cur, path + i, j - i, &loc, ent);
        if (r)
            return r;
        if ((r = fatdir_of_entry(v, ent, &cur)))
            return r;
        i = j;
    }
}

int fatdir_resolve(struct fat_vol *v, const char *path, struct fat_dirloc *loc,
                uint8_t ent[DIRENT_SIZE], bool *is_root)
{
    uint32_t dir;
    const char *name;
    size_t len;
    int r = fatdir_resolve_parent(v, path, &dir, &name, &len);
    if (r)
        return r;
    *is_root = len == 0;
    if (*is_root) {
        memset(ent, 0, DIRENT_SIZE);
        ent[DE_ATTR] = FAT_ATTR_DIR;
        de_set_cluster(ent, fatdir_root(v));
        return 0;
    }
    return fatdir_lookup(v, dir, name, len, loc, ent);
}

static int sfn_taken(struct fat_vol *v, uint32_t dir, const uint8_t sfn[11])
{
    struct fatdir_iter it;
    fatdir_iter_init(&it, dir);
    for (uint32_t s = 0;; s++) {
        uint8_t *e;
        int r = fatdir_slot(v, &it, s, &e, NULL);
        if (r == 1 || (!r && e[0] == DE_END))
            return 0;
        if (r)
            return r;
        if (e[0] != DE_FREE && (e[DE_ATTR] & 0x3F) != FAT_ATTR_LFN && !memcmp(e, sfn, 11))
            return 1;
    }
}

/* Appends a zeroed cluster to a directory. Zeroes reach the disk before the
 * link does, so the directory never shows garbage entries. */
static int dir_extend(struct fat_vol *v, uint32_t dir)
{
    if (dir == 0)
        return -FAT_ENOSPC;             /* the FAT16 root has a fixed size */
    uint32_t n, last, c, got;
    int r = fat_chain_len(v, dir, &n);
    if (r || (r = fat_chain_at(v, dir, n - 1, &last)))
        return r;
    if ((uint64_t)(n + 1) * v->cluster_size > (uint64_t)DIR_MAX_SLOTS * DIRENT_SIZE)
        return -FAT_ENOSPC;
    if ((r = fat_find_free(v, 1, &c, &got)))
        return r;
    if ((r = fat_zero_cluster(v, c)) || (r = fatv_barrier(v)))
        return r;
    if ((r = fat_mark_chain(v, &c, 1, FAT_EOC)) || (r = fat_set(v, last, c)))
        return r;
    return fatv_barrier(v);
}

/* Finds `need` free slots inside one sector; *end gets the first
 * end-of-directory slot before them (or the run start). */
static int find_run(struct fat_vol *v, uint32_t dir, uint32_t need, uint32_t *first, uint32_t *end)
{
    uint32_t per_sec = v->sector_size / DIRENT_SIZE;
    for (int attempt = 0; attempt < 2; attempt++) {
        struct fatdir_iter it;
        fatdir_iter_init(&it, dir);
        uint32_t run = 0;
        *end = UINT32_MAX;
        for (uint32_t s = 0;; s++) {
            uint8_t *e;
            int r = fatdir_slot(v, &it, s, &e, NULL);
            if (r < 0)
                return r;
            if (r == 1)
                break;
            if (s % per_sec == 0)
                run = 0;
            run = (e[0] == DE_FREE || e[0] == DE_END) ? run + 1 : 0;
            if (e[0] == DE_END && *end == UINT32_MAX)
                *end = s;
            if (run == need) {
                *first = s + 1 - need;
                if (*end > *first)
                    *end = *first;
                return 0;
            }
        }
        if (attempt == 0) {
            int r = dir_extend(v, dir);
            if (r)
                return r;
        }
    }
    return -FAT_ENOSPC;
}

int fatdir_create(struct fat_vol *v, uint32_t dir, const char *name, size_t len,
               const uint8_t proto[DIRENT_SIZE], uint32_t extra_before, struct fat_dirloc *loc,
               const struct fat_dirloc *into)
{
    if (len > FAT_NAME_MAX)
        return -FAT_ENAMETOOLONG;
    if (!fatname_valid(name, len))
        return -FAT_EINVAL;
    struct fat_dirloc old;
    uint8_t tmp[DIRENT_SIZE];
    int r = fatdir_lookup(v, dir, name, len, &old, tmp);
    if (r != -FAT_ENOENT)
        return r ? r : -FAT_EEXIST;

    uint8_t set[21 * DIRENT_SIZE], sfn[11];
    uint32_t nl = 0;
    if (!fatname_to_83(name, len, sfn)) {
        fatname_basis(name, len, sfn);
        for (uint32_t n = 1;; n++) {
            if (n > 999999)
                return -FAT_EEXIST;
            fatname_set_tail(sfn, n);
            if ((r = sfn_taken(v, dir, sfn)) < 0)
                return r;
            if (!r)
                break;
        }
        if ((r = fatlfn_entries(name, len, sfn, set, &nl)))
            return r;
    } else if ((r = sfn_taken(v, dir, sfn))) {
        return r < 0 ? r : -FAT_EEXIST;
    }
    uint32_t total = extra_before + nl + 1;
    if (total * DIRENT_SIZE > v->sector_size)
        return -FAT_ENAMETOOLONG;
    uint8_t *s = set + nl * DIRENT_SIZE;
    memcpy(s, proto, DIRENT_SIZE);
    memcpy(s, sfn, 11);
    s[DE_NTCASE] = 0;

    uint32_t first, end;
    if (into) {
        /* Reuse slots reserved earlier: they end at into's 8.3 entry, which
         * this write replaces, and must be free and in the same sector. */
        if (into->sfn_slot < nl)
            return -FAT_EINVAL;
        first = into->sfn_slot - nl;
    } else if ((r = find_run(v, dir, total, &first, &end))) {
        return r;
    }
    struct fatdir_iter it;
    fatdir_iter_init(&it, dir);
    uint8_t *e;
    uint64_t lba;
    /* End-of-directory marks in front of the set would hide it: they become
     * free marks, sector by sector, before the set is written. Marks in the
     * set's own sector go out with the set. */
    uint32_t per_sec = v->sector_size / DIRENT_SIZE;
    for (uint32_t k = into ? first : end; k < first; k++) {
        if ((r = fatdir_slot(v, &it, k, &e, NULL)))
            return r < 0 ? r : -FAT_ECORRUPT;
        e[0] = DE_FREE;
        if ((k + 1) % per_sec == 0 && (r = dcache_store(v)))
            return r;
    }
    if ((r = fatdir_slot(v, &it, first, &e, &lba)))
        return r < 0 ? r : -FAT_ECORRUPT;
    if (into) {
        if (lba != into->sfn_lba || (uint32_t)(e - v->dcache) + nl * DIRENT_SIZE != into->sfn_off)
            return -FAT_EINVAL;
        for (uint32_t k = 0; k < nl; k++)
            if (e[k * DIRENT_SIZE] != DE_FREE)
                return -FAT_EINVAL;
    }
    for (uint32_t k = 0; k < extra_before; k++)
        e[k * DIRENT_SIZE] = DE_FREE;
    memcpy(e + extra_before * DIRENT_SIZE, set, (nl + 1) * DIRENT_SIZE);
    loc->dir_cluster = dir;
    loc->first_slot = first + extra_before;
    loc->sfn_slot = first + total - 1;
    loc->sfn_lba = lba;
    loc->sfn_off = (uint32_t)(e - v->dcache) + (total - 1) * DIRENT_SIZE;
    return dcache_store(v);
}

int fatdir_write_sfn(struct fat_vol *v, const struct fat_dirloc *loc, const uint8_t ent[DIRENT_SIZE])
{
    int r = dcache_load(v, loc->sfn_lba);
    if (r)
        return r;
    memcpy(v->dcache + loc->sfn_off, ent, DIRENT_SIZE);
    return dcache_store(v);
}

/* Long-name entries go first: if a set spans sectors (written by another
 * system), a cut leaves a valid 8.3-only entry, never an orphan long name. */
int fatdir_remove(struct fat_vol *v, const struct fat_dirloc *loc)
{
    struct fatdir_iter it;
    fatdir_iter_init(&it, loc->dir_cluster);
    uint32_t per_sec = v->sector_size / DIRENT_SIZE;
    for (uint32_t s = loc->first_slot; s <= loc->sfn_slot; s++) {
        uint8_t *e;
        int r = fatdir_slot(v, &it, s, &e, NULL);
        if (r)
            return r < 0 ? r : -FAT_ECORRUPT;
        e[0] = DE_FREE;
        if (s == loc->sfn_slot || (s + 1) % per_sec == 0)
            if ((r = dcache_store(v)))
                return r;
    }
    return 0;
}

int fatdir_is_empty(struct fat_vol *v, uint32_t dir)
{
    struct fatdir_iter it;
    fatdir_iter_init(&it, dir);
    for (uint32_t s = 0;; s++) {
        uint8_t *e;
        int r = fatdir_slot(v, &it, s, &e, NULL);
        if (r == 1 || (!r && e[0] == DE_END))
            return 1;
        if (r)
            return r;
        if (e[0] == DE_FREE || (e[DE_ATTR] & 0x3F) == FAT_ATTR_LFN || (e[DE_ATTR] & FAT_ATTR_VOLID))
            continue;
        if (e[0] == '.' && (!memcmp(e, ".          ", 11) || !memcmp(e, "..         ", 11)))
            continue;
        return 0;
    }
}

void fatdir_stamp(struct fat_vol *v, uint8_t *ent, bool created)
{
    uint32_t now = fatv_now(v);
    wr16(ent + DE_MTIME, (uint16_t)now);
    wr16(ent + DE_MDATE, (uint16_t)(now >> 16));
    wr16(ent + DE_ADATE, (uint16_t)(now >> 16));
    if (created) {
        wr16(ent + DE_CTIME, (uint16_t)now);
        wr16(ent + DE_CDATE, (uint16_t)(now >> 16));
    }
}

void fatdir_fill_stat(const struct fat_vol *v, const uint8_t *ent, struct fat_stat *st)
{
    st->size = rd32(ent + DE_SIZE);
    st->first_cluster = de_cluster(v, ent);
    st->attr = ent[DE_ATTR];
    st->mtime = rd16(ent + DE_MTIME);
    st->mdate = rd16(ent + DE_MDATE);
    st->is_dir = ent[DE_ATTR] & FAT_ATTR_DIR;
}

int fatdir_read_sfn(struct fat_vol *v, const struct fat_dirloc *loc, uint8_t ent[DIRENT_SIZE])
{
    if (loc->sfn_off > v->sector_size - DIRENT_SIZE)
        return -FAT_EINVAL;
    int r = dcache_load(v, loc->sfn_lba);
    if (r)
        return r;
    memcpy(ent, v->dcache + loc->sfn_off, DIRENT_SIZE);
    if (ent[0] == DE_FREE || ent[0] == DE_END || (ent[DE_ATTR] & 0x3F) == FAT_ATTR_LFN)
        return -FAT_ENOENT;             /* removed behind an open handle */
    return 0;
}

/* Frees one 8.3-only slot and rewrites another 8.3 entry of the same
 * sector in a single write: the atomic step of fat_replace_file. */
int fatdir_swap(struct fat_vol *v, const struct fat_dirloc *gone, const struct fat_dirloc *keep,
             const uint8_t ent[DIRENT_SIZE])
{
    if (gone->sfn_lba != keep->sfn_lba || gone->first_slot != gone->sfn_slot)
        return -FAT_EINVAL;
    int r = dcache_load(v, keep->sfn_lba);
    if (r)
        return r;
    v->dcache[gone->sfn_off] = DE_FREE;
    memcpy(v->dcache + keep->sfn_off, ent, DIRENT_SIZE);
    return dcache_store(v);
}
