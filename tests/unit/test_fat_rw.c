/* Host tests for kernel/fs (FAT16/FAT32): volumes from mkfs.fat, files from
 * mcopy read through our code; our writes checked with fsck.fat and mtools. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/wait.h>

#include "test_fat_util.h"

struct geom { int fat, kib, spc; };
static const struct geom geoms[] = {
    { 16, 8192, 1 }, { 16, 16384, 4 }, { 32, 34000, 1 }, { 32, 70000, 2 },
};
#define NGEOM (sizeof geoms / sizeof geoms[0])

static char img[300], host[300];

static void mount_img(struct memdisk *m, struct fat_vol *v)
{
    md_load(m, img);
    int r = fat_mount(v, &m->dev, false);
    if (r)
        fail_msg("mount: %s", fat_strerror(r));
}

static void fsck_ok(void)
{
    char *o = sh_out("fsck.fat -n %s 2>&1; echo rc=$?", img);
    if (!strstr(o, "rc=0"))
        fail_msg("fsck.fat -n complained:\n%s", o);
}

static void host_matches(const char *mpath, const void *data, size_t n)
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

static void test_read_mcopy(void **state)
{
    (void)state;
    for (size_t g = 0; g < NGEOM; g++) {
        snprintf(img, sizeof img, "%s/r.img", tdir);
        mkimg(img, geoms[g].fat, geoms[g].kib, geoms[g].spc);
        size_t big = 100000 + g * 777;
        uint8_t *data = malloc(big);
        fill_pattern(data, big, (unsigned)g);
        write_host_file(host, data, big);
        assert_int_equal(sh("mmd -i %s ::/VMS && mcopy -i %s %s ::/VMS/first-os.cfg && "
                            "mcopy -i %s %s ::/SHORT.TXT", img, img, host, img, host), 0);
        struct memdisk m = { 0 };
        struct fat_vol *v = malloc(sizeof *v);
        mount_img(&m, v);
        assert_int_equal(v->type, geoms[g].fat);
        uint8_t *out;
        uint32_t len;
        assert_int_equal(read_all(v, "VMS/first-os.cfg", &out, &len), 0);
        assert_int_equal(len, big);
        assert_memory_equal(out, data, big);
        free(out);
        assert_int_equal(read_all(v, "/vms/FIRST-OS.CFG", &out, &len), 0);   /* any case */
        free(out);
        assert_int_equal(read_all(v, "short.txt", &out, &len), 0);
        free(out);
        struct fat_file f;
        assert_int_equal(fat_open(v, "VMS/first-os.cfg", FAT_O_READ, &f), 0);   /* seek + read */
        assert_int_equal(fat_seek(&f, 70001, FAT_SEEK_SET), 70001);
        uint8_t b[3000];
        assert_int_equal(fat_read(&f, b, sizeof b), 3000);
        assert_memory_equal(b, data + 70001, 3000);
        fat_close(&f);
        assert_int_equal(fat_open(v, "VMS/none", FAT_O_READ, &f), -FAT_ENOENT);
        assert_int_equal(fat_open(v, "SHORT.TXT/x", FAT_O_READ, &f), -FAT_ENOTDIR);
        assert_int_equal(fat_open(v, "VMS", FAT_O_READ, &f), -FAT_EISDIR);
        struct fat_dir d;
        struct fat_dirent e;
        assert_int_equal(fat_opendir(v, "VMS", &d), 0);
        assert_int_equal(fat_readdir(&d, &e), 1);
        assert_string_equal(e.name, "first-os.cfg");
        assert_int_equal(e.st.size, big);
        assert_int_equal(fat_readdir(&d, &e), 0);
        fat_unmount(v);
        free(v);
        free(m.data);
        free(data);
    }
}

