/* Partition tables (kernel/dev/part.c) on disks built in memory, including
 * corrupt and hostile ones, and ATA IDENTIFY decoding (kernel/dev/ata_id.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "dev/part.h"
#include "dev/ata_id.h"
#include "lib/errno.h"

struct disk {
    uint8_t *data;
    uint32_t ss;
    uint64_t nsec;
    int fail_lba;                   /* this LBA reads as an I/O error; -1 none */
};

static int disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    struct disk *d = ctx;
    if (lba >= d->nsec || count > d->nsec - lba)
        return -E_RANGE;            /* the parser must never ask for this */
    if (d->fail_lba >= 0 && (uint64_t)d->fail_lba >= lba && (uint64_t)d->fail_lba < lba + count)
        return -E_IO;
    memcpy(buf, d->data + lba * d->ss, (size_t)count * d->ss);
    return 0;
}

static struct disk *disk_new(uint32_t ss, uint64_t nsec)
{
    struct disk *d = calloc(1, sizeof(*d));
    d->data = calloc(nsec, ss);
    d->ss = ss;
    d->nsec = nsec;
    d->fail_lba = -1;
    return d;
}

static void disk_free(struct disk *d)
{
    free(d->data);
    free(d);
}

static int scan(struct disk *d, struct part_table *t)
{
    uint8_t *buf = malloc(d->ss);
    int rc = part_scan(disk_read, d, d->ss, d->nsec, buf, t);
    free(buf);
    return rc;
}

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i); }
static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> 8 * i); }

static void mbr_entry(struct disk *d, int slot, uint8_t status, uint8_t type, uint32_t first, uint32_t count)
{
    uint8_t *e = d->data + 446 + 16 * slot;
    e[0] = status;
    e[4] = type;
    put32(e + 8, first);
    put32(e + 12, count);
    d->data[510] = 0x55;
    d->data[511] = 0xAA;
}

/* --- GPT images ----------------------------------------------------------- */

#define NENT 128
#define ESIZE 128

struct gpt_part { uint64_t first, last; const char *name; };

static void gpt_seal_entries(struct disk *d, uint64_t hdr_lba)
{
    uint8_t *h = d->data + hdr_lba * d->ss;
    uint64_t elba;
    memcpy(&elba, h + 72, 8);
    uint32_t n, es;
    memcpy(&n, h + 80, 4);
    memcpy(&es, h + 84, 4);
    put32(h + 88, part_crc32(0, d->data + elba * d->ss, (size_t)n * es));
}

static void gpt_seal_header(struct disk *d, uint64_t hdr_lba)
{
    uint8_t *h = d->data + hdr_lba * d->ss;
    uint32_t hs;
    memcpy(&hs, h + 12, 4);
    put32(h + 16, 0);
    put32(h + 16, part_crc32(0, h, hs));
}

static void gpt_header(struct disk *d, uint64_t my, uint64_t alt, uint64_t elba, uint32_t esecs)
{
    uint8_t *h = d->data + my * d->ss;
    memcpy(h, "EFI PART", 8);
    put32(h + 8, 0x10000);
    put32(h + 12, 92);
    put64(h + 24, my);
    put64(h + 32, alt);
    put64(h + 40, 2 + esecs);
    put64(h + 48, d->nsec - 2 - esecs);
    memset(h + 56, 0xAB, 16);
    put64(h + 72, elba);
    put32(h + 80, NENT);
    put32(h + 84, ESIZE);
    gpt_seal_entries(d, my);
    gpt_seal_header(d, my);
}

static void gpt_build(struct disk *d, const struct gpt_part *p, int n)
{
    mbr_entry(d, 0, 0, 0xEE, 1, (uint32_t)(d->nsec - 1));
    uint32_t esecs = NENT * ESIZE / d->ss;
    uint64_t backup_elba = d->nsec - 1 - esecs;
    for (int copy = 0; copy < 2; copy++) {
        uint8_t *ents = d->data + (copy ? backup_elba : 2) * d->ss;
        for (int i = 0; i < n; i++) {
            uint8_t *e = ents + i * ESIZE;
            memset(e, 0x11, 16);                /* type GUID: anything non-zero */
            memset(e + 16, 0x20 + i, 16);
            put64(e + 32, p[i].first);
            put64(e + 40, p[i].last);
            for (size_t c = 0; p[i].name && p[i].name[c]; c++)
                e[56 + 2 * c] = (uint8_t)p[i].name[c];
        }
    }
    gpt_header(d, 1, d->nsec - 1, 2, esecs);
    gpt_header(d, d->nsec - 1, 1, backup_elba, esecs);
}

