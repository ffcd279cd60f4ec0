/* The datastore: finding the boot disk, mounting HVDATA with repair, and
 * the locked API the rest of the kernel uses. */
#include "fs/datastore.h"
#include "fs/ds_cache.h"
#include "fs/ds_priv.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "dev/blk.h"
#include "mm/heap.h"
#include "arch/x86_64/trylock.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define DS_PART_NO 2
#define DS_LABEL   "HVDATA"

/* The volume's lock (arch/x86_64/trylock.h): tick paths must be able to
 * give up rather than wait for the code they interrupted. */
static volatile uint32_t ds_holder;
static struct fat_vol *ds_vol;           /* NULL: no datastore */
static struct blkdev ds_part, ds_dev;   /* the partition, and it behind the cache */

const char *datastore_strerror(int err)
{
    if (err < 0)
        err = -err;
    if (err == DS_ENODATASTORE)
        return "no datastore";
    if (err == DS_EBUSY)
        return "datastore busy, try again";
    if (err == DS_EINUSE)
        return "in use by another VM";
    return fat_strerror(err);
}

bool datastore_available(void)
{
    return ds_vol != NULL;
}

static void warn(const char *why)
{
    kprintf("hv: datastore: warning: %s; running without a datastore\n", why);
}

/* The mount-time repair writes, so a partition that is not our datastore
 * is left alone: it must carry a boot sector whose extended BPB names the
 * volume HVDATA. NULL when it does, else why not (in why). */
static const char *check_volume(struct blk_disk *d, char *why, size_t len)
{
    const struct part *p = NULL;
    for (unsigned k = 0; k < d->parts.count; k++)
        if (d->parts.part[k].index == DS_PART_NO)
            p = &d->parts.part[k];
    if (!p) {
        ksnprintf(why, len, "there is no partition %u", DS_PART_NO);
        return why;
    }
    uint8_t *sec = kmalloc(d->dev.sector_size);
    if (!sec)
        return "out of memory";
    const char *bad = NULL;
    if (d->dev.read(d->dev.ctx, p->first_lba, 1, sec) < 0) {
        bad = "its boot sector is unreadable";
    } else if (sec[510] != 0x55 || sec[511] != 0xAA) {
        bad = "it has no FAT boot sector (signature missing)";
    } else {
        bool fat32 = sec[22] == 0 && sec[23] == 0;   /* no 16-bit FAT size */
        unsigned sig = fat32 ? 66 : 38, off = fat32 ? 71 : 43;
        char label[12];
        size_t n = 0;
        if (sec[sig] == 0x29)
            for (; n < 11; n++)
                label[n] = sec[off + n] >= 0x20 && sec[off + n] < 0x7F ? (char)sec[off + n] : '?';
        while (n > 0 && label[n - 1] == ' ')
            n--;
        label[n] = 0;
        if (strcmp(label, DS_LABEL) != 0) {
            ksnprintf(why, len, "it is not labelled %s (label '%s')", DS_LABEL, label);
            bad = why;
        }
    }
    kfree(sec);
    return bad;
}

static bool has_part_at(const struct blk_disk *d, uint64_t lba)
{
    for (unsigned k = 0; k < d->parts.count; k++)
        if (d->parts.part[k].first_lba == lba)
            return true;
    return false;
}

/* The boot disk: the BIOS drive number cannot be matched to our disks, so
 * it is a disk with a partition at the boot partition's LBA whose partition
 * 2 is a datastore. Other disks may share the layout (a guest's disk, a
 * partitioned spare); the first one that passes wins, and without a winner
 * the first candidate's problem is the reason given. */
