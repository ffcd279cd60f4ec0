/* Shared internals of kernel/fs/fat_*.c. Not an interface for other parts. */
#ifndef HV_FS_FAT_PRIV_H
#define HV_FS_FAT_PRIV_H

#include "fs/fat.h"

#define FAT_EOC      0x0FFFFFFFu   /* end of chain, as get returns it for both types */
#define FAT_BAD      0x0FFFFFF7u
#define DIRENT_SIZE  32
#define DIR_MAX_SLOTS 65536u       /* 2 MiB: the FAT limit for one directory */
#define MAX_DEPTH    64            /* directory nesting fat_repair walks */

/* Little-endian field access on byte buffers (images may sit anywhere). */
static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* 8.3 directory entry offsets. */
#define DE_NAME   0
#define DE_ATTR   11
#define DE_NTCASE 12
#define DE_CTIME  14
#define DE_CDATE  16
#define DE_ADATE  18
#define DE_CLUSHI 20
#define DE_MTIME  22
#define DE_MDATE  24
#define DE_CLUSLO 26
#define DE_SIZE   28
#define DE_FREE   0xE5
#define DE_END    0x00

static inline uint32_t de_cluster(const struct fat_vol *v, const uint8_t *e)
{
    uint32_t c = rd16(e + DE_CLUSLO);
    if (v->type == FAT_TYPE_32)
        c |= (uint32_t)rd16(e + DE_CLUSHI) << 16;
    return c;
}
static inline void de_set_cluster(uint8_t *e, uint32_t c)
{
    wr16(e + DE_CLUSLO, (uint16_t)c);
    wr16(e + DE_CLUSHI, (uint16_t)(c >> 16));
}
static inline bool clus_valid(const struct fat_vol *v, uint32_t c)
{
    return c >= 2 && c - 2 < v->cluster_count;
}
static inline uint64_t clus_lba(const struct fat_vol *v, uint32_t c)
{
    return (uint64_t)v->data_lba + (uint64_t)(c - 2) * v->sec_per_clus;
}

/* fat_bpb.c: device access. Every write first commits the FAT cache, so the
 * disk sees writes in program order; fatv_barrier also flushes the device
 * (an ordering point: nothing after it is written before all before it). */
int fatv_read(struct fat_vol *v, uint64_t lba, uint32_t count, void *buf);
int fatv_write(struct fat_vol *v, uint64_t lba, uint32_t count, const void *buf);
int fatv_barrier(struct fat_vol *v);
int fatv_mark_dirty(struct fat_vol *v);   /* FSInfo free count -> unknown */
int fatv_end_op(struct fat_vol *v);       /* commit, FSInfo, flush */
uint32_t fatv_now(struct fat_vol *v);
int fatv_writable(struct fat_vol *v);

/* fat_table.c */
int fat_get(struct fat_vol *v, uint32_t c, uint32_t *val);
int fat_set(struct fat_vol *v, uint32_t c, uint32_t val);
int fat_commit(struct fat_vol *v);
int fat_next(struct fat_vol *v, uint32_t c, uint32_t *next);  /* next: 0 at end */
int fat_chain_len(struct fat_vol *v, uint32_t first, uint32_t *len);
int fat_chain_at(struct fat_vol *v, uint32_t first, uint32_t index, uint32_t *c);
int fat_find_free(struct fat_vol *v, uint32_t want, uint32_t *out, uint32_t *got);
int fat_mark_chain(struct fat_vol *v, const uint32_t *cl, uint32_t n, uint32_t last_val);
int fat_free_chain(struct fat_vol *v, uint32_t first);
int fat_count_free(struct fat_vol *v, uint32_t *free_out);
int fat_zero_cluster(struct fat_vol *v, uint32_t c);

