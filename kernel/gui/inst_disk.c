/*
 * An installation is the running boot disk's hv layout copied onto the
 * target -- MBR, boot partition (boot manager, boot loader, kernel) and
 * datastore (the first OS's disk, VM definitions) -- then the target's own
 * HV.CFG written with the wizard's choices.  The datastore is copied as
 * far as its last used cluster: the rest of it is free space.
 *
 * The work is cut into slices the wizard's loop runs between frames, so
 * the progress bar moves and the desktop stays alive.  A failed read or
 * write stops the job with the sector in words.
 */
#include "gui/inst_disk.h"
#include "dev/timer.h"
#include "fs/fat.h"
#include "dev/kbd.h"
#include "lib/hvcfg.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mgmt/auth.h"

#define CHUNK 128u                      /* sectors per read/write */
#define SLICE_NS 40000000ull            /* work per loop round */

struct job {
    struct blk_disk *src, *dst;
    uint64_t end;                       /* sectors to copy from LBA 0 */
    uint64_t done;
    uint64_t boot_lba, boot_sectors;    /* partition 1, for HV.CFG */
    char cfg[1536];
    int cfg_len;
    bool copied;
};

static struct job job;
static uint8_t buf[CHUNK * 512];
static struct fat_vol vol;              /* about 13 KiB: not on the stack */
static uint32_t boot_lba_wanted;

bool inst_is_boot_disk(const struct blk_disk *d, uint32_t boot_lba)
{
    for (unsigned k = 0; k < d->parts.count; k++)
        if (d->parts.part[k].first_lba == boot_lba && d->parts.part[k].bootable)
            return true;
    return false;
}

static struct blk_disk *boot_disk(void)
{
    for (unsigned i = 0; i < blk_count(); i++)
        if (inst_is_boot_disk(blk_get(i), boot_lba_wanted))
            return blk_get(i);
    return NULL;
}

/* Partition 2's last used sector, from its FAT32 allocation table: free
 * clusters at the end need not be copied.  The whole partition when the
 * table cannot be read. */
static uint64_t datastore_end(const struct part *p)
{
    uint64_t whole = p->first_lba + p->sectors;
    struct blkdev d = job.src->dev;
    if (d.read(d.ctx, p->first_lba, 1, buf) < 0 || buf[510] != 0x55 || buf[511] != 0xAA)
        return whole;
    uint32_t bps = (uint32_t)(buf[11] | buf[12] << 8), spc = buf[13];
    uint32_t reserved = (uint32_t)(buf[14] | buf[15] << 8), nfats = buf[16];
    uint32_t fatsz = (uint32_t)(buf[36] | buf[37] << 8 | buf[38] << 16 | (uint32_t)buf[39] << 24);
    if (bps != 512 || spc == 0 || nfats == 0 || fatsz == 0 || buf[22] | buf[23])
        return whole;                   /* not FAT32 as mkimage makes it */
    uint64_t data = p->first_lba + reserved + (uint64_t)nfats * fatsz;
    uint64_t last = 0;                  /* highest cluster in use */
    for (uint32_t s = 0; s < fatsz; s += CHUNK) {
        uint32_t n = fatsz - s < CHUNK ? fatsz - s : CHUNK;
        if (d.read(d.ctx, p->first_lba + reserved + s, n, buf) < 0)
            return whole;
        const uint32_t *e = (const uint32_t *)buf;
        for (uint32_t i = 0; i < n * 128; i++)
            if (e[i] & 0x0FFFFFFF)
                last = (uint64_t)s * 128 + i;
    }
    uint64_t end = last >= 2 ? data + (last - 1) * spc : data;
    return end < whole ? end : whole;
}