static struct blk_disk *find_boot_disk(uint32_t boot_lba, char *why, size_t len)
{
    struct blk_disk *found = NULL;
    unsigned candidates = 0, datastores = 0;
    char detail[64];
    for (unsigned i = 0; i < blk_count(); i++) {
        struct blk_disk *d = blk_get(i);
        if (!has_part_at(d, boot_lba))
            continue;
        const char *bad = check_volume(d, detail, sizeof(detail));
        if (!bad && datastores++ == 0)
            found = d;
        if (bad && candidates == 0)
            ksnprintf(why, len, "%s partition %u: %s", d->name, DS_PART_NO, bad);
        candidates++;
    }
    if (candidates == 0)
        ksnprintf(why, len, "no disk has the boot partition (LBA %u)", boot_lba);
    if (datastores > 1)
        kprintf("hv: datastore: %u disks have a boot partition and a datastore; using %s\n",
                datastores, found->name);
    return found;
}

/* Whether the last writer finished its operation: the FAT code declares
 * FSInfo's free count unknown (0xFFFFFFFF) before it changes the FAT and
 * writes the true count when done, so a valid count means no operation was
 * cut and there is nothing to repair. Read before fat_mount, which rewrites
 * it. FAT16 has no FSInfo: always "maybe". */
static bool maybe_interrupted(const struct blkdev *dev)
{
    uint8_t *sec = kmalloc(dev->sector_size);
    if (!sec)
        return true;
    bool maybe = true;
    if (dev->read(dev->ctx, 0, 1, sec) == 0 && sec[22] == 0 && sec[23] == 0) {
        uint32_t fsi = (uint32_t)sec[48] | (uint32_t)sec[49] << 8;
        if (fsi && fsi != 0xFFFF && dev->read(dev->ctx, fsi, 1, sec) == 0) {
            uint32_t lead = *(uint32_t *)sec, mid = *(uint32_t *)(sec + 484);
            uint32_t free = *(uint32_t *)(sec + 488);
            maybe = !(lead == 0x41615252u && mid == 0x61417272u && free != 0xFFFFFFFFu);
        }
    }
    kfree(sec);
    return maybe;
}

/* fat_mount fixes FAT copies and temp files; this frees what a cut in the
 * middle of an allocation or free left (lost clusters, long chains). It
 * walks the whole FAT, so it runs only after an interrupted operation. */
static void repair(struct fat_vol *v)
{
    size_t n = fat_repair_bitmap_size(v);
    uint8_t *bm = kmalloc(n);
    if (!bm) {
        kprintf("hv: datastore: warning: no memory for the repair pass; lost clusters stay\n");
        return;
    }
    struct fat_statfs before, after;
    fat_statfs(v, &before);
    int r = fat_repair(v, bm, n);
    kfree(bm);
    fat_statfs(v, &after);
    if (r < 0)
        kprintf("hv: datastore: warning: repair pass failed: %s\n", fat_strerror(r));
    else
        kprintf("hv: datastore: the last write was interrupted; repaired (%u lost clusters freed)\n",
                after.free_clusters - before.free_clusters);
}

static void usage_of(struct fat_vol *v, uint64_t *used, uint64_t *total)
{
    struct fat_statfs st;
    fat_statfs(v, &st);
    *total = (uint64_t)st.cluster_count * st.cluster_size;
    *used = (uint64_t)(st.cluster_count - st.free_clusters) * st.cluster_size;
}

void datastore_init(const struct hv_bootinfo *bi)
{
    char why[128];
    struct blk_disk *disk = find_boot_disk(bi->boot_part_lba, why, sizeof(why));
    if (!disk) {
        warn(why);
        return;
    }
    if (blk_partition_dev(disk, DS_PART_NO, &ds_part) < 0) {
        warn("out of memory");
        return;
    }
    ds_cache_init(&ds_part, &ds_dev);       /* without memory: uncached, still correct */
    struct fat_vol *v = kzalloc(sizeof(*v));
    if (!v) {
        warn("out of memory");
        return;
    }
    bool interrupted = maybe_interrupted(&ds_dev);
    int r = fat_mount(v, &ds_dev, false);
    if (r < 0) {
        ksnprintf(why, sizeof(why), "%s partition %u: %s", disk->name, DS_PART_NO,
                  fat_strerror(r));
        warn(why);
        kfree(v);
        return;
    }
    if (interrupted)
        repair(v);
    uint64_t used, total;
    usage_of(v, &used, &total);
    kprintf("hv: datastore: %s partition %u, FAT%u, %lu/%lu MiB used\n", disk->name,
            DS_PART_NO, (unsigned)v->type, (unsigned long)(used >> 20),
            (unsigned long)(total >> 20));
    ds_vol = v;
}

