/* MBR and GPT parsing. Every number read from the disk is treated as hostile:
 * sizes are checked against the disk before anything is read or trusted, and
 * a partition that does not fit is dropped (counted in `skipped`) rather than
 * shown. */
#include "dev/part.h"
#include "lib/errno.h"
#ifdef HV_HOST_TEST
#include <string.h>
#else
#include "lib/string.h"
#endif

#define MBR_TYPE_GPT_PROTECTIVE 0xEE
#define GPT_HEADER_MIN 92u

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

uint32_t part_crc32(uint32_t crc, const void *p, size_t n)
{
    const uint8_t *b = p;
    crc = ~crc;
    while (n--) {
        crc ^= *b++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
}

const char *part_scheme_name(enum part_scheme s)
{
    switch (s) {
    case PART_MBR: return "mbr";
    case PART_GPT: return "gpt";
    default:       return "none";
    }
}

void part_guid_str(const uint8_t g[16], char out[37])
{
    /* The first three fields are little-endian on disk. */
    static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
    static const char hex[] = "0123456789ABCDEF";
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[g[order[i]] >> 4];
        out[o++] = hex[g[order[i]] & 15];
    }
    out[o] = 0;
}

static void warn(struct part_table *t, const char *msg)
{
    if (!t->warning)
        t->warning = msg;
}

static int overlaps(const struct part_table *t, uint64_t first, uint64_t sectors)
{
    for (unsigned i = 0; i < t->count; i++) {
        const struct part *p = &t->part[i];
        if (first < p->first_lba + p->sectors && p->first_lba < first + sectors)
            return 1;
    }
    return 0;
}

/* Adds one partition after the checks every scheme shares; returns the slot
 * or NULL when it was dropped. */
static struct part *add(struct part_table *t, unsigned index, uint64_t first, uint64_t sectors,
                        uint64_t lo, uint64_t hi)
{
    if (sectors == 0 || first < lo || first > hi || sectors - 1 > hi - first) {
        warn(t, "a partition lies outside the disk; dropped");
        t->skipped++;
        return NULL;
    }
    if (overlaps(t, first, sectors)) {
        warn(t, "two partitions overlap; the later one dropped");
        t->skipped++;
        return NULL;
    }
    if (t->count == PART_MAX) {
        warn(t, "too many partitions; the rest not shown");
        t->skipped++;
        return NULL;
    }
    struct part *p = &t->part[t->count++];
    memset(p, 0, sizeof(*p));
    p->index = index;
    p->first_lba = first;
    p->sectors = sectors;
    return p;
}

/* One GPT header at lba; 0 when valid (then the entries are parsed into t),
 * a negative code when the disk could not be read, 1 when the header or its
 * entries are not valid (reason in *why). */
