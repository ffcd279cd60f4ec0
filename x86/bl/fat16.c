/*
 * Read-only FAT16 (root directory only), see fat16.h.  Everything read
 * from the disk is distrusted: the boot sector is checked field by field
 * and every cluster link is range-checked before it is followed.
 */
#include "bl/fat16.h"

#define FAT16_MIN_CLUSTERS 4085u    /* fewer: FAT12 by definition */
#define FAT16_MAX_CLUSTERS 65524u   /* more: FAT32 */
#define FAT16_EOC 0xFFF8u           /* this and above: end of chain */

#define ATTR_VOLUME 0x08u           /* also set in long-name entries */
#define ATTR_DIR    0x10u

static uint32_t rd16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | rd16(p + 2) << 16;
}

static int disk_read(struct fat16 *fs, uint32_t lba, uint32_t count, void *buf)
{
    return fs->read(fs->ctx, lba, count, buf) < 0 ? FAT16_E_IO : FAT16_OK;
}

int fat16_mount(struct fat16 *fs, fat16_read_fn read, void *ctx, uint32_t part_lba)
{
    const uint8_t *b = fs->buf;

    fs->read = read;
    fs->ctx = ctx;
    fs->part_lba = part_lba;
    fs->cached_fat = 0;
    if (disk_read(fs, part_lba, 1, fs->buf) < 0)
        return FAT16_E_IO;

    uint32_t bps = rd16(b + 11), spc = b[13], reserved = rd16(b + 14);
    uint32_t nfats = b[16], root_entries = rd16(b + 17);
    uint32_t total = rd16(b + 19) ? rd16(b + 19) : rd32(b + 32);
    uint32_t fat_size = rd16(b + 22);

    if (b[510] != 0x55 || b[511] != 0xAA || bps != FAT16_SECTOR)
        return FAT16_E_NOTFAT;
    if (spc == 0 || (spc & (spc - 1)) != 0 || reserved == 0 || nfats == 0 ||
        root_entries == 0 || fat_size == 0)
        return FAT16_E_NOTFAT;

    uint32_t root_sectors = (root_entries * 32 + FAT16_SECTOR - 1) / FAT16_SECTOR;
    uint32_t meta = reserved + nfats * fat_size + root_sectors;
    if (total <= meta)
        return FAT16_E_NOTFAT;
    uint32_t clusters = (total - meta) / spc;
    if (clusters < FAT16_MIN_CLUSTERS || clusters > FAT16_MAX_CLUSTERS)
        return FAT16_E_NOTFAT;
    if (fat_size * (FAT16_SECTOR / 2) < clusters + 2)
        return FAT16_E_NOTFAT;     /* the FAT could not describe every cluster */

    fs->sec_per_clus = spc;
    fs->fat_lba = part_lba + reserved;
    fs->root_lba = fs->fat_lba + nfats * fat_size;
    fs->root_sectors = root_sectors;
    fs->data_lba = fs->root_lba + root_sectors;
    fs->max_cluster = clusters + 1;
    return FAT16_OK;
}

/* "kernel.bin" -> "KERNEL  BIN"; -1 if it cannot be an 8.3 name. */
static int to_83(const char *name, uint8_t out[11])
{
    int i = 0, n = 0;

    for (int k = 0; k < 11; k++)
        out[k] = ' ';
    for (; name[i] && name[i] != '.'; i++, n++) {
        if (n == 8)
            return -1;
        out[n] = (uint8_t)name[i];
    }
    if (n == 0)
        return -1;
    if (name[i] == '.') {
        for (i++, n = 8; name[i]; i++, n++) {
            if (n == 11 || name[i] == '.')
                return -1;
            out[n] = (uint8_t)name[i];
        }
    }
    for (int k = 0; k < 11; k++)
        if (out[k] >= 'a' && out[k] <= 'z')
            out[k] = (uint8_t)(out[k] - 'a' + 'A');
    return 0;
}

int fat16_find(struct fat16 *fs, const char *name, struct fat16_file *out)
{
    uint8_t want[11];

    if (to_83(name, want) < 0)
        return FAT16_E_NOTFOUND;
    for (uint32_t s = 0; s < fs->root_sectors; s++) {
        if (disk_read(fs, fs->root_lba + s, 1, fs->buf) < 0)
            return FAT16_E_IO;
        for (uint32_t off = 0; off < FAT16_SECTOR; off += 32) {
            const uint8_t *e = fs->buf + off;
            if (e[0] == 0x00)
                return FAT16_E_NOTFOUND;    /* end of directory */
            if (e[0] == 0xE5 || (e[11] & (ATTR_VOLUME | ATTR_DIR)))
                continue;
            int k = 0;
            while (k < 11 && e[k] == want[k])
                k++;
            if (k == 11) {
                out->first_cluster = (uint16_t)rd16(e + 26);
                out->size = rd32(e + 28);
                return FAT16_OK;
            }
        }
    }
    return FAT16_E_NOTFOUND;
}

