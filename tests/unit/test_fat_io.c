/* Host tests for positional I/O on FAT files (kernel/fs/fat_io.c): what VM
 * disk images on the datastore use. Volumes from mkfs.fat (512-byte and
 * 4 KiB sectors), a contiguous image from mcopy and a fragmented one;
 * reads and writes at odd offsets and across clusters checked against a
 * reference copy, on the host with mtype, and fsck.fat -n. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/wait.h>

#include "test_fat_util.h"

struct geom { int fat, kib, spc, ss; };
/* FAT32 needs at least 65525 clusters (mtools takes fewer for FAT16). */
static const struct geom geoms[] = {
    { 32, 34000, 1, 512 },     /* 512-byte clusters: long chains */
    { 16, 70000, 8, 512 },     /* 4 KiB clusters */
    { 32, 70000, 2, 512 },
    { 16, 140000, 1, 4096 },   /* 4 KiB sectors */
    { 32, 280000, 1, 4096 },
};
#define NGEOM (sizeof geoms / sizeof geoms[0])

static char img[300], host[300];

/* Counts device commands under the FAT code. */
struct counting {
    struct blkdev *inner;
    long read_cmds, write_cmds, read_secs;
    struct blkdev dev;
};

static int c_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
    struct counting *c = ctx;
    c->read_cmds++;
    c->read_secs += n;
    return c->inner->read(c->inner->ctx, lba, n, buf);
}

static int c_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
    struct counting *c = ctx;
    c->write_cmds++;
    return c->inner->write(c->inner->ctx, lba, n, buf);
}

static int c_flush(void *ctx)
{
    struct counting *c = ctx;
    return c->inner->flush(c->inner->ctx);
}

static void counting_init(struct counting *c, struct blkdev *inner)
{
    c->inner = inner;
    c->read_cmds = c->write_cmds = c->read_secs = 0;
    c->dev = *inner;
    c->dev.ctx = c;
    c->dev.read = c_read;
    c->dev.write = c_write;
    c->dev.flush = c_flush;
}

static void mkimg_ss(const char *path, const struct geom *g)
{
    if (sh("rm -f %s && mkfs.fat -C -F %d -S %d -s %d -n HVTEST %s %d >/dev/null 2>&1", path,
           g->fat, g->ss, g->spc, path, g->kib)) {
        fprintf(stderr, "mkfs.fat failed for %s\n", path);
        exit(1);
    }
}

static void load(struct memdisk *m, const struct geom *g)
{
    md_load(m, img);
    m->ss = (uint32_t)g->ss;
    m->sectors = m->sectors * 512 / (uint64_t)g->ss;
    m->dev.sector_size = (uint32_t)g->ss;
    m->dev.sector_count = m->sectors;
}

static void save(struct memdisk *m)
{
    FILE *f = fopen(img, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(m->data, m->ss, m->sectors, f), m->sectors);
    fclose(f);
}

static void fsck_ok(void)
{
    char *o = sh_out("fsck.fat -n %s 2>&1; echo rc=$?", img);
    if (!strstr(o, "rc=0"))
        fail_msg("fsck.fat -n complained:\n%s", o);
}

