/* Open datastore files (datastore.h): the handles VM disks use, the rule
 * that a writer has its file alone, and closes deferred while the lock is
 * taken. */
#include "fs/ds_priv.h"
#include "mm/heap.h"
#include "lib/kprintf.h"

#define SMALL_MAP 16            /* extents kept inside the handle */

struct ds_file {
    struct fat_file f;
    bool writable;
    struct fat_extent *map;     /* f's extents: small, or from the heap */
    struct fat_extent small[SMALL_MAP];
    struct ds_file *next;       /* open_files, under the lock */
    struct ds_file *next_closing;
};

static struct ds_file *open_files;
/* Pushed without the lock (datastore_close with the lock taken), popped
 * under it. */
static struct ds_file *closing;

/* The directory entry is the file's identity: paths differ in case and
 * slashes, and an empty file has no cluster. */
static bool same_file(const struct fat_file *a, const struct fat_file *b)
{
    return a->loc.sfn_lba == b->loc.sfn_lba && a->loc.sfn_off == b->loc.sfn_off;
}

static int conflict(const struct fat_file *f, bool writable)
{
    for (struct ds_file *o = open_files; o; o = o->next)
        if (same_file(&o->f, f) && (writable || o->writable))
            return -DS_EINUSE;
    return 0;
}

int ds_files_in_use(struct fat_vol *v, const char *path)
{
    struct fat_file f;
    if (!open_files || fat_open(v, path, FAT_O_READ, &f) < 0)
        return 0;
    fat_close(&f);
    for (struct ds_file *o = open_files; o; o = o->next)
        if (same_file(&o->f, &f))
            return -DS_EINUSE;
    return 0;
}

/* The extent map: in the handle when the file has few fragments (a disk
 * image made in one go has one), else on the heap; without memory the
 * handle works on without one, walking the FAT. */
static void build_map(struct ds_file *h)
{
    uint32_t n;
    int r = fat_extents(&h->f, h->small, SMALL_MAP, &n);
    if (r == 0) {
        h->map = h->small;
    } else if (r == -FAT_ENOSPC && (h->map = kmalloc((size_t)n * sizeof(*h->map)))) {
        if (fat_extents(&h->f, h->map, n, &n) < 0) {
            kfree(h->map);
            h->map = NULL;
        }
    }
    if (h->map)
        fat_set_map(&h->f, h->map, n);
}

static int close_now(struct ds_file *h)
{
    struct ds_file **p = &open_files;
    while (*p && *p != h)
        p = &(*p)->next;
    if (*p)
        *p = h->next;
    int r = fat_close(&h->f);
    if (h->map && h->map != h->small)
        kfree(h->map);
    kfree(h);
    return r;
}

void ds_files_drain(struct fat_vol *v)
{
    (void)v;
    struct ds_file *h = __atomic_exchange_n(&closing, NULL, __ATOMIC_ACQUIRE);
    while (h) {
        struct ds_file *next = h->next_closing;
        int r = close_now(h);
        if (r < 0)
            kprintf("hv: datastore: warning: a deferred close failed: %s\n",
                    datastore_strerror(r));
        h = next;
    }
}

int datastore_open(const char *path, unsigned flags, struct ds_file **out)
{
    *out = NULL;
    if (flags & ~DS_O_RDWR)
        return -FAT_EINVAL;
    bool wr = flags & DS_O_RDWR;
    struct ds_file *h = kzalloc(sizeof(*h));
    if (!h)
        return -FAT_ENOSPC;
    struct fat_vol *v;
    int r = ds_enter(&v);
    if (r) {
        kfree(h);
        return r;
    }
    r = fat_open(v, path, wr ? FAT_O_WRITE : FAT_O_READ, &h->f);
    if (r == 0 && (r = conflict(&h->f, wr)) < 0)
        fat_close(&h->f);
    if (r < 0) {
        kfree(h);
        return ds_leave(r);
    }
    h->writable = wr;
    build_map(h);
    h->next = open_files;
    open_files = h;
    *out = h;
    return ds_leave(0);
}

int datastore_pread(struct ds_file *f, uint64_t off, void *buf, size_t len)
{
    struct fat_vol *v;
    int r = ds_enter(&v);
    return r ? r : ds_leave(fat_pread(&f->f, off, buf, len));
}

int datastore_pwrite(struct ds_file *f, uint64_t off, const void *buf, size_t len)
{
    struct fat_vol *v;
    int r = ds_enter(&v);
    return r ? r : ds_leave(fat_pwrite(&f->f, off, buf, len));
}

int datastore_fsync(struct ds_file *f)
{
    struct fat_vol *v;
    int r = ds_enter(&v);
    return r ? r : ds_leave(fat_fsync(&f->f));
}

uint64_t datastore_fsize(const struct ds_file *f)
{
    return f->f.size;
}

bool datastore_writable(const struct ds_file *f)
{
    return f->writable;
}

int datastore_close(struct ds_file *f)
{
    if (!f)
        return 0;
    struct fat_vol *v;
    if (ds_enter(&v) == 0)
        return ds_leave(close_now(f));
    /* The lock is taken (interrupts off): its holder closes f as it
     * leaves, so the file is free again before anyone can try to open it. */
    f->next_closing = __atomic_load_n(&closing, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&closing, &f->next_closing, f, true, __ATOMIC_RELEASE,
                                        __ATOMIC_RELAXED))
        ;
    return 0;
}