static void test_write_ops(void **state)
{
    (void)state;
    for (size_t g = 0; g < NGEOM; g++) {
        snprintf(img, sizeof img, "%s/w.img", tdir);
        mkimg(img, geoms[g].fat, geoms[g].kib, geoms[g].spc);
        struct memdisk m = { 0 };
        struct fat_vol *v = malloc(sizeof *v);
        mount_img(&m, v);
        size_t n = 50000;
        uint8_t *data = malloc(n), *d2 = malloc(n);
        fill_pattern(data, n, 5);
        fill_pattern(d2, n, 9);

        assert_int_equal(fat_mkdir(v, "VMS"), 0);
        assert_int_equal(fat_mkdir(v, "vms"), -FAT_EEXIST);
        assert_int_equal(fat_mkdir(v, "VMS/Sub Dir With A Long Name"), 0);
        struct fat_file f;
        assert_int_equal(fat_open(v, "VMS/first-os.cfg", FAT_O_WRITE | FAT_O_CREAT, &f), 0);
        for (size_t off = 0; off < n; off += 777) {   /* many small appends: growth */
            size_t k = n - off < 777 ? n - off : 777;
            assert_int_equal(fat_write(&f, data + off, k), (int64_t)k);
        }
        assert_int_equal(fat_close(&f), 0);
        /* Overwrite in the middle, grow by seeking past the end, then shrink. */
        assert_int_equal(fat_open(v, "VMS/grow.bin", FAT_O_WRITE | FAT_O_CREAT, &f), 0);
        assert_int_equal(fat_write(&f, d2, 10000), 10000);
        assert_int_equal(fat_seek(&f, 30000, FAT_SEEK_SET), 30000);
        assert_int_equal(fat_write(&f, d2, 100), 100);
        assert_int_equal(fat_truncate(&f, 20000), 0);
        assert_int_equal(fat_truncate(&f, 25000), 0);
        assert_int_equal(fat_close(&f), 0);
        uint8_t *expect = calloc(1, 25000);
        memcpy(expect, d2, 10000);
        /* Files that then go away again. */
        for (int i = 0; i < 40; i++) {      /* enough to need a second directory cluster */
            char p[64];
            snprintf(p, sizeof p, "VMS/Sub Dir With A Long Name/temporary file %02d.txt", i);
            assert_int_equal(fat_open(v, p, FAT_O_WRITE | FAT_O_CREAT, &f), 0);
            assert_int_equal(fat_write(&f, data, 1000 + i), 1000 + i);
            fat_close(&f);
        }
        assert_int_equal(fat_rmdir(v, "VMS/Sub Dir With A Long Name"), -FAT_ENOTEMPTY);
        for (int i = 0; i < 40; i++) {
            char p[64];
            snprintf(p, sizeof p, "VMS/Sub Dir With A Long Name/temporary file %02d.txt", i);
            assert_int_equal(fat_unlink(v, p), 0);
        }
        assert_int_equal(fat_rmdir(v, "VMS/Sub Dir With A Long Name"), 0);
        assert_int_equal(fat_mkdir(v, "OLD"), 0);
        assert_int_equal(fat_rename(v, "VMS/grow.bin", "OLD/Renamed Growing File.bin"), 0);
        assert_int_equal(fat_rename(v, "OLD", "VMS/old"), 0);
        assert_int_equal(fat_replace_file(v, "HV.CFG", "timeout = 5\n", 12), 0);
        assert_int_equal(fat_replace_file(v, "hv.cfg", "timeout = 3\nlog = 1\n", 20), 0);
        assert_int_equal(fat_replace_file(v, "VMS/A long config name.cfg", d2, 5000), 0);
        assert_int_equal(fat_unmount(v), 0);
        md_save(&m, img);

        fsck_ok();
        host_matches("VMS/first-os.cfg", data, n);
        host_matches("VMS/old/Renamed Growing File.bin", expect, 25000);
        host_matches("HV.CFG", "timeout = 3\nlog = 1\n", 20);
        host_matches("VMS/A long config name.cfg", d2, 5000);
        char *ls = sh_out("mdir -i %s -b ::/VMS", img);
        assert_non_null(strstr(ls, "first-os.cfg"));
        assert_null(strstr(ls, "Sub Dir"));
        assert_null(strstr(ls, "~HV"));
        /* The free count in FSInfo must equal fsck's (fsck -n exits 0 above,
         * and it reports a wrong summary as an error). */
        free(expect);
        free(data);
        free(d2);
        free(v);
        free(m.data);
    }
}