static int begin(void *ctx, const struct inst_choices *c, const struct inst_disk *target,
                 char *why, unsigned len)
{
    (void)ctx;
    memset(&job, 0, sizeof(job));
    job.src = boot_disk();
    job.dst = blk_find(target->name);
    if (!job.src) {
        ksnprintf(why, len, "hv cannot find the disk it booted from, so it has nothing to copy.");
        return -1;
    }
    if (!job.dst) {
        ksnprintf(why, len, "The disk %s is gone.", target->name);
        return -1;
    }
    if (job.dst == job.src) {
        ksnprintf(why, len, "hv runs from %s: installing onto it would overwrite it.\n"
                            "Choose another disk.", target->name);
        return -1;
    }
    if (job.src->dev.sector_size != 512 || job.dst->dev.sector_size != 512) {
        ksnprintf(why, len, "Only disks with 512-byte sectors are supported yet.");
        return -1;
    }
    const struct part_table *pt = &job.src->parts;
    for (unsigned k = 0; k < pt->count; k++) {
        const struct part *p = &pt->part[k];
        uint64_t e = p->index == 2 ? datastore_end(p) : p->first_lba + p->sectors;
        if (p->first_lba + p->sectors > job.dst->dev.sector_count) {
            ksnprintf(why, len, "The disk %s is too small: hv's layout needs %lu MiB.",
                      target->name, (unsigned long)((p->first_lba + p->sectors) >> 11));
            return -1;
        }
        if (e > job.end)
            job.end = e;
        if (p->first_lba == boot_lba_wanted) {
            job.boot_lba = p->first_lba;
            job.boot_sectors = p->sectors;
        }
    }
    /* The password, salted and stretched as tools/hvpasswd.py does. */
    char spec[HVCFG_ADMIN_PASSWORD_MAX + 1];
    if (auth_make_spec(c->password, spec, sizeof(spec)) < 0) {
        ksnprintf(why, len, "Not enough memory to hash the password.");
        return -1;
    }
    job.cfg_len = installer_config_text(c, spec, job.cfg, sizeof(job.cfg));
    if (job.cfg_len < 0 || job.end == 0 || job.boot_sectors == 0) {
        ksnprintf(why, len, "The boot disk's layout is not hv's: nothing to copy.");
        return -1;
    }
    kprintf("hv: install: copying %lu MiB from %s to %s\n", (unsigned long)(job.end >> 11),
            job.src->name, job.dst->name);
    return 0;
}

/* A partition of the target as a block device, for the FAT code. */
struct slice {
    struct blkdev *disk;
    uint64_t first, count;
};
static struct slice slice;

static int slice_read(void *ctx, uint64_t lba, uint32_t n, void *b)
{
    struct slice *s = ctx;
    return lba + n > s->count ? -1 : s->disk->read(s->disk->ctx, s->first + lba, n, b);
}

static int slice_write(void *ctx, uint64_t lba, uint32_t n, const void *b)
{
    struct slice *s = ctx;
    return lba + n > s->count ? -1 : s->disk->write(s->disk->ctx, s->first + lba, n, b);
}

static int slice_flush(void *ctx)
{
    struct slice *s = ctx;
    return s->disk->flush ? s->disk->flush(s->disk->ctx) : 0;
}

static int write_config(char *why, unsigned len)
{
    slice = (struct slice){ &job.dst->dev, job.boot_lba, job.boot_sectors };
    struct blkdev part = { &slice, slice_read, slice_write, slice_flush, 512, job.boot_sectors };
    int r = fat_mount(&vol, &part, false);
    if (r == 0)
        r = fat_replace_file(&vol, "HV.CFG", job.cfg, (uint32_t)job.cfg_len);
    int u = r == 0 ? fat_unmount(&vol) : 0;
    if (r < 0 || u < 0) {
        ksnprintf(why, len, "Writing HV.CFG on %s failed: %s.", job.dst->name,
                  fat_strerror(r < 0 ? r : u));
        return -1;
    }
    kprintf("hv: install: %s done (HV.CFG written)\n", job.dst->name);
    return 100;
}

static int step(void *ctx, char *why, unsigned len)
{
    (void)ctx;
    uint64_t until = timer_now_ns() + SLICE_NS;
    struct blkdev *s = &job.src->dev, *d = &job.dst->dev;
    while (job.done < job.end && timer_now_ns() < until) {
        uint32_t n = job.end - job.done < CHUNK ? (uint32_t)(job.end - job.done) : CHUNK;
        if (s->read(s->ctx, job.done, n, buf) < 0) {
            ksnprintf(why, len, "Reading %s failed at sector %lu.", job.src->name,
                      (unsigned long)job.done);
            return -1;
        }
        if (d->write(d->ctx, job.done, n, buf) < 0) {
            ksnprintf(why, len, "Writing %s failed at sector %lu.", job.dst->name,
                      (unsigned long)job.done);
            return -1;
        }
        job.done += n;
    }
    if (job.done < job.end)
        return (int)(job.done * 95 / job.end);
    if (d->flush && d->flush(d->ctx) < 0) {
        ksnprintf(why, len, "Flushing %s failed.", job.dst->name);
        return -1;
    }
    return write_config(why, len);
}

static void set_layout(void *ctx, int layout)
{
    (void)ctx;
    kbd_set_layout((unsigned)layout);
}

static const struct inst_backend backend = { begin, step, 0, set_layout };

const struct inst_backend *inst_disk_backend(uint32_t boot_lba)
{
    boot_lba_wanted = boot_lba;
    return &backend;
}
