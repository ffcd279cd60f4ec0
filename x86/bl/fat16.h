/*
 * A small read-only FAT16 reader: root directory lookup by 8.3 name and
 * whole-file reads along the cluster chain.  Pure code: every disk access
 * goes through the caller's read callback, so it runs in BL (through the
 * BIOS call gate) and on the host in unit tests alike.
 */
#ifndef HV_BL_FAT16_H
#define HV_BL_FAT16_H

#include <stdint.h>

#define FAT16_SECTOR 512

/* Errors are negative; FAT16_OK is 0. */
enum {
    FAT16_OK = 0,
    FAT16_E_IO = -1,        /* the read callback failed */
    FAT16_E_NOTFAT = -2,    /* no valid FAT16 boot sector */
    FAT16_E_NOTFOUND = -3,  /* no such file in the root directory */
    FAT16_E_SHORT = -4,     /* chain ends before the file size is covered */
    FAT16_E_LOOP = -5,      /* chain loops back on itself */
    FAT16_E_LONG = -6,      /* chain goes on past the end of the file */
    FAT16_E_BADLINK = -7,   /* chain links to a free/bad cluster or outside the FAT */
};

/* Reads count 512-byte sectors at absolute lba into buf; 0 or negative. */
typedef int (*fat16_read_fn)(void *ctx, uint32_t lba, uint32_t count, void *buf);

struct fat16 {
    fat16_read_fn read;
    void *ctx;
    uint32_t part_lba;          /* first sector of the file system */
    uint32_t sec_per_clus;
    uint32_t fat_lba;           /* absolute */
    uint32_t root_lba;          /* absolute */
    uint32_t root_sectors;
    uint32_t data_lba;          /* absolute LBA of cluster 2 */
    uint32_t max_cluster;       /* highest valid cluster number */
    uint32_t cached_fat;        /* absolute LBA in fat_buf, 0 = none */
    uint8_t fat_buf[FAT16_SECTOR];
    uint8_t buf[FAT16_SECTOR];  /* boot sector, directory, partial sectors */
};

struct fat16_file {
    uint32_t size;              /* bytes, from the directory entry */
    uint16_t first_cluster;
};

int fat16_mount(struct fat16 *fs, fat16_read_fn read, void *ctx, uint32_t part_lba);
/* name as usual ("KERNEL.BIN"); matched case-insensitively as 8.3. */
int fat16_find(struct fat16 *fs, const char *name, struct fat16_file *out);
/* Walks the whole chain without reading data.  On FAT16_E_SHORT and
 * FAT16_E_BADLINK *usable gets the bytes the intact part of the chain holds
 * (capped at the file size); on success it is the file size. */
int fat16_check_chain(struct fat16 *fs, const struct fat16_file *f, uint32_t *usable);
/* Reads the first len bytes (len <= f->size) into dst. */
int fat16_read(struct fat16 *fs, const struct fat16_file *f, void *dst, uint32_t len);
/* A short English description of a FAT16_E_* code. */
const char *fat16_strerror(int err);

#endif
