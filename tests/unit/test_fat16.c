/*
 * Host tests for BL's FAT16 reader (x86/bl/fat16.c) and CRC-32
 * (x86/bl/crc32.c).  The images are made at test time by mkfs.fat and
 * mcopy, then damaged on purpose by patching the FAT.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bl/crc32.h"
#include "bl/fat16.h"

static char dir[64];

struct disk {
    int fd;
    int reads;
    int fail_after;     /* fail every read after this many; -1 never */
};

static int disk_read(void *ctx, uint32_t lba, uint32_t count, void *buf)
{
    struct disk *d = ctx;
    if (d->fail_after >= 0 && d->reads >= d->fail_after)
        return -1;
    d->reads++;
    ssize_t want = (ssize_t)count * 512;
    return pread(d->fd, buf, (size_t)want, (off_t)lba * 512) == want ? 0 : -1;
}

static void sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fail_msg("command failed: %s", cmd);
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static uint8_t *pattern(size_t n, uint32_t seed)
{
    uint8_t *p = malloc(n ? n : 1);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (uint8_t)(seed >> 24);
    }
    return p;
}

/* A host file with the given size and pattern, copied onto img as name. */
static uint8_t *put(const char *img, const char *name, size_t n, uint32_t seed)
{
    char path[128];
    uint8_t *data = pattern(n, seed);
    snprintf(path, sizeof path, "%s/src.bin", dir);
    write_file(path, data, n);
    sh("mcopy -o -i %s %s ::%s", img, path, name);
    return data;
}

static int open_disk(const char *img, struct disk *d)
{
    d->fd = open(img, O_RDWR);
    assert_true(d->fd >= 0);
    d->reads = 0;
    d->fail_after = -1;
    return d->fd;
}

static void img_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void mkfs16(const char *img, unsigned kib, unsigned spc)
{
    sh("rm -f %s && mkfs.fat -F 16 -s %u -n HVBOOT -C %s %u >/dev/null", img, spc, img, kib);
}

static void read_back(struct fat16 *fs, const char *name, const uint8_t *want, size_t n)
{
    struct fat16_file f;
    uint32_t usable;
    assert_int_equal(fat16_find(fs, name, &f), FAT16_OK);
    assert_int_equal(f.size, n);
    assert_int_equal(fat16_check_chain(fs, &f, &usable), FAT16_OK);
    assert_int_equal(usable, n);
    uint8_t *got = malloc(n + 1);
    assert_non_null(got);
    assert_int_equal(fat16_read(fs, &f, got, (uint32_t)n), FAT16_OK);
    assert_memory_equal(got, want, n);
    /* a prefix read stops where asked */
    if (n > 700) {
        memset(got, 0xEE, n);
        assert_int_equal(fat16_read(fs, &f, got, 700), FAT16_OK);
        assert_memory_equal(got, want, 700);
        assert_int_equal(got[700], 0xEE);
    }
    free(got);
}

static void test_read_files(void **state)
{
    (void)state;
    char img[128];
    struct disk d;
    struct fat16 fs;
    static const size_t sizes[] = { 0, 1, 511, 512, 2048, 2049, 100000, 3u << 20 };
    static const char *const names[] = { "EMPTY", "ONE.TXT", "A.B", "S512.BIN",
                                         "C2048", "C2049.DAT", "HV.CFG", "KERNEL.BIN" };
    uint8_t *data[8];

    img_path(img, sizeof img, "files.img");
    mkfs16(img, 16384, 4);
    for (int i = 0; i < 8; i++)
        data[i] = put(img, names[i], sizes[i], (uint32_t)i + 1);
    open_disk(img, &d);
    assert_int_equal(fat16_mount(&fs, disk_read, &d, 0), FAT16_OK);
    for (int i = 0; i < 8; i++)
        read_back(&fs, names[i], data[i], sizes[i]);
    /* names are matched as 8.3, case-insensitively */
    read_back(&fs, "kernel.bin", data[7], sizes[7]);
    read_back(&fs, "hv.cfg", data[6], sizes[6]);
    /* the contiguous 3 MiB file costs few reads */
    struct fat16_file f;
    assert_int_equal(fat16_find(&fs, "KERNEL.BIN", &f), FAT16_OK);
    d.reads = 0;
    assert_int_equal(fat16_read(&fs, &f, data[7], f.size), FAT16_OK);
    assert_true(d.reads < 20);
    for (int i = 0; i < 8; i++)
        free(data[i]);
    close(d.fd);
}