static void host_matches(const char *mpath, const uint8_t *data, size_t n)
{
    assert_int_equal(sh("mtype -i %s '::/%s' > %s", img, mpath, host), 0);
    FILE *f = fopen(host, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(n + 1);
    size_t got = fread(buf, 1, n + 1, f);
    fclose(f);
    assert_int_equal(got, n);
    assert_memory_equal(buf, data, n);
    free(buf);
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(uint32_t below)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % below;
}

/* Odd offsets and lengths, across clusters, and whole aligned runs; every
 * write is mirrored in ref and every read checked against it. */
static void exercise(struct fat_file *f, uint8_t *ref, uint32_t size, uint32_t cs, unsigned seed)
{
    uint8_t *buf = malloc(70000), *src = malloc(70000);
    for (int i = 0; i < 300; i++) {
        uint32_t len, off;
        switch (i % 4) {
        case 0: len = 1 + rnd(3 * cs); break;                     /* across clusters */
        case 1: len = 1 + rnd(700); break;                        /* inside a sector */
        case 2: len = 512 * (1 + rnd(40)); break;                 /* whole 512 B sectors */
        default: len = 4096 * (1 + rnd(16)); break;               /* whole 4 KiB sectors */
        }
        if (len > size)
            len = size;
        off = rnd(size - len + 1);
        if (i % 4 >= 2)
            off -= off % (i % 4 == 2 ? 512 : 4096);
        if (i % 3 == 0) {
            fill_pattern(src, len, seed + (unsigned)i);
            assert_int_equal(fat_pwrite(f, off, src, len), 0);
            memcpy(ref + off, src, len);
        } else {
            memset(buf, 0xEE, len);
            assert_int_equal(fat_pread(f, off, buf, len), 0);
            assert_memory_equal(buf, ref + off, len);
        }
    }
    /* The first and last bytes, and a read of everything. */
    assert_int_equal(fat_pwrite(f, size - 1, "Z", 1), 0);
    ref[size - 1] = 'Z';
    assert_int_equal(fat_pwrite(f, 0, "A", 1), 0);
    ref[0] = 'A';
    uint8_t *all = malloc(size);
    assert_int_equal(fat_pread(f, 0, all, size), 0);
    assert_memory_equal(all, ref, size);
    free(all);
    free(buf);
    free(src);
}

/* A file written in turns with another one, so its chain is in pieces. */
static void make_fragmented(struct fat_vol *v, const char *path, const uint8_t *data, uint32_t size,
                            uint32_t cs)
{
    struct fat_file a, b;
    assert_int_equal(fat_open(v, path, FAT_O_WRITE | FAT_O_CREAT, &a), 0);
    assert_int_equal(fat_open(v, "filler.bin", FAT_O_WRITE | FAT_O_CREAT, &b), 0);
    for (uint32_t off = 0; off < size; off += 3 * cs) {
        uint32_t k = size - off < 3 * cs ? size - off : 3 * cs;
        assert_int_equal(fat_write(&a, data + off, k), (int64_t)k);
        assert_int_equal(fat_write(&b, data, cs), (int64_t)cs);
    }
    assert_int_equal(fat_close(&a), 0);
    assert_int_equal(fat_close(&b), 0);
    assert_int_equal(fat_unlink(v, "filler.bin"), 0);
}

static void test_pread_pwrite(void **state)
{
    (void)state;
    for (size_t g = 0; g < NGEOM; g++) {
        snprintf(img, sizeof img, "%s/io.img", tdir);
        mkimg_ss(img, &geoms[g]);
        uint32_t size = 300000 + 777 * (uint32_t)g;
        uint8_t *ref = malloc(size), *ref2 = malloc(size);
        fill_pattern(ref, size, (unsigned)g);
        fill_pattern(ref2, size, (unsigned)g + 40);
        write_host_file(host, ref, size);
        assert_int_equal(sh("mcopy -i %s %s ::/DISK.IMG", img, host), 0);

        struct memdisk m = { 0 };
        struct fat_vol *v = malloc(sizeof *v);
        load(&m, &geoms[g]);
        assert_int_equal(fat_mount(v, &m.dev, false), 0);
        uint32_t cs = v->cluster_size;
        make_fragmented(v, "Fragmented disk image.vhd", ref2, size, cs);

        /* The contiguous file without a map, the fragmented one with. */
        struct fat_file f, h;
        assert_int_equal(fat_open(v, "disk.img", FAT_O_WRITE, &f), 0);
        exercise(&f, ref, size, cs, 100);
        assert_int_equal(fat_close(&f), 0);

        assert_int_equal(fat_open(v, "FRAGMENTED DISK IMAGE.VHD", FAT_O_WRITE, &h), 0);
        uint32_t n;
        assert_int_equal(fat_extents(&h, NULL, 0, &n), -FAT_ENOSPC);
        assert_true(n > 10);                         /* in pieces indeed */
        struct fat_extent *map = malloc(n * sizeof *map);
        assert_int_equal(fat_extents(&h, map, n, &n), 0);
        uint32_t total = 0;
        for (uint32_t i = 0; i < n; i++) {
            assert_int_equal(map[i].index, total);
            total += map[i].count;
        }
        assert_int_equal(total, h.nclus);
        fat_set_map(&h, map, n);
        assert_ptr_equal(h.map, map);
        exercise(&h, ref2, size, cs, 200);
        assert_int_equal(fat_close(&h), 0);
        free(map);

        assert_int_equal(fat_unmount(v), 0);
        save(&m);
        fsck_ok();
        host_matches("DISK.IMG", ref, size);
        host_matches("Fragmented disk image.vhd", ref2, size);
        free(ref);
        free(ref2);
        free(v);
        free(m.data);
    }
}

static void test_range_and_modes(void **state)
{
    (void)state;
    const struct geom *g = &geoms[1];
    snprintf(img, sizeof img, "%s/range.img", tdir);
    mkimg_ss(img, g);
    uint32_t size = 40000;
    uint8_t *ref = malloc(size), buf[64];
    fill_pattern(ref, size, 7);
    write_host_file(host, ref, size);
    assert_int_equal(sh("mcopy -i %s %s ::/D.IMG", img, host), 0);
    struct memdisk m = { 0 };
    struct fat_vol *v = malloc(sizeof *v);
    load(&m, g);
    assert_int_equal(fat_mount(v, &m.dev, false), 0);

    struct fat_file f;
    assert_int_equal(fat_open(v, "D.IMG", FAT_O_READ, &f), 0);
    assert_int_equal(fat_pread(&f, size - 10, buf, 11), -FAT_ERANGE);   /* one past */
    assert_int_equal(fat_pread(&f, size + 1, buf, 0), -FAT_ERANGE);
    assert_int_equal(fat_pread(&f, UINT64_MAX - 3, buf, 8), -FAT_ERANGE);
    assert_int_equal(fat_pread(&f, size, buf, 0), 0);
    assert_int_equal(fat_pread(&f, size - 10, buf, 10), 0);
    assert_memory_equal(buf, ref + size - 10, 10);
    assert_int_equal(fat_pwrite(&f, 0, "x", 1), -FAT_EBADF);           /* read-only handle */
    assert_string_equal(fat_strerror(-FAT_ERANGE), "beyond the end of the file");
    /* Positional reads leave fat_read's position alone. */
    assert_int_equal(fat_read(&f, buf, 5), 5);
    assert_int_equal(fat_pread(&f, 1000, buf, 5), 0);
    assert_int_equal(fat_read(&f, buf, 5), 5);
    assert_memory_equal(buf, ref + 5, 5);
    assert_int_equal(fat_close(&f), 0);
    assert_int_equal(fat_pread(&f, 0, buf, 1), -FAT_EBADF);            /* closed */

    assert_int_equal(fat_open(v, "D.IMG", FAT_O_WRITE, &f), 0);
    long flushes = m.flushes;
    assert_int_equal(fat_pwrite(&f, size - 3, "abcd", 4), -FAT_ERANGE);
    assert_int_equal(fat_pwrite(&f, 100, "abcd", 4), 0);
    memcpy(ref + 100, "abcd", 4);
    assert_int_equal(m.flushes, flushes);           /* a write alone does not flush */
    assert_int_equal(f.size, size);                 /* nor grow */
    assert_int_equal(fat_fsync(&f), 0);
    assert_true(m.flushes > flushes);
    assert_int_equal(fat_close(&f), 0);
    assert_int_equal(fat_unmount(v), 0);
    save(&m);
    fsck_ok();
    host_matches("D.IMG", ref, size);
    free(ref);
    free(v);
    free(m.data);
}

/* Sequential access is linear without a map, and aligned spans of a
 * contiguous file are single device commands. */
static void test_cost(void **state)
{
    (void)state;
    const struct geom *g = &geoms[0];           /* 512-byte clusters */
    snprintf(img, sizeof img, "%s/cost.img", tdir);
    mkimg_ss(img, g);
    uint32_t size = 2 * 1024 * 1024;            /* 4096 clusters */
    uint8_t *ref = malloc(size), *buf = malloc(size);
    fill_pattern(ref, size, 3);
    write_host_file(host, ref, size);
    assert_int_equal(sh("mcopy -i %s %s ::/BIG.IMG", img, host), 0);
    struct memdisk m = { 0 };
    struct fat_vol *v = malloc(sizeof *v);
    load(&m, g);
    struct counting c;
    counting_init(&c, &m.dev);
    assert_int_equal(fat_mount(v, &c.dev, false), 0);
    struct fat_file f;
    assert_int_equal(fat_open(v, "BIG.IMG", FAT_O_WRITE, &f), 0);

    /* Without a map, sector by sector: one data read per sector plus one
     * read per FAT sector (128 entries), not a walk from the head each time. */
    c.read_cmds = 0;
    for (uint32_t off = 0; off < size; off += 512)
        assert_int_equal(fat_pread(&f, off, buf + off, 512), 0);
    assert_memory_equal(buf, ref, size);
    assert_true(c.read_cmds <= (long)(size / 512 + size / 512 / 128 + 4));

    /* With the map: the whole file is one extent, read and written in
     * commands of at most 8192 sectors. */
    struct fat_extent ext[4];
    uint32_t n;
    assert_int_equal(fat_extents(&f, ext, 4, &n), 0);
    assert_int_equal(n, 1);
    fat_set_map(&f, ext, n);
    c.read_cmds = 0;
    assert_int_equal(fat_pread(&f, 0, buf, size), 0);
    assert_int_equal(c.read_cmds, 1);
    c.write_cmds = 0;
    assert_int_equal(fat_pwrite(&f, 4096 * 3, buf + 4096 * 3, 65536), 0);
    assert_int_equal(c.write_cmds, 1);
    /* A partial sector at each end: read-merge-write of those two only. */
    c.write_cmds = c.read_cmds = 0;
    assert_int_equal(fat_pwrite(&f, 100, buf + 100, 4096), 0);
    assert_int_equal(c.write_cmds, 3);
    assert_int_equal(c.read_cmds, 2);
    /* buf holds the file: writing its own bytes back changes nothing. */
    assert_int_equal(fat_close(&f), 0);
    assert_int_equal(fat_unmount(v), 0);
    save(&m);
    fsck_ok();
    host_matches("BIG.IMG", ref, size);
    free(ref);
    free(buf);
    free(v);
    free(m.data);
}

int main(void)
{
    setenv("MTOOLS_SKIP_CHECK", "1", 1);
    tmp_setup();
    snprintf(host, sizeof host, "%s/host.bin", tdir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pread_pwrite),
        cmocka_unit_test(test_range_and_modes),
        cmocka_unit_test(test_cost),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    tmp_teardown();
    return r;
}
