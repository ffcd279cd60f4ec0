/* FAT16/FAT32 filesystem with long file names, written for crash safety.
 * Owner: kernel/fs. See docs/fat.md for the on-disk write ordering.
 *
 * No allocation: the caller provides the struct fat_vol (about 13 KiB) and
 * the file/dir handles. Not thread-safe: one caller at a time per volume.
 * Paths are relative to the root, '/'-separated ("VMS/first-os.cfg"), bytes
 * are UTF-8; lookup ignores ASCII case. */
#ifndef HV_FS_FAT_H
#define HV_FS_FAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/blkdev.h"

/* Errors, returned negated. */
enum {
    FAT_EIO = 1,        /* the block device failed */
    FAT_ENOENT,         /* no such file or directory */
    FAT_EEXIST,         /* name already exists */
    FAT_ENOSPC,         /* no free cluster or directory slot */
    FAT_ECORRUPT,       /* an on-disk value is invalid */
    FAT_EINVAL,         /* bad argument or name */
    FAT_ENOTDIR,        /* a path component is not a directory */
    FAT_EISDIR,         /* is a directory */
    FAT_ENAMETOOLONG,   /* name or path too long */
    FAT_ENOTEMPTY,      /* directory not empty */
    FAT_EROFS,          /* volume mounted read-only */
    FAT_EUNSUPPORTED,   /* FAT12, exotic geometry */
    FAT_EFBIG,          /* file would exceed 4 GiB - 1 */
    FAT_EBADF,          /* handle not open, or not open for writing */
    FAT_ERANGE,         /* positional I/O past the end of the file */
    FAT_ERRMAX
};

const char *fat_strerror(int err);   /* accepts err or -err */

#define FAT_NAME_MAX   255    /* bytes of UTF-8 in one path component */
#define FAT_PATH_MAX   1024
#define FAT_SECTOR_MAX 4096

enum fat_type { FAT_TYPE_16 = 16, FAT_TYPE_32 = 32 };

/* A mounted volume. Fields are private to kernel/fs; read them through
 * fat_statfs(). */
struct fat_vol {
    const struct blkdev *dev;
    bool readonly;
    enum fat_type type;
    uint32_t sector_size;
    uint32_t sec_per_clus;
    uint32_t cluster_size;        /* bytes */
    uint32_t fat_lba;             /* first sector of FAT copy 0 */
    uint32_t fat_sectors;         /* sectors per FAT copy */
    uint32_t nfats;
    uint32_t root_lba;            /* FAT16: fixed root directory */
    uint32_t root_entries;        /* FAT16: its slot count */
    uint32_t root_cluster;        /* FAT32: first cluster of the root */
    uint32_t data_lba;            /* sector of cluster 2 */
    uint32_t cluster_count;       /* valid clusters are 2 .. cluster_count+1 */
    uint32_t fsinfo_lba;          /* FAT32: 0 when absent */
    uint32_t free_clusters;       /* exact, counted at mount */
    uint32_t next_free;           /* allocation hint */
    bool fsinfo_unknown_on_disk;  /* FSInfo free count currently 0xFFFFFFFF */
    uint32_t (*clock)(void);      /* FAT date<<16 | time, or NULL */
    uint32_t temp_seq;            /* names for fat_replace_file temp files */
    /* One-sector write-back FAT cache; the others are scratch sectors. */
    uint64_t fcache_lba;          /* UINT64_MAX when empty */
    bool fcache_dirty;
    uint64_t dcache_lba;          /* directory sector cache, write-through */
    uint8_t fcache[FAT_SECTOR_MAX];
    uint8_t dcache[FAT_SECTOR_MAX];
    uint8_t scratch[FAT_SECTOR_MAX];
};

/* Where a directory entry set lives: what an open file must update. */
struct fat_dirloc {
    uint32_t dir_cluster;     /* first cluster of the directory; 0 = FAT16 root */
    uint32_t first_slot;      /* first entry of the set (LFN entries first) */
    uint32_t sfn_slot;        /* the 8.3 entry */
    uint64_t sfn_lba;         /* sector holding the 8.3 entry */
    uint32_t sfn_off;         /* byte offset of it in that sector */
};

struct fat_stat {
    uint32_t size;
    uint32_t first_cluster;
    uint8_t attr;             /* FAT_ATTR_* */
    uint16_t mdate, mtime;    /* FAT packed */
    bool is_dir;
};

#define FAT_ATTR_RO     0x01
#define FAT_ATTR_HIDDEN 0x02
#define FAT_ATTR_SYSTEM 0x04
#define FAT_ATTR_VOLID  0x08
#define FAT_ATTR_DIR    0x10
#define FAT_ATTR_ARCH   0x20
#define FAT_ATTR_LFN    0x0F

/* A run of a file's clusters that are consecutive on disk: file clusters
 * index .. index+count-1 are disk clusters cluster .. cluster+count-1. */
struct fat_extent {
    uint32_t index;
    uint32_t cluster;
    uint32_t count;
};

struct fat_file {
    struct fat_vol *vol;
    bool open, writable;
    bool modified;            /* fat_pwrite since the last fat_fsync */
    struct fat_dirloc loc;
    uint32_t first_cluster;   /* 0 while empty */
    uint32_t size;
    uint32_t nclus;           /* clusters in the chain */
    uint32_t pos;
    uint32_t cur_cluster;     /* cluster holding pos (cache), 0 = unknown */
    uint32_t cur_index;       /* its index in the chain */
    const struct fat_extent *map;  /* caller's extent map (fat_set_map), or NULL */
    uint32_t map_len;
};