static void test_fragmented_and_partition(void **state)
{
    (void)state;
    char img[128], disk_img[128];
    struct disk d;
    struct fat16 fs;

    img_path(img, sizeof img, "frag.img");
    mkfs16(img, 8192, 1);
    uint8_t *a = put(img, "A.BIN", 5000, 11);
    uint8_t *b = put(img, "B.BIN", 7000, 12);
    uint8_t *c = put(img, "C.BIN", 3000, 13);
    sh("mdel -i %s ::B.BIN", img);
    /* the new file fills the hole left by B, then continues after C */
    uint8_t *k = put(img, "K.BIN", 40000, 14);

    /* at LBA 2048 of a bigger disk, as on the real boot disk */
    img_path(disk_img, sizeof disk_img, "disk.img");
    sh("dd if=/dev/zero of=%s bs=512 count=2048 status=none && cat %s >> %s",
       disk_img, img, disk_img);
    open_disk(disk_img, &d);
    assert_int_equal(fat16_mount(&fs, disk_read, &d, 2048), FAT16_OK);
    read_back(&fs, "A.BIN", a, 5000);
    read_back(&fs, "C.BIN", c, 3000);
    read_back(&fs, "K.BIN", k, 40000);
    struct fat16_file f;
    assert_int_equal(fat16_find(&fs, "B.BIN", &f), FAT16_E_NOTFOUND);
    /* K really is in pieces: its first run ends at C */
    assert_int_equal(fat16_find(&fs, "K.BIN", &f), FAT16_OK);
    assert_true(f.first_cluster < 2 + 10 + 14);
    free(a); free(b); free(c); free(k);
    close(d.fd);
}

static void test_missing_and_bad_names(void **state)
{
    (void)state;
    char img[128];
    struct disk d;
    struct fat16 fs;
    struct fat16_file f;

    img_path(img, sizeof img, "names.img");
    mkfs16(img, 8192, 2);
    free(put(img, "BL.BIN", 100, 3));
    sh("mmd -i %s ::KERNEL.BIN", img);   /* a directory is not a file */
    sh("mcopy -i %s %s/src.bin ::averylongname.txt", img, dir); /* a long name */
    open_disk(img, &d);
    assert_int_equal(fat16_mount(&fs, disk_read, &d, 0), FAT16_OK);
    assert_int_equal(fat16_find(&fs, "KERNEL.BIN", &f), FAT16_E_NOTFOUND);
    assert_int_equal(fat16_find(&fs, "HV.CFG", &f), FAT16_E_NOTFOUND);
    assert_int_equal(fat16_find(&fs, "HVBOOT", &f), FAT16_E_NOTFOUND); /* the label */
    assert_int_equal(fat16_find(&fs, "TOOLONGNAME.BIN", &f), FAT16_E_NOTFOUND);
    assert_int_equal(fat16_find(&fs, "A.LONG", &f), FAT16_E_NOTFOUND);
    assert_int_equal(fat16_find(&fs, "", &f), FAT16_E_NOTFOUND);
    assert_int_equal(fat16_find(&fs, "A.B.C", &f), FAT16_E_NOTFOUND);
    assert_int_equal(fat16_find(&fs, "BL.BIN", &f), FAT16_OK);
    close(d.fd);
}