static const struct gpt_part two[] = {
    { 2048, 4095, "boot" },
    { 4096, 8191, "data" },
};

/* --- tests ---------------------------------------------------------------- */

static void test_crc32(void **s)
{
    (void)s;
    assert_int_equal(part_crc32(0, "123456789", 9), 0xCBF43926u);
    assert_int_equal(part_crc32(part_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

static void test_blank(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 1000);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_NONE);
    assert_int_equal(t.count, 0);
    assert_null(t.warning);
    disk_free(d);
}

static void test_bad_arguments(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 16);
    struct part_table t;
    uint8_t buf[4096];
    assert_int_equal(part_scan(disk_read, d, 500, 16, buf, &t), -E_INVAL);
    assert_int_equal(part_scan(disk_read, d, 8192, 16, buf, &t), -E_INVAL);
    assert_int_equal(part_scan(disk_read, d, 512, 1, buf, &t), -E_INVAL);
    d->fail_lba = 0;
    assert_int_equal(scan(d, &t), -E_IO);
    disk_free(d);
}

static void test_mbr(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 100000);
    mbr_entry(d, 0, 0x80, 0x0E, 2048, 30000);
    mbr_entry(d, 2, 0x00, 0x0C, 40000, 60000);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_MBR);
    assert_int_equal(t.count, 2);
    assert_int_equal(t.part[0].index, 1);
    assert_int_equal(t.part[0].first_lba, 2048);
    assert_int_equal(t.part[0].sectors, 30000);
    assert_int_equal(t.part[0].mbr_type, 0x0E);
    assert_true(t.part[0].bootable);
    assert_int_equal(t.part[1].index, 3);
    assert_int_equal(t.part[1].first_lba, 40000);
    assert_false(t.part[1].bootable);
    assert_null(t.warning);
    disk_free(d);
}

static void test_mbr_outside_and_overlap(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 10000);
    mbr_entry(d, 0, 0, 0x83, 2048, 4000);
    mbr_entry(d, 1, 0, 0x83, 5000, 2000);          /* overlaps the first */
    mbr_entry(d, 2, 0, 0x83, 9000, 1001);          /* one sector past the end */
    mbr_entry(d, 3, 0, 0x83, 0xFFFFFFFF, 0xFFFFFFFF);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_MBR);
    assert_int_equal(t.count, 1);
    assert_int_equal(t.skipped, 3);
    assert_non_null(t.warning);
    disk_free(d);
}

static void test_mbr_exactly_fills_disk(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 10000);
    mbr_entry(d, 0, 0, 0x83, 1, 9999);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.count, 1);
    assert_int_equal(t.skipped, 0);
    disk_free(d);
}

static void test_mbr_extended_noted(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 10000);
    mbr_entry(d, 0, 0, 0x83, 100, 100);
    mbr_entry(d, 1, 0, 0x0F, 1000, 5000);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.count, 2);
    assert_non_null(t.warning);
    assert_non_null(strstr(t.warning, "extended"));
    disk_free(d);
}

static void test_superfloppy(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 10000);
    d->data[446] = 0x29;                           /* volume serial bytes, say */
    d->data[510] = 0x55;
    d->data[511] = 0xAA;
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_NONE);
    assert_non_null(t.warning);
    disk_free(d);
}

static void check_two(const struct part_table *t)
{
    assert_int_equal(t->scheme, PART_GPT);
    assert_int_equal(t->count, 2);
    assert_int_equal(t->part[0].index, 1);
    assert_int_equal(t->part[0].first_lba, 2048);
    assert_int_equal(t->part[0].sectors, 2048);
    assert_string_equal(t->part[0].name, "boot");
    assert_int_equal(t->part[1].index, 2);
    assert_int_equal(t->part[1].sectors, 4096);
    assert_string_equal(t->part[1].name, "data");
}

static void test_gpt(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 20000);
    gpt_build(d, two, 2);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    check_two(&t);
    assert_null(t.warning);
    disk_free(d);
}

static void test_gpt_4k(void **s)
{
    (void)s;
    struct disk *d = disk_new(4096, 10000);
    gpt_build(d, two, 2);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    check_two(&t);
    disk_free(d);
}