struct fat_dir {
    struct fat_vol *vol;
    uint32_t cluster;         /* first cluster; 0 = FAT16 root */
    uint32_t slot;            /* next slot to read */
};

struct fat_dirent {
    char name[FAT_NAME_MAX * 3 + 1];  /* long name in UTF-8, else the 8.3 one */
    char short_name[13];              /* "NAME.EXT" */
    struct fat_stat st;
};

struct fat_statfs {
    enum fat_type type;
    uint32_t cluster_size;
    uint32_t cluster_count;
    uint32_t free_clusters;
};

/* Mount: validates the boot sector, FAT geometry and FSInfo, counts free
 * clusters. Writable mounts also repair what an interrupted write can leave
 * (FAT copies that differ, fat_replace_file temp files); see fat_repair() for
 * lost clusters. */
int fat_mount(struct fat_vol *v, const struct blkdev *dev, bool readonly);
int fat_sync(struct fat_vol *v);      /* write FSInfo, flush the device */
int fat_unmount(struct fat_vol *v);   /* fat_sync; v is unusable after */
void fat_set_clock(struct fat_vol *v, uint32_t (*clock)(void));
int fat_statfs(struct fat_vol *v, struct fat_statfs *st);

/* Frees clusters no file references and cuts chains longer than their
 * file's size: what a power cut in the middle of an allocation or free
 * leaves behind. bitmap needs (cluster_count + 9) / 8 bytes. */
int fat_repair(struct fat_vol *v, uint8_t *bitmap, size_t bitmap_len);
size_t fat_repair_bitmap_size(const struct fat_vol *v);

int fat_stat(struct fat_vol *v, const char *path, struct fat_stat *st);
int fat_mkdir(struct fat_vol *v, const char *path);
int fat_rmdir(struct fat_vol *v, const char *path);
int fat_unlink(struct fat_vol *v, const char *path);
/* Fails with -FAT_EEXIST when newpath exists; use fat_replace_file to
 * replace contents atomically. */
int fat_rename(struct fat_vol *v, const char *oldpath, const char *newpath);

int fat_opendir(struct fat_vol *v, const char *path, struct fat_dir *d);
/* 1 with *e filled, 0 at the end, or a negative error. Skips "." and "..". */
int fat_readdir(struct fat_dir *d, struct fat_dirent *e);

#define FAT_O_READ   0x0
#define FAT_O_WRITE  0x1
#define FAT_O_CREAT  0x2
#define FAT_O_EXCL   0x4
#define FAT_O_TRUNC  0x8

int fat_open(struct fat_vol *v, const char *path, unsigned flags, struct fat_file *f);
/* Byte counts, or a negative error. */
int64_t fat_read(struct fat_file *f, void *buf, size_t n);
int64_t fat_write(struct fat_file *f, const void *buf, size_t n);
#define FAT_SEEK_SET 0
#define FAT_SEEK_CUR 1
#define FAT_SEEK_END 2
int64_t fat_seek(struct fat_file *f, int64_t off, int whence);  /* new position */
int fat_truncate(struct fat_file *f, uint32_t size);  /* shrink or grow (zeros) */
int fat_close(struct fat_file *f);

/* Positional I/O for long-lived handles (VM disk images), fat_io.c.
 *
 * fat_pread/fat_pwrite move exactly n bytes at off, or nothing and a
 * negative error: -FAT_ERANGE when off + n passes the file's size (files do
 * not grow here). They do not move the position of fat_read/fat_write.
 * fat_pwrite overwrites in place: no allocation, no FAT or directory
 * change, no flush; the data is on disk only after fat_fsync, which stamps
 * the entry's modification time (once per fsync after writes) and flushes
 * the device's write cache. Runs of clusters consecutive on disk and
 * sector-aligned spans move in single device commands; a partial sector is
 * read, merged and written back.
 *
 * fat_extents fills ext[0..max) with f's chain as extents and sets *n to
 * how many the chain has (also when that is more than max, then with
 * -FAT_ENOSPC); ext may be NULL with max 0 to count. fat_set_map hands the
 * map back for f to use (the memory must outlive f or the next
 * fat_set_map(f, NULL, 0)): cluster lookups then cost O(log extents)
 * instead of a FAT walk. A handle without a map still walks forward from
 * its last position, so sequential access is linear. Anything that changes
 * the chain (fat_write past the end, fat_truncate) drops the map. */
int fat_pread(struct fat_file *f, uint64_t off, void *buf, size_t n);
int fat_pwrite(struct fat_file *f, uint64_t off, const void *buf, size_t n);
int fat_fsync(struct fat_file *f);
int fat_extents(struct fat_file *f, struct fat_extent *ext, uint32_t max, uint32_t *n);
void fat_set_map(struct fat_file *f, const struct fat_extent *map, uint32_t n);

/* Replaces (or creates) the file at path with exactly data[0..len), so that
 * after a power cut at any moment the file reads as the old or the new
 * content, never a mix. */
int fat_replace_file(struct fat_vol *v, const char *path, const void *data, uint32_t len);

#endif