static int fat_next(struct fat16 *fs, uint32_t cluster, uint32_t *next)
{
    uint32_t lba = fs->fat_lba + cluster * 2 / FAT16_SECTOR;

    if (fs->cached_fat != lba) {
        fs->cached_fat = 0;
        if (disk_read(fs, lba, 1, fs->fat_buf) < 0)
            return FAT16_E_IO;
        fs->cached_fat = lba;
    }
    *next = rd16(fs->fat_buf + cluster * 2 % FAT16_SECTOR);
    return FAT16_OK;
}

static int valid_cluster(const struct fat16 *fs, uint32_t c)
{
    return c >= 2 && c <= fs->max_cluster;
}

static uint32_t cluster_bytes(const struct fat16 *fs)
{
    return fs->sec_per_clus * FAT16_SECTOR;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

int fat16_check_chain(struct fat16 *fs, const struct fat16_file *f, uint32_t *usable)
{
    uint32_t csize = cluster_bytes(fs);
    uint32_t need = f->size / csize + (f->size % csize != 0);
    uint32_t c = f->first_cluster, count = 1;

    *usable = 0;
    if (f->size == 0)
        return FAT16_OK;
    if (!valid_cluster(fs, c))
        return FAT16_E_BADLINK;

    /* Brent's cycle detection: a loop is found in O(chain length) steps
     * with O(1) memory, whatever the FAT contains. */
    uint32_t tortoise = c, power = 1, lam = 1;
    for (;;) {
        uint32_t next;
        int r = fat_next(fs, c, &next);
        if (r < 0)
            return r;
        if (next >= FAT16_EOC) {
            *usable = min_u32(f->size, min_u32(count, need) * csize);
            if (count < need)
                return FAT16_E_SHORT;
            return count > need ? FAT16_E_LONG : FAT16_OK;
        }
        if (!valid_cluster(fs, next)) {
            *usable = min_u32(min_u32(count, need) * csize, f->size);
            return FAT16_E_BADLINK;
        }
        c = next;
        count++;
        if (c == tortoise)
            return FAT16_E_LOOP;
        if (lam == power) {
            tortoise = c;
            power <<= 1;
            lam = 0;
        }
        lam++;
    }
}

int fat16_read(struct fat16 *fs, const struct fat16_file *f, void *dst, uint32_t len)
{
    uint8_t *out = dst;
    uint32_t csize = cluster_bytes(fs);
    uint32_t c = f->first_cluster, done = 0;

    if (len > f->size)
        return FAT16_E_SHORT;
    while (done < len) {
        if (!valid_cluster(fs, c))
            return FAT16_E_BADLINK;

        /* Gather a run of consecutive clusters into one read request. */
        uint32_t run = 1, last = c, next = 0;
        while ((uint64_t)run * csize < len - done) {
            int r = fat_next(fs, last, &next);
            if (r < 0)
                return r;
            if (next != last + 1 || !valid_cluster(fs, next))
                break;
            run++;
            last = next;
        }

        uint64_t run_bytes = (uint64_t)run * csize;
        uint32_t bytes = run_bytes < len - done ? (uint32_t)run_bytes : len - done;
        uint32_t lba = fs->data_lba + (c - 2) * fs->sec_per_clus;
        uint32_t full = bytes / FAT16_SECTOR, rest = bytes % FAT16_SECTOR;
        if (full && disk_read(fs, lba, full, out + done) < 0)
            return FAT16_E_IO;
        if (rest) {
            if (disk_read(fs, lba + full, 1, fs->buf) < 0)
                return FAT16_E_IO;
            for (uint32_t i = 0; i < rest; i++)
                out[done + full * FAT16_SECTOR + i] = fs->buf[i];
        }
        done += bytes;
        if (done < len && next >= FAT16_EOC)
            return FAT16_E_SHORT;
        c = next;
    }
    return FAT16_OK;
}

const char *fat16_strerror(int err)
{
    switch (err) {
    case FAT16_OK: return "no error";
    case FAT16_E_IO: return "disk read error";
    case FAT16_E_NOTFAT: return "not a FAT16 file system";
    case FAT16_E_NOTFOUND: return "file not found";
    case FAT16_E_SHORT: return "cluster chain ends early";
    case FAT16_E_LOOP: return "cluster chain loops";
    case FAT16_E_LONG: return "cluster chain longer than the file";
    case FAT16_E_BADLINK: return "cluster chain points outside the FAT";
    }
    return "unknown error";
}