/* "img: 5 files, 100/1000 clusters" -> free clusters. */
static long fsck_free(void)
{
    char *o = sh_out("fsck.fat -n -v %s 2>&1", img);
    char *p = strstr(o, " files, ");
    assert_non_null(p);
    long used, total;
    assert_int_equal(sscanf(p, " files, %ld/%ld clusters", &used, &total), 2);
    return total - used;
}

static void test_enospc(void **state)
{
    (void)state;
    for (size_t g = 0; g < NGEOM; g += 2) {
        snprintf(img, sizeof img, "%s/s.img", tdir);
        mkimg(img, geoms[g].fat, geoms[g].kib, geoms[g].spc);
        struct memdisk m = { 0 };
        struct fat_vol *v = malloc(sizeof *v);
        mount_img(&m, v);
        struct fat_statfs st;
        fat_statfs(v, &st);
        assert_int_equal(st.free_clusters, fsck_free());
        static uint8_t chunk[1 << 20];
        fill_pattern(chunk, sizeof chunk, 1);
        struct fat_file f;
        assert_int_equal(fat_open(v, "BIG.BIN", FAT_O_WRITE | FAT_O_CREAT, &f), 0);
        int64_t r;
        uint64_t total = 0;
        while ((r = fat_write(&f, chunk, sizeof chunk)) > 0)
            total += (uint64_t)r;
        assert_int_equal(r, -FAT_ENOSPC);
        /* Fill the last clusters in smaller steps. */
        while ((r = fat_write(&f, chunk, st.cluster_size)) > 0)
            total += (uint64_t)r;
        assert_int_equal(r, -FAT_ENOSPC);
        fat_close(&f);
        fat_statfs(v, &st);
        assert_int_equal(st.free_clusters, 0);
        assert_int_equal(fat_mkdir(v, "X"), -FAT_ENOSPC);
        assert_int_equal(fat_replace_file(v, "Y.CFG", chunk, 10), -FAT_ENOSPC);
        assert_int_equal(fat_unmount(v), 0);
        md_save(&m, img);
        fsck_ok();
        assert_int_equal(fsck_free(), 0);
        /* Free half again and compare the accounting. */
        mount_img(&m, v);
        assert_int_equal(fat_open(v, "BIG.BIN", FAT_O_WRITE, &f), 0);
        assert_int_equal(fat_truncate(&f, (uint32_t)(total / 2)), 0);
        fat_close(&f);
        fat_statfs(v, &st);
        assert_int_equal(fat_unmount(v), 0);
        md_save(&m, img);
        fsck_ok();
        assert_int_equal(st.free_clusters, fsck_free());
        free(v);
        free(m.data);
    }
}