/* fat_name.c */
bool fatname_valid(const char *name, size_t len);
bool fatname_to_83(const char *name, size_t len, uint8_t sfn[11]);
void fatname_basis(const char *name, size_t len, uint8_t sfn[11]);
void fatname_set_tail(uint8_t sfn[11], uint32_t n);
uint8_t fatlfn_checksum(const uint8_t sfn[11]);
int fatlfn_count(const char *name, size_t len);   /* long-name entries name needs */
int fatlfn_entries(const char *name, size_t len, const uint8_t sfn[11], uint8_t *out, uint32_t *n);
int fatlfn_take(const uint8_t *e, uint16_t *ucs, uint32_t *nchars);
size_t fatucs2_to_utf8(const uint16_t *u, uint32_t n, char *out, size_t outsz);
void fatsfn_to_str(const uint8_t *e, char out[13]);
bool fatname_eq(const char *a, size_t alen, const char *b);

/* fat_dir.c */
struct fatdir_iter {
    uint32_t dir;             /* first cluster; 0 = FAT16 root */
    uint32_t cidx;            /* chain index of cl, or UINT32_MAX */
    uint32_t cl;
};
void fatdir_iter_init(struct fatdir_iter *it, uint32_t dir);
/* 0 with *e pointing into v->dcache, 1 past the last slot, or an error. */
int fatdir_slot(struct fat_vol *v, struct fatdir_iter *it, uint32_t slot, uint8_t **e, uint64_t *lba);
int fatdir_lookup(struct fat_vol *v, uint32_t dir, const char *name, size_t len,
               struct fat_dirloc *loc, uint8_t ent[DIRENT_SIZE]);
/* Resolves all but the last component. */
int fatdir_resolve_parent(struct fat_vol *v, const char *path, uint32_t *dir,
                       const char **name, size_t *len);
int fatdir_resolve(struct fat_vol *v, const char *path, struct fat_dirloc *loc,
                uint8_t ent[DIRENT_SIZE], bool *is_root);
/* Creates an entry set from proto (attributes, cluster, size; the name is
 * filled in) in one sector, preceded by extra_before free slots reserved in
 * that sector; or, with into, in the slots ending at into's 8.3 entry. */
int fatdir_create(struct fat_vol *v, uint32_t dir, const char *name, size_t len,
               const uint8_t proto[DIRENT_SIZE], uint32_t extra_before, struct fat_dirloc *loc,
               const struct fat_dirloc *into);
int fatdir_read_sfn(struct fat_vol *v, const struct fat_dirloc *loc, uint8_t ent[DIRENT_SIZE]);
int fatdir_next(struct fat_vol *v, uint32_t dir, uint32_t *slot, char *name, size_t namesz,
             struct fat_dirloc *loc, uint8_t ent[DIRENT_SIZE]);
int fatdir_swap(struct fat_vol *v, const struct fat_dirloc *gone, const struct fat_dirloc *keep,
             const uint8_t ent[DIRENT_SIZE]);
uint32_t fatdir_root(const struct fat_vol *v);
int fatdir_of_entry(struct fat_vol *v, const uint8_t *ent, uint32_t *dir);
int fatdir_write_sfn(struct fat_vol *v, const struct fat_dirloc *loc, const uint8_t ent[DIRENT_SIZE]);
int fatdir_remove(struct fat_vol *v, const struct fat_dirloc *loc);
int fatdir_is_empty(struct fat_vol *v, uint32_t dir);
void fatdir_stamp(struct fat_vol *v, uint8_t *ent, bool created);
void fatdir_fill_stat(const struct fat_vol *v, const uint8_t *ent, struct fat_stat *st);

/* fat_replace.c */
int fat_cleanup_temps(struct fat_vol *v);

/* fat_file.c: used by fat_replace.c and fat_io.c */
int fatfile_fill(struct fat_vol *v, const void *data, uint32_t len, uint32_t *first);
/* The disk cluster of f's cluster idx, and how many clusters from it on
 * are consecutive on disk as far as f knows (1 without a map). */
int fatfile_cluster(struct fat_file *f, uint32_t idx, uint32_t *c, uint32_t *run);
int fatfile_update_entry(struct fat_file *f);   /* size, first cluster, mtime */

#endif