static void test_gpt_bad_header_crc_uses_backup(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 20000);
    gpt_build(d, two, 2);
    d->data[512 + 60] ^= 1;                        /* disk GUID byte, CRC not updated */
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    check_two(&t);
    assert_non_null(t.warning);
    assert_non_null(strstr(t.warning, "backup"));
    disk_free(d);
}

static void test_gpt_bad_entry_crc_uses_backup(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 20000);
    gpt_build(d, two, 2);
    d->data[2 * 512 + 40] ^= 1;                   /* primary entry 1's last LBA */
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    check_two(&t);
    assert_non_null(t.warning);
    disk_free(d);
}

static void test_gpt_both_bad(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 20000);
    gpt_build(d, two, 2);
    d->data[512 + 60] ^= 1;
    d->data[(d->nsec - 1) * 512 + 60] ^= 1;
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_NONE);
    assert_int_equal(t.count, 0);
    assert_non_null(strstr(t.warning, "CRC"));
    disk_free(d);
}

/* Header fields changed and the header CRC recomputed, so only the sanity
 * checks stand between the parser and the hostile value. Both copies. */
static void hostile(uint32_t off, uint64_t value, int width, const char *expect)
{
    struct disk *d = disk_new(512, 20000);
    gpt_build(d, two, 2);
    uint64_t hdrs[2] = { 1, d->nsec - 1 };
    for (int i = 0; i < 2; i++) {
        uint8_t *h = d->data + hdrs[i] * 512;
        if (width == 4)
            put32(h + off, (uint32_t)value);
        else
            put64(h + off, value);
        gpt_seal_header(d, hdrs[i]);
    }
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_NONE);
    assert_int_equal(t.count, 0);
    assert_non_null(t.warning);
    if (expect && !strstr(t.warning, expect))
        fail_msg("warning '%s' does not mention '%s'", t.warning, expect);
    disk_free(d);
}

static void test_gpt_hostile_sizes(void **s)
{
    (void)s;
    hostile(80, 0x7FFFFFFF, 4, "entry count");        /* entry count */
    hostile(80, 0, 4, "entry count");
    hostile(84, 0, 4, "entry size");                  /* entry size */
    hostile(84, 100000, 4, "entry size");
    hostile(84, 200, 4, "entry size");
    hostile(72, 19990, 8, "entry array");             /* array runs past the end */
    hostile(72, ~0ull, 8, "entry array");
    hostile(48, 20000, 8, "usable");                  /* last usable = disk size */
    hostile(40, 30000, 8, "usable");                  /* first > last */
    hostile(24, 5, 8, "not where");                   /* my LBA */
}

static void test_gpt_header_size(void **s)
{
    (void)s;
    /* Header sizes that would make the CRC read past the sector. */
    for (uint32_t hs = 0; hs < 2; hs++) {
        struct disk *d = disk_new(512, 20000);
        gpt_build(d, two, 2);
        uint32_t bad = hs ? 513 : 91;
        put32(d->data + 512 + 12, bad);
        put32(d->data + (d->nsec - 1) * 512 + 12, bad);
        struct part_table t;
        assert_int_equal(scan(d, &t), 0);
        assert_int_equal(t.scheme, PART_NONE);
        assert_non_null(strstr(t.warning, "header size"));
        disk_free(d);
    }
}

static void test_gpt_entries_outside(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 20000);
    const struct gpt_part p[] = {
        { 2048, 4095, "ok" },
        { 10, 100, "before first usable" },
        { 19000, 19999, "past last usable" },
        { 5000, 4000, "backwards" },
        { 3000, 5000, "overlap" },
        { 8000, ~0ull, "huge" },
    };
    gpt_build(d, p, 6);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_GPT);
    assert_int_equal(t.count, 1);
    assert_string_equal(t.part[0].name, "ok");
    assert_int_equal(t.skipped, 5);
    disk_free(d);
}

static void test_gpt_many_entries(void **s)
{
    (void)s;
    /* More used entries than PART_MAX: the rest are counted, not stored. */
    struct disk *d = disk_new(512, 40000);
    struct gpt_part p[20];
    for (int i = 0; i < 20; i++)
        p[i] = (struct gpt_part){ 100 + 1000 * (uint64_t)i, 100 + 1000 * (uint64_t)i + 999, "x" };
    gpt_build(d, p, 20);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.count, PART_MAX);
    assert_int_equal(t.skipped, 20 - PART_MAX);
    disk_free(d);
}

