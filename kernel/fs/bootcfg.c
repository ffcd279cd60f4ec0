/* HV.CFG on the boot partition: found once at boot, mounted for each call
 * (nothing else in the kernel mounts that volume, and a mount per change
 * leaves nothing cached that the boot loader could disagree with). */
#include <stdarg.h>

#include "fs/bootcfg.h"
#include "fs/fat.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "dev/blk.h"
#include "lib/errno.h"
#include "lib/hvcfg.h"
#include "lib/hvcfg_edit.h"
#include "arch/x86_64/trylock.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define PATH "HV.CFG"
static struct blk_disk *disk;           /* NULL: no boot partition found */
static struct blkdev part;              /* its partition 1 */
static uint32_t boot_lba;

/* The volume's lock, as the datastore's (arch/x86_64/trylock.h). */
static volatile uint32_t holder;

/* Under the lock: the volume (about 13 KiB), the file as read and the
 * text before and after each edit, none of which fits a kernel stack. */
static struct fat_vol vol;
static char before[BOOTCFG_MAX], text_a[BOOTCFG_MAX], text_b[BOOTCFG_MAX];

void bootcfg_init(const struct hv_bootinfo *bi)
{
    boot_lba = bi->boot_part_lba;
    for (unsigned i = 0; i < blk_count() && !disk; i++) {
        struct blk_disk *d = blk_get(i);
        for (unsigned k = 0; k < d->parts.count; k++) {
            const struct part *p = &d->parts.part[k];
            if (p->first_lba != boot_lba || !p->bootable)
                continue;
            if (blk_partition_dev(d, p->index, &part) == 0)
                disk = d;
            break;
        }
    }
}

static int lock_take(void)
{
    return trylock_take(&holder) ? 0 : -E_BUSY;
}

static void lock_give(void)
{
    trylock_give(&holder);
}

__attribute__((format(printf, 3, 4)))
static void say(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why && len)
        kvsnprintf(why, len, fmt, ap);
    va_end(ap);
}

static int fat_to_errno(int r)
{
    if (r == -FAT_ENOENT)
        return -E_NOENT;
    if (r == -FAT_ENOSPC)
        return -E_NOSPC;
    if (r == -FAT_EFBIG)
        return -E_RANGE;
    return -E_IO;
}

/* Reads the file from the mounted volume into buf; under the lock. */
static int read_locked(char *buf, size_t max, size_t *len)
{
    struct fat_file f;
    *len = 0;
    int r = fat_open(&vol, PATH, FAT_O_READ, &f);
    if (r < 0)
        return r;
    if (f.size > max) {
        *len = f.size;
        fat_close(&f);
        return -FAT_EFBIG;
    }
    int64_t n = fat_read(&f, buf, f.size);
    fat_close(&f);
    if (n < 0)
        return (int)n;
    *len = (size_t)n;
    return 0;
}

int bootcfg_read(char *buf, size_t max, size_t *len)
{
    *len = 0;
    if (!disk)
        return -E_NOENT;
    int r = lock_take();
    if (r < 0)
        return r;
    r = fat_mount(&vol, &part, true);
    if (r == 0) {
        r = read_locked(buf, max, len);
        fat_unmount(&vol);
    }
    lock_give();
    return r < 0 ? fat_to_errno(r) : 0;
}

/* Applies the edits to text_a[0..*len), leaving the result there. */
static int edit_all(const char *const *keys, const char *const *values, int n, size_t *len,
                    char *why, size_t wlen)
{
    for (int i = 0; i < n; i++) {
        int r = hvcfg_edit(text_a, *len, keys[i], values[i], text_b, sizeof(text_b));
        if (r < 0) {
            say(why, wlen, "HV.CFG: %s: %s", keys[i], hvcfg_edit_strerror(r));
            return r == -HVCFG_EDIT_ESPACE ? -E_NOSPC : -E_INVAL;
        }
        memcpy(text_a, text_b, (size_t)r);
        *len = (size_t)r;
    }
    return 0;
}

static int set_locked(const char *const *keys, const char *const *values, int n, char *why,
                      size_t wlen)
{
    size_t len = 0, old_len;
    int r = fat_mount(&vol, &part, false);
    if (r < 0) {
        say(why, wlen, "cannot write HV.CFG on %s: %s", disk->name, fat_strerror(r));
        return fat_to_errno(r);
    }
    r = read_locked(text_a, sizeof(text_a), &len);
    if (r == -FAT_ENOENT) {
        len = 0;                        /* a missing file: the edits make it */
    } else if (r == -FAT_EFBIG) {
        say(why, wlen, "HV.CFG on %s is larger than the %u bytes hv can edit", disk->name,
            BOOTCFG_MAX);
        fat_unmount(&vol);
        return -E_RANGE;
    } else if (r < 0) {
        say(why, wlen, "cannot read HV.CFG on %s: %s", disk->name, fat_strerror(r));
        fat_unmount(&vol);
        return fat_to_errno(r);
    }
    old_len = len;
    memcpy(before, text_a, len);
    r = edit_all(keys, values, n, &len, why, wlen);
    if (r < 0) {
        fat_unmount(&vol);
        return r;
    }
    if (len == old_len && memcmp(before, text_a, len) == 0) {
        fat_unmount(&vol);
        return 1;
    }
    r = fat_replace_file(&vol, PATH, text_a, (uint32_t)len);
    int u = fat_unmount(&vol);
    if (r == 0)
        r = u;
    if (r < 0) {
        say(why, wlen, "cannot write HV.CFG on %s: %s", disk->name, fat_strerror(r));
        return fat_to_errno(r);
    }
    return 0;
}

int bootcfg_set(const char *const *keys, const char *const *values, int n, char *why, size_t len)
{
    char msg[HVCFG_MSG_MAX];
    if (why && len)
        why[0] = 0;
    if (n < 0 || (n > 0 && (!keys || !values))) {
        say(why, len, "HV.CFG: no keys given");
        return -E_INVAL;
    }
    /* Every value first: nothing is written when any is bad. */
    for (int i = 0; i < n; i++) {
        if (hvcfg_check(keys[i], values[i], msg, sizeof(msg)) < 0) {
            say(why, len, "HV.CFG: %s", msg);
            return -E_INVAL;
        }
    }
    if (!disk) {
        say(why, len, "cannot write HV.CFG: no disk has the boot partition (LBA %u)", boot_lba);
        return -E_NOENT;
    }
    int r = lock_take();
    if (r < 0) {
        say(why, len, "HV.CFG is being changed by someone else; try again");
        return r;
    }
    r = set_locked(keys, values, n, why, len);
    lock_give();
    if (r == 0)
        kprintf("hv: HV.CFG on %s changed (applies at the next boot)\n", disk->name);
    return r;
}