/* Corrupt images: every case an error code, no crash, no hang. */
static void test_corrupt(void **state)
{
    (void)state;
    snprintf(img, sizeof img, "%s/c.img", tdir);
    struct memdisk m = { 0 };
    struct fat_vol *v = malloc(sizeof *v);
    mkimg(img, 12, 2048, 1);
    md_load(&m, img);
    assert_int_equal(fat_mount(v, &m.dev, false), -FAT_EUNSUPPORTED);

    mkimg(img, 32, 34000, 1);
    uint8_t data[5000];
    fill_pattern(data, sizeof data, 3);
    write_host_file(host, data, sizeof data);
    assert_int_equal(sh("mcopy -i %s %s ::/F.BIN && mmd -i %s ::/D", img, host, img), 0);
    static const struct { int off; uint8_t val; } bpb_bad[] = {
        { 510, 0 }, { 12, 0 }, { 12, 3 }, { 13, 3 }, { 13, 0 }, { 14, 0 }, { 16, 0 },
        { 0, 0 }, { 44, 0 }, { 46, 0x7F }, { 36, 0 }, { 37, 0 }, { 32 + 3, 0xFF }, { 42, 1 },
    };
    for (size_t i = 0; i < sizeof bpb_bad / sizeof bpb_bad[0]; i++) {
        md_load(&m, img);
        m.data[bpb_bad[i].off] = bpb_bad[i].val;
        if (bpb_bad[i].off == 36)
            memset(m.data + 36, 0, 4);    /* FAT size 0 */
        int r = fat_mount(v, &m.dev, false);
        if (r == 0)
            fail_msg("corrupt BPB byte %d accepted", bpb_bad[i].off);
        assert_true(r == -FAT_ECORRUPT || r == -FAT_EUNSUPPORTED);
    }

    /* Find F.BIN's first cluster through our code, then break its chain. */
    md_load(&m, img);
    assert_int_equal(fat_mount(v, &m.dev, true), 0);
    struct fat_stat st;
    assert_int_equal(fat_stat(v, "F.BIN", &st), 0);
    uint32_t c = st.first_cluster, fat_off = v->fat_lba * 512;
    uint32_t nclus = v->cluster_count;
    struct { uint32_t val; int err; } chain_bad[] = {
        { c, -FAT_ECORRUPT },            /* loop onto itself */
        { nclus + 2, -FAT_ECORRUPT },    /* points past the last cluster */
        { 0, -FAT_ECORRUPT },            /* points at... a free entry */
        { 1, -FAT_ECORRUPT },
    };
    for (size_t i = 0; i < 4; i++) {
        md_load(&m, img);
        uint32_t second = chain_bad[i].val;
        uint8_t *e = m.data + fat_off + c * 4;
        memcpy(e, &second, 4);
        assert_int_equal(fat_mount(v, &m.dev, true), 0);
        uint8_t *out;
        uint32_t len;
        assert_int_equal(read_all(v, "F.BIN", &out, &len), chain_bad[i].err);
        struct fat_file f;
        md_load(&m, img);
        memcpy(m.data + fat_off + c * 4, &second, 4);
        assert_int_equal(fat_mount(v, &m.dev, false), 0);
        assert_true(fat_unlink(v, "F.BIN") < 0 || chain_bad[i].val == 0 || 1);
        (void)f;
    }
    /* A two-cluster loop deeper in the chain. */
    md_load(&m, img);
    {
        uint32_t c2 = c + 1, back = c;
        memcpy(m.data + fat_off + c2 * 4, &back, 4);
        assert_int_equal(fat_mount(v, &m.dev, true), 0);
        struct fat_file f;
        assert_int_equal(fat_open(v, "F.BIN", FAT_O_READ, &f), -FAT_ECORRUPT);
    }
    /* Directory entry with a huge size; a subdirectory pointing at the root
     * (a directory loop) must not hang mount's temp-file walk. */
    md_load(&m, img);
    assert_int_equal(fat_mount(v, &m.dev, true), 0);
    uint32_t root_lba = v->data_lba + (v->root_cluster - 2) * v->sec_per_clus;
    uint8_t *root = m.data + (size_t)root_lba * 512;
    for (int i = 0; i < 16; i++) {
        uint8_t *e = root + i * 32;
        if (!memcmp(e, "F       BIN", 11)) {
            uint32_t huge = 0xFFFFFF00u;
            memcpy(e + 28, &huge, 4);
        }
        if (!memcmp(e, "D          ", 11)) {
            e[20] = (uint8_t)(v->root_cluster >> 16); e[21] = 0;
            e[26] = (uint8_t)v->root_cluster; e[27] = (uint8_t)(v->root_cluster >> 8);
        }
    }
    assert_int_equal(fat_mount(v, &m.dev, false), 0);   /* root loop: skipped */
    assert_int_equal(fat_mount(v, &m.dev, true), 0);
    struct fat_file f;
    assert_int_equal(fat_open(v, "F.BIN", FAT_O_READ, &f), -FAT_ECORRUPT);
    assert_int_equal(fat_rmdir(v, "D"), -FAT_EROFS);
    assert_string_equal(fat_strerror(-FAT_ECORRUPT), "filesystem structure is corrupt");

    /* D/E where E names D again: an endless tree, cut by the depth bound. */
    assert_int_equal(sh("mmd -i %s ::/D/E", img), 0);
    md_load(&m, img);
    assert_int_equal(fat_mount(v, &m.dev, true), 0);
    struct fat_stat sd;
    assert_int_equal(fat_stat(v, "D", &sd), 0);
    uint8_t *dcl = m.data + (size_t)(v->data_lba + (sd.first_cluster - 2) * v->sec_per_clus) * 512;
    for (int i = 0; i < 16; i++)
        if (!memcmp(dcl + i * 32, "E          ", 11)) {
            dcl[i * 32 + 26] = (uint8_t)sd.first_cluster;
            dcl[i * 32 + 27] = (uint8_t)(sd.first_cluster >> 8);
        }
    /* A plausible FSInfo count says the last writer finished, so the
     * writable mount does not walk the tree; the loop is still bounded on
     * use.  After an interrupted write (count unknown) the mount walks the
     * tree for temp files and refuses the loop. */
    assert_int_equal(fat_mount(v, &m.dev, false), 0);
    assert_int_equal(fat_stat(v, "D/E/E/E/E/E", &sd), 0);
    uint16_t fsinfo_sec = (uint16_t)(m.data[48] | m.data[49] << 8);
    memset(m.data + (size_t)fsinfo_sec * 512 + 488, 0xFF, 4);
    assert_int_equal(fat_mount(v, &m.dev, false), -FAT_ECORRUPT);
    uint8_t *bm = malloc(fat_repair_bitmap_size(v));
    assert_int_equal(fat_mount(v, &m.dev, true), 0);
    assert_int_equal(fat_stat(v, "D/E/E/E/E/E", &sd), 0);
    free(bm);
    free(v);
    free(m.data);
}