static void test_gpt_read_error(void **s)
{
    (void)s;
    struct disk *d = disk_new(512, 20000);
    gpt_build(d, two, 2);
    d->fail_lba = 3;
    struct part_table t;
    assert_int_equal(scan(d, &t), -E_IO);
    disk_free(d);
}

static void test_guid_str(void **s)
{
    (void)s;
    const uint8_t g[16] = { 0xAF, 0x3D, 0xC6, 0x0F, 0x83, 0x84, 0x72, 0x47,
                            0x8E, 0x79, 0x3D, 0x69, 0xD8, 0x47, 0x7D, 0xE4 };
    char out[37];
    part_guid_str(g, out);
    assert_string_equal(out, "0FC63DAF-8483-4772-8E79-3D69D8477DE4");
}

/* --- ATA IDENTIFY --------------------------------------------------------- */

/* IDENTIFY strings: space-padded, two characters per word, first in the high byte. */
static void id_string(uint16_t *w, const char *s, unsigned nwords)
{
    size_t len = strlen(s);
    for (unsigned i = 0; i < nwords; i++) {
        uint8_t a = 2 * i < len ? (uint8_t)s[2 * i] : ' ';
        uint8_t b = 2 * i + 1 < len ? (uint8_t)s[2 * i + 1] : ' ';
        w[i] = (uint16_t)(a << 8 | b);
    }
}

static void test_ata_id(void **s)
{
    (void)s;
    uint16_t id[256] = { 0 };
    id_string(id + 27, "QEMU HARDDISK", 20);
    char model[41];
    ata_id_string(id + 27, 20, model, sizeof(model));
    assert_string_equal(model, "QEMU HARDDISK");
    char small[5];
    ata_id_string(id + 27, 20, small, sizeof(small));
    assert_string_equal(small, "QEMU");

    id[60] = 0x1000;
    id[61] = 0x0002;                               /* LBA28: 0x21000 */
    assert_false(ata_id_lba48(id));
    assert_int_equal(ata_id_sectors(id), 0x21000);
    id[83] = 0x4000 | 1u << 10;
    id[100] = 0x0000;
    id[101] = 0x0000;
    id[102] = 0x0001;                              /* 2^32 sectors: past LBA28 */
    assert_true(ata_id_lba48(id));
    assert_int_equal(ata_id_sectors(id), 1ull << 32);
    id[83] = 1u << 10;                             /* word not valid (bits 15:14) */
    assert_false(ata_id_lba48(id));

    assert_int_equal(ata_id_sector_size(id), 512);
    id[106] = 0x4000 | 1u << 12;
    id[117] = 2048;                                /* words: 4096 bytes */
    assert_int_equal(ata_id_sector_size(id), 4096);
    id[117] = 3000;                                /* not a power of two */
    assert_int_equal(ata_id_sector_size(id), 512);
    id[118] = 0xFFFF;                              /* absurd */
    assert_int_equal(ata_id_sector_size(id), 512);
}

static void test_ata_id_junk(void **s)
{
    (void)s;
    uint16_t w[4] = { 0x2020, 0x4101, 0x4200, 0x2020 };   /* "  A\x01B\0  " */
    char out[16];
    ata_id_string(w, 4, out, sizeof(out));
    assert_string_equal(out, "A B");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32),
        cmocka_unit_test(test_blank),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_mbr),
        cmocka_unit_test(test_mbr_outside_and_overlap),
        cmocka_unit_test(test_mbr_exactly_fills_disk),
        cmocka_unit_test(test_mbr_extended_noted),
        cmocka_unit_test(test_superfloppy),
        cmocka_unit_test(test_gpt),
        cmocka_unit_test(test_gpt_4k),
        cmocka_unit_test(test_gpt_bad_header_crc_uses_backup),
        cmocka_unit_test(test_gpt_bad_entry_crc_uses_backup),
        cmocka_unit_test(test_gpt_both_bad),
        cmocka_unit_test(test_gpt_hostile_sizes),
        cmocka_unit_test(test_gpt_header_size),
        cmocka_unit_test(test_gpt_entries_outside),
        cmocka_unit_test(test_gpt_many_entries),
        cmocka_unit_test(test_gpt_read_error),
        cmocka_unit_test(test_guid_str),
        cmocka_unit_test(test_ata_id),
        cmocka_unit_test(test_ata_id_junk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