/* Sets FAT entry n (first FAT only, as the reader uses only that one). */
static void patch_fat(struct disk *d, const struct fat16 *fs, uint32_t n, uint16_t v)
{
    uint8_t le[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    assert_int_equal(pwrite(d->fd, le, 2, (off_t)fs->fat_lba * 512 + n * 2), 2);
}

/* One FAT patch: entry first+at := first+rel, or := abs when rel < 0. */
struct patch {
    int at, rel;
    uint16_t abs;
};

static void chain_case(const struct patch *pt, int npatch, int want, uint32_t want_usable)
{
    char img[128];
    struct disk d;
    struct fat16 fs;
    struct fat16_file f;
    uint32_t usable = 12345;

    img_path(img, sizeof img, "chain.img");
    mkfs16(img, 8192, 1);
    free(put(img, "KERNEL.BIN", 10 * 512 + 100, 5));   /* 11 clusters */
    open_disk(img, &d);
    assert_int_equal(fat16_mount(&fs, disk_read, &d, 0), FAT16_OK);
    assert_int_equal(fat16_find(&fs, "KERNEL.BIN", &f), FAT16_OK);
    uint32_t c0 = f.first_cluster;
    for (int i = 0; i < npatch; i++)
        patch_fat(&d, &fs, c0 + (uint32_t)pt[i].at,
                  pt[i].rel >= 0 ? (uint16_t)(c0 + (uint32_t)pt[i].rel) : pt[i].abs);
    assert_int_equal(fat16_mount(&fs, disk_read, &d, 0), FAT16_OK);
    assert_int_equal(fat16_check_chain(&fs, &f, &usable), want);
    if (want == FAT16_E_SHORT || want == FAT16_E_BADLINK)
        assert_int_equal(usable, want_usable);
    uint8_t *buf = malloc(f.size);
    assert_non_null(buf);
    /* reading never runs away, whatever the chain looks like */
    int r = fat16_read(&fs, &f, buf, f.size);
    if (want == FAT16_E_SHORT || want == FAT16_E_BADLINK)
        assert_int_equal(r, want);
    free(buf);
    close(d.fd);
}

#define CASE(want, usable, ...) do { \
        static const struct patch p_[] = { __VA_ARGS__ }; \
        chain_case(p_, (int)(sizeof p_ / sizeof p_[0]), want, usable); \
    } while (0)

static void test_truncated_chain(void **state)
{
    (void)state;
    CASE(FAT16_E_SHORT, 4 * 512, { 3, -1, 0xFFFF });    /* ends after 4 of 11 */
    CASE(FAT16_E_SHORT, 512, { 0, -1, 0xFFF8 });
    CASE(FAT16_E_SHORT, 10 * 512, { 9, -1, 0xFFFF });   /* one cluster short */
}

static void test_looping_chain(void **state)
{
    (void)state;
    CASE(FAT16_E_LOOP, 0, { 5, 1, 0 });       /* 6th -> 2nd */
    CASE(FAT16_E_LOOP, 0, { 0, 0, 0 });       /* first -> itself */
    CASE(FAT16_E_LOOP, 0, { 10, 0, 0 });      /* last -> first */
    CASE(FAT16_E_LOOP, 0, { 10, 30, 0 }, { 30, 31, 0 }, { 31, 7, 0 }); /* loop past the end */
}

static void test_bad_links(void **state)
{
    (void)state;
    CASE(FAT16_E_BADLINK, 3 * 512, { 2, -1, 0xFFF7 });   /* "bad cluster" mark */
    CASE(FAT16_E_BADLINK, 3 * 512, { 2, -1, 0x0000 });   /* a free cluster */
    CASE(FAT16_E_BADLINK, 3 * 512, { 2, -1, 0xFFF0 });   /* past the FAT */
    CASE(FAT16_E_BADLINK, 3 * 512, { 2, -1, 0x0001 });   /* reserved */
    CASE(FAT16_E_LONG, 0, { 10, 20, 0 }, { 20, -1, 0xFFFF }); /* one cluster too many */
}

