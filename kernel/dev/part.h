/* Partition tables: MBR (the four primary entries; extended partitions are
 * not followed) and GPT (header and entry-array CRC32 checked, the backup
 * header used when the primary is bad). Pure code: the disk is reached
 * through a read callback, so host tests feed it images. Owner: storage. */
#ifndef HV_DEV_PART_H
#define HV_DEV_PART_H

#include <stdint.h>
#include <stddef.h>

#define PART_MAX 16                      /* partitions kept per disk */
#define PART_GPT_MAX_ENTRIES 4096        /* more is a hostile header */

/* Reads count sectors at lba into buf; 0 or a negative error code. */
typedef int (*part_read_fn)(void *ctx, uint64_t lba, uint32_t count, void *buf);

enum part_scheme { PART_NONE = 0, PART_MBR = 1, PART_GPT = 2 };

struct part {
    unsigned index;                      /* 1-based: MBR slot or GPT entry number */
    uint64_t first_lba;
    uint64_t sectors;
    uint8_t  mbr_type;                   /* MBR system id; 0 for GPT */
    uint8_t  type_guid[16];              /* GPT only, on-disk byte order */
    uint8_t  guid[16];
    char     name[37];                   /* GPT name, UTF-16 reduced to ASCII ('?') */
    int      bootable;                   /* MBR active flag */
};

struct part_table {
    enum part_scheme scheme;
    unsigned count;
    struct part part[PART_MAX];
    unsigned skipped;                    /* entries dropped: outside the disk, overlaps, over PART_MAX */
    const char *warning;                 /* first problem met, NULL if none */
};

/* Reads the tables of a disk of sector_count sectors of sector_size bytes
 * (512..4096). buf is scratch space of at least sector_size bytes.
 * Returns 0 (out filled, scheme PART_NONE when there is no table) or a
 * negative error code when the disk could not be read. */
int part_scan(part_read_fn read, void *ctx, uint32_t sector_size, uint64_t sector_count,
              void *buf, struct part_table *out);

uint32_t part_crc32(uint32_t crc, const void *p, size_t n);   /* IEEE, as GPT uses */
const char *part_scheme_name(enum part_scheme s);
/* Zero-based GUID text "xxxxxxxx-xxxx-..." from the on-disk (mixed-endian) form. */
void part_guid_str(const uint8_t g[16], char out[37]);

#endif