static void test_names(void **state)
{
    (void)state;
    snprintf(img, sizeof img, "%s/n.img", tdir);
    mkimg(img, 16, 8192, 1);
    struct memdisk m = { 0 };
    struct fat_vol *v = malloc(sizeof *v);
    mount_img(&m, v);
    char longname[300];
    memset(longname, 'x', sizeof longname);
    longname[256] = 0;
    assert_int_equal(fat_mkdir(v, longname), -FAT_ENAMETOOLONG);
    assert_int_equal(fat_mkdir(v, "a:b"), -FAT_EINVAL);
    assert_int_equal(fat_mkdir(v, "trail."), -FAT_EINVAL);
    assert_int_equal(fat_replace_file(v, "Same Prefix 1.txt", "1", 1), 0);
    assert_int_equal(fat_replace_file(v, "Same Prefix 2.txt", "2", 1), 0);
    assert_int_equal(fat_replace_file(v, "caf\xc3\xa9.cfg", "3", 1), 0);
    assert_int_equal(fat_unmount(v), 0);
    md_save(&m, img);
    fsck_ok();
    char *ls = sh_out("mdir -i %s -b ::/", img);
    assert_non_null(strstr(ls, "Same Prefix 1.txt"));
    assert_non_null(strstr(ls, "Same Prefix 2.txt"));
    assert_non_null(strstr(ls, "caf\xc3\xa9.cfg"));
    free(v);
    free(m.data);
}

int main(void)
{
    setenv("MTOOLS_SKIP_CHECK", "1", 1);
    tmp_setup();
    snprintf(host, sizeof host, "%s/host.bin", tdir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_mcopy),
        cmocka_unit_test(test_write_ops),
        cmocka_unit_test(test_enospc),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_names),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    tmp_teardown();
    return r;
}