static void test_not_fat16(void **state)
{
    (void)state;
    char img[128];
    struct disk d;
    struct fat16 fs;

    img_path(img, sizeof img, "junk.img");
    uint8_t *junk = pattern(1 << 20, 99);
    write_file(img, junk, 1 << 20);
    open_disk(img, &d);
    assert_int_equal(fat16_mount(&fs, disk_read, &d, 0), FAT16_E_NOTFAT);
    /* junk that carries a boot signature */
    assert_int_equal(pwrite(d.fd, "\x55\xAA", 2, 510), 2);
    assert_int_equal(fat16_mount(&fs, disk_read, &d, 0), FAT16_E_NOTFAT);
    close(d.fd);
    free(junk);

    sh("rm -f %s && mkfs.fat -F 32 -C %s 65536 >/dev/null", img, img);
    open_disk(img, &d);
    assert_int_equal(fat16_mount(&fs, disk_read, &d, 0), FAT16_E_NOTFAT);
    close(d.fd);
    sh("rm -f %s && mkfs.fat -F 12 -C %s 1440 >/dev/null", img, img);
    open_disk(img, &d);
    assert_int_equal(fat16_mount(&fs, disk_read, &d, 0), FAT16_E_NOTFAT);
    close(d.fd);

    /* a boot sector beyond the end of the disk is a read error */
    write_file(img, "", 0);
    open_disk(img, &d);
    assert_int_equal(fat16_mount(&fs, disk_read, &d, 0), FAT16_E_IO);
    close(d.fd);
}

static void test_read_errors(void **state)
{
    (void)state;
    char img[128];
    struct disk d;
    struct fat16 fs;
    struct fat16_file f;
    uint32_t usable;

    img_path(img, sizeof img, "io.img");
    mkfs16(img, 8192, 1);
    uint8_t *data = put(img, "KERNEL.BIN", 20000, 8);
    open_disk(img, &d);
    assert_int_equal(fat16_mount(&fs, disk_read, &d, 0), FAT16_OK);
    assert_int_equal(fat16_find(&fs, "KERNEL.BIN", &f), FAT16_OK);
    d.reads = 0;
    assert_int_equal(fat16_check_chain(&fs, &f, &usable), FAT16_OK);
    assert_int_equal(fat16_read(&fs, &f, data, f.size), FAT16_OK);
    int total = d.reads;
    assert_true(total >= 2);
    for (int n = 0; n < total; n++) {
        d.reads = 0;
        d.fail_after = -1;
        assert_int_equal(fat16_mount(&fs, disk_read, &d, 0), FAT16_OK);
        assert_int_equal(fat16_find(&fs, "KERNEL.BIN", &f), FAT16_OK);
        d.reads = 0;
        d.fail_after = n;
        int r = fat16_check_chain(&fs, &f, &usable);
        if (r == FAT16_OK)
            r = fat16_read(&fs, &f, data, f.size);
        assert_int_equal(r, FAT16_E_IO);
    }
    free(data);
    close(d.fd);
    assert_string_equal(fat16_strerror(FAT16_E_IO), "disk read error");
    assert_string_equal(fat16_strerror(FAT16_E_LOOP), "cluster chain loops");
}

static void test_crc32(void **state)
{
    (void)state;
    assert_int_equal(crc32_update(0, "", 0), 0);
    assert_int_equal(crc32_update(0, "123456789", 9), 0xCBF43926u);
    assert_int_equal(crc32_update(0, "The quick brown fox jumps over the lazy dog", 43),
                     0x414FA339u);
    /* in pieces = at once */
    uint8_t *p = pattern(10000, 7);
    uint32_t whole = crc32_update(0, p, 10000);
    assert_int_equal(crc32_update(crc32_update(0, p, 3333), p + 3333, 6667), whole);
    free(p);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/hv-fat16.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    setenv("MTOOLS_SKIP_CHECK", "1", 1);
    /* mkfs.fat lives in /usr/sbin, which a non-root PATH may lack. */
    char path[4096];
    snprintf(path, sizeof path, "/usr/sbin:/sbin:%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    setenv("PATH", path, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sh("rm -rf %s", dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_files),
        cmocka_unit_test(test_fragmented_and_partition),
        cmocka_unit_test(test_missing_and_bad_names),
        cmocka_unit_test(test_truncated_chain),
        cmocka_unit_test(test_looping_chain),
        cmocka_unit_test(test_bad_links),
        cmocka_unit_test(test_not_fat16),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_crc32),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
