/* Power-cut test for fat_replace_file: for every N, the disk stops keeping
 * writes after N sectors. The image must then pass fsck.fat -n (or show only
 * the two benign leftovers documented in docs/fat.md: FAT copy 1 behind copy
 * 0, lost clusters), the file must read as exactly old or exactly new, and
 * after our next mount + fat_repair fsck.fat -n must exit 0. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/wait.h>

#include "test_fat_util.h"

static char base[300], cut[300], host[300];
static int benign_runs, clean_runs;

/* Every line fsck.fat prints must be one we expect after a cut. */
static void check_fsck_raw(int n)
{
    char *o = sh_out("fsck.fat -n %s 2>&1; echo rc=$?", cut);
    if (strstr(o, "rc=0")) {
        clean_runs++;
        return;
    }
    static const char *const ok[] = {
        "fsck.fat ", "FATs differ but appear to be intact", "Using first FAT",
        "Reclaimed ", "unused cluster", "Leaving filesystem unchanged", "files, ", "rc=",
        "Free cluster summary", "Auto-correcting",
    };
    char *save, *line = strtok_r(o, "\n", &save);
    for (; line; line = strtok_r(NULL, "\n", &save)) {
        bool known = false;
        for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
            known |= strstr(line, ok[i]) != NULL;
        if (getenv("FAT_VERBOSE") && !strstr(line, "fsck.fat ") && !strstr(line, "rc="))
            printf("  cut %d: %s\n", n, line);
        if (!known)
            fail_msg("cut after %d writes: fsck.fat -n: %s", n, line);
    }
    benign_runs++;
}

static void run(int fat, int kib, int spc, bool exists)
{
    uint8_t old[3000], new_[5000];
    fill_pattern(old, sizeof old, 1);
    fill_pattern(new_, sizeof new_, 2);
    mkimg(base, fat, kib, spc);
    write_host_file(host, old, sizeof old);
    assert_int_equal(sh("mmd -i %s ::/VMS && mcopy -i %s %s ::/VMS/other.cfg", base, base, host), 0);
    if (exists)
        assert_int_equal(sh("mcopy -i %s %s ::/VMS/first-os.cfg", base, host), 0);
    const char *path = "VMS/first-os.cfg";

    struct memdisk m = { 0 };
    struct fat_vol *v = malloc(sizeof *v);
    md_load(&m, base);
    assert_int_equal(fat_mount(v, &m.dev, false), 0);
    m.writes = 0;
    assert_int_equal(fat_replace_file(v, path, new_, sizeof new_), 0);
    long total = m.writes;
    long flushes = m.flushes;
    assert_true(flushes >= 5);

    for (long n = 0; n <= total; n++) {
        md_load(&m, base);
        assert_int_equal(fat_mount(v, &m.dev, false), 0);
        m.writes = 0;
        m.cut_after = n;
        fat_replace_file(v, path, new_, sizeof new_);
        md_save(&m, cut);
        check_fsck_raw((int)n);

        /* Next boot: mount repairs, fat_repair reclaims. */
        md_load(&m, cut);
        assert_int_equal(fat_mount(v, &m.dev, false), 0);
        uint8_t *bm = malloc(fat_repair_bitmap_size(v));
        assert_int_equal(fat_repair(v, bm, fat_repair_bitmap_size(v)), 0);
        free(bm);
        uint8_t *got;
        uint32_t len;
        int r = read_all(v, path, &got, &len);
        if (r == -FAT_ENOENT && !exists) {
            /* old = absent */
        } else {
            assert_int_equal(r, 0);
            bool is_old = exists && len == sizeof old && !memcmp(got, old, len);
            bool is_new = len == sizeof new_ && !memcmp(got, new_, len);
            if (!is_old && !is_new)
                fail_msg("cut after %ld writes: file is torn (len %u)", n, len);
            free(got);
        }
        assert_int_equal(read_all(v, "VMS/other.cfg", &got, &len), 0);
        assert_int_equal(len, sizeof old);
        free(got);
        assert_int_equal(fat_unmount(v), 0);
        md_save(&m, cut);
        char *o = sh_out("fsck.fat -n %s 2>&1; echo rc=$?", cut);
        if (!strstr(o, "rc=0"))
            fail_msg("cut after %ld writes, after remount: fsck.fat -n:\n%s", n, o);
    }
    printf("FAT%d spc %d %s: %ld sector writes, %ld flushes; raw fsck clean %d, benign %d\n",
           fat, spc, exists ? "replace" : "create", total, flushes, clean_runs, benign_runs);
    clean_runs = benign_runs = 0;
    free(v);
    free(m.data);
}

static void test_fat16_replace(void **s) { (void)s; run(16, 8192, 1, true); }
static void test_fat16_create(void **s) { (void)s; run(16, 8192, 2, false); }
static void test_fat32_replace(void **s) { (void)s; run(32, 34000, 1, true); }
static void test_fat32_create(void **s) { (void)s; run(32, 34000, 1, false); }

int main(void)
{
    setenv("MTOOLS_SKIP_CHECK", "1", 1);
    tmp_setup();
    snprintf(base, sizeof base, "%s/base.img", tdir);
    snprintf(cut, sizeof cut, "%s/cut.img", tdir);
    snprintf(host, sizeof host, "%s/host.bin", tdir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fat16_replace),
        cmocka_unit_test(test_fat16_create),
        cmocka_unit_test(test_fat32_replace),
        cmocka_unit_test(test_fat32_create),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    tmp_teardown();
    return r;
}