static int lock_take(void)
{
    return trylock_take(&ds_holder) ? 0 : -DS_EBUSY;
}

static void lock_give(void)
{
    trylock_give(&ds_holder);
}

int ds_enter(struct fat_vol **v)
{
    *v = NULL;
    if (!ds_vol)
        return -DS_ENODATASTORE;
    int r = lock_take();
    if (r)
        return r;
    *v = ds_vol;
    ds_files_drain(ds_vol);
    return 0;
}

int ds_leave(int r)
{
    ds_files_drain(ds_vol);
    lock_give();
    return r;
}

/* Every call below: lock, run, unlock. */
static struct fat_vol *lock(int *err)
{
    struct fat_vol *v;
    *err = ds_enter(&v);
    return v;
}

static int unlock(int r)
{
    return ds_leave(r);
}

int datastore_read_file(const char *path, void *buf, size_t max, size_t *len)
{
    *len = 0;
    int err;
    struct fat_vol *v = lock(&err);
    if (!v)
        return err;
    struct fat_file f;
    int r = fat_open(v, path, FAT_O_READ, &f);
    if (r < 0)
        return unlock(r);
    if (f.size > max) {
        *len = f.size;
        fat_close(&f);
        return unlock(-FAT_EFBIG);
    }
    int64_t n = fat_read(&f, buf, f.size);
    fat_close(&f);
    if (n < 0)
        return unlock((int)n);
    *len = (size_t)n;
    return unlock(0);
}

int datastore_replace_file(const char *path, const void *data, size_t len)
{
    if (len > UINT32_MAX - 1)
        return -FAT_EFBIG;
    int err;
    struct fat_vol *v = lock(&err);
    if (!v)
        return err;
    int r = ds_files_in_use(v, path);
    return unlock(r ? r : fat_replace_file(v, path, data, (uint32_t)len));
}

int datastore_stat(const char *path, struct fat_stat *st)
{
    int err;
    struct fat_vol *v = lock(&err);
    if (!v)
        return err;
    return unlock(fat_stat(v, path, st));
}

int datastore_list(const char *dir, datastore_list_fn fn, void *ctx)
{
    /* A fat_dirent is about 800 bytes: not on the kernel stack. */
    struct fat_dirent *e = kmalloc(sizeof(*e));
    if (!e)
        return -FAT_ENOSPC;
    int err;
    struct fat_vol *v = lock(&err);
    if (!v) {
        kfree(e);
        return err;
    }
    struct fat_dir d;
    int r = fat_opendir(v, dir, &d);
    while (r == 0) {
        r = fat_readdir(&d, e);
        if (r <= 0)
            break;
        r = fn(ctx, e);
    }
    unlock(0);
    kfree(e);
    return r;
}

int datastore_remove(const char *path)
{
    int err;
    struct fat_vol *v = lock(&err);
    if (!v)
        return err;
    struct fat_stat st;
    int r = fat_stat(v, path, &st);
    if (r == 0 && !st.is_dir)
        r = ds_files_in_use(v, path);
    if (r == 0)
        r = st.is_dir ? fat_rmdir(v, path) : fat_unlink(v, path);
    return unlock(r);
}

int datastore_mkdir(const char *path)
{
    int err;
    struct fat_vol *v = lock(&err);
    if (!v)
        return err;
    return unlock(fat_mkdir(v, path));
}

int datastore_usage(uint64_t *used_bytes, uint64_t *total_bytes)
{
    int err;
    struct fat_vol *v = lock(&err);
    if (!v)
        return err;
    usage_of(v, used_bytes, total_bytes);
    return unlock(0);
}

int datastore_sync(void)
{
    int err;
    struct fat_vol *v = lock(&err);
    if (!v)
        return err;
    return unlock(fat_sync(v));
}