static int gpt_try(part_read_fn read, void *ctx, uint32_t ss, uint64_t nsec, uint64_t lba,
                   uint8_t *buf, struct part_table *t, const char **why)
{
    int rc = read(ctx, lba, 1, buf);
    if (rc < 0)
        return rc;
    if (memcmp(buf, "EFI PART", 8) != 0) {
        *why = "no GPT signature";
        return 1;
    }
    uint32_t hsize = rd32(buf + 12);
    if (hsize < GPT_HEADER_MIN || hsize > ss) {
        *why = "GPT header size invalid";
        return 1;
    }
    uint32_t want = rd32(buf + 16);
    uint8_t zero[4] = { 0, 0, 0, 0 };
    uint32_t crc = part_crc32(0, buf, 16);
    crc = part_crc32(crc, zero, 4);
    crc = part_crc32(crc, buf + 20, hsize - 20);
    if (crc != want) {
        *why = "GPT header CRC mismatch";
        return 1;
    }
    uint64_t my_lba = rd64(buf + 24);
    uint64_t first_usable = rd64(buf + 40), last_usable = rd64(buf + 48);
    uint64_t entries_lba = rd64(buf + 72);
    uint32_t nent = rd32(buf + 80), esize = rd32(buf + 84), ecrc = rd32(buf + 88);
    if (my_lba != lba) {
        *why = "GPT header is not where it says it is";
        return 1;
    }
    if (first_usable > last_usable || last_usable >= nsec || first_usable < 2) {
        *why = "GPT usable range outside the disk";
        return 1;
    }
    /* 128 * 2^n, and no larger than a sector so entries never straddle one. */
    if (esize < 128 || esize > ss || (esize & (esize - 1)) != 0) {
        *why = "GPT entry size unsupported";
        return 1;
    }
    if (nent == 0 || nent > PART_GPT_MAX_ENTRIES) {
        *why = "GPT entry count invalid";
        return 1;
    }
    uint32_t per = ss / esize;
    uint64_t esectors = ((uint64_t)nent + per - 1) / per;
    if (entries_lba < 2 || entries_lba >= nsec || esectors > nsec - entries_lba) {
        *why = "GPT entry array outside the disk";
        return 1;
    }
    /* Pass one: the CRC over exactly nent * esize bytes. */
    crc = 0;
    uint64_t left = (uint64_t)nent * esize;
    for (uint64_t s = 0; s < esectors; s++) {
        if ((rc = read(ctx, entries_lba + s, 1, buf)) < 0)
            return rc;
        uint32_t n = left < ss ? (uint32_t)left : ss;
        crc = part_crc32(crc, buf, n);
        left -= n;
    }
    if (crc != ecrc) {
        *why = "GPT entry array CRC mismatch";
        return 1;
    }
    /* Pass two: the entries. The CRC matched, but sizes are still hostile. */
    t->scheme = PART_GPT;
    t->count = 0;
    unsigned index = 0;
    for (uint64_t s = 0; s < esectors; s++) {
        if ((rc = read(ctx, entries_lba + s, 1, buf)) < 0)
            return rc;
        for (uint32_t k = 0; k < per && index < nent; k++) {
            const uint8_t *e = buf + (size_t)k * esize;
            index++;
            static const uint8_t unused[16];
            if (memcmp(e, unused, 16) == 0)
                continue;
            uint64_t first = rd64(e + 32), last = rd64(e + 40);
            if (last < first) {
                warn(t, "a GPT entry ends before it starts; dropped");
                t->skipped++;
                continue;
            }
            struct part *p = add(t, index, first, last - first + 1, first_usable, last_usable);
            if (!p)
                continue;
            memcpy(p->type_guid, e, 16);
            memcpy(p->guid, e + 16, 16);
            for (int c = 0; c < 36; c++) {
                uint16_t ch = rd16(e + 56 + 2 * c);
                if (ch == 0)
                    break;
                p->name[c] = ch >= 0x20 && ch < 0x7F ? (char)ch : '?';
            }
        }
    }
    return 0;
}

static int gpt_scan(part_read_fn read, void *ctx, uint32_t ss, uint64_t nsec, uint8_t *buf,
                    struct part_table *t)
{
    const char *why = NULL;
    int rc = gpt_try(read, ctx, ss, nsec, 1, buf, t, &why);
    if (rc <= 0)
        return rc;
    const char *why_backup = NULL;
    rc = gpt_try(read, ctx, ss, nsec, nsec - 1, buf, t, &why_backup);
    if (rc == 0) {
        warn(t, "primary GPT invalid; using the backup");
        return 0;
    }
    if (rc < 0)
        return rc;
    t->scheme = PART_NONE;
    t->count = 0;
    warn(t, why);
    return 0;
}

static int mbr_scan(const uint8_t *s, uint64_t nsec, struct part_table *t)
{
    const uint8_t *e = s + 446;
    for (int i = 0; i < 4; i++)
        if (e[16 * i] != 0x00 && e[16 * i] != 0x80) {
            /* A boot sector with no table (a "superfloppy" FAT volume). */
            warn(t, "sector 0 has a signature but no partition table");
            return 0;
        }
    t->scheme = PART_MBR;
    for (unsigned i = 0; i < 4; i++, e += 16) {
        uint8_t type = e[4];
        uint32_t first = rd32(e + 8), count = rd32(e + 12);
        if (type == 0 || count == 0)
            continue;
        if (type == 0x05 || type == 0x0F || type == 0x85)
            warn(t, "extended partition present; its logical partitions are not listed");
        struct part *p = add(t, i + 1, first, count, 1, nsec - 1);
        if (!p)
            continue;
        p->mbr_type = type;
        p->bootable = e[0] == 0x80;
    }
    return 0;
}

int part_scan(part_read_fn read, void *ctx, uint32_t ss, uint64_t nsec, void *buf,
              struct part_table *out)
{
    memset(out, 0, sizeof(*out));
    if (ss < 512 || ss > 4096 || (ss & (ss - 1)) != 0 || nsec < 2)
        return -E_INVAL;
    uint8_t *b = buf;
    int rc = read(ctx, 0, 1, b);
    if (rc < 0)
        return rc;
    if (b[510] != 0x55 || b[511] != 0xAA)
        return 0;                               /* blank or unpartitioned */
    int gpt = 0;
    for (int i = 0; i < 4; i++)
        if (b[446 + 16 * i + 4] == MBR_TYPE_GPT_PROTECTIVE)
            gpt = 1;
    if (gpt)
        return gpt_scan(read, ctx, ss, nsec, b, out);
    return mbr_scan(b, nsec, out);
}
