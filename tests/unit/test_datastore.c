/* Host tests for the datastore layer (kernel/fs/datastore.c, ds_file.c,
 * ds_cache.c over the real FAT code): open files, the one-writer rule, and
 * the lock's behaviour with interrupts off. The volume is an mkfs.fat image
 * labelled HVDATA; the disk registry, heap and console are stubs here, and
 * tests/unit/ds_stub stands in for the CPU (interrupt flag, CPU index). */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sched.h>
#include <sys/wait.h>

#include "test_fat_util.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "dev/blk.h"
#include "fs/datastore.h"
#include "hv/bootinfo.h"
#include "lib/kprintf.h"
#include "mm/heap.h"

_Thread_local bool test_irqs_on = true;
_Thread_local struct percpu test_cpu;

void *kmalloc(size_t n) { return malloc(n); }
void *kzalloc(size_t n) { return calloc(1, n); }
void kfree(void *p) { free(p); }

static char klog[16384];
void kprintf(const char *fmt, ...)
{
    size_t at = strlen(klog);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(klog + at, sizeof klog - at, fmt, ap);
    va_end(ap);
}

int ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

/* One disk whose partitions 1 and 2 both start at LBA 0: the volume image
 * is the whole "disk", and blk_partition_dev hands it out as partition 2. */
static struct blk_disk disk;
static struct memdisk md;
unsigned blk_count(void) { return 1; }
struct blk_disk *blk_get(unsigned i) { return i == 0 ? &disk : NULL; }
int blk_partition_dev(struct blk_disk *d, unsigned part_no, struct blkdev *out)
{
    (void)part_no;
    *out = d->dev;
    return 0;
}

static char img[300], host[300];
#define DISK_BYTES (1024 * 1024 + 3 * 512)
static uint8_t *ref;

static int setup(void **state)
{
    (void)state;
    setenv("MTOOLS_SKIP_CHECK", "1", 1);
    tmp_setup();
    snprintf(img, sizeof img, "%s/ds.img", tdir);
    snprintf(host, sizeof host, "%s/host.bin", tdir);
    if (sh("mkfs.fat -C -F 32 -s 1 -n HVDATA %s 34000 >/dev/null 2>&1", img))
        return -1;
    ref = malloc(DISK_BYTES);
    fill_pattern(ref, DISK_BYTES, 1);
    write_host_file(host, ref, DISK_BYTES);
    if (sh("mcopy -i %s %s ::/GUEST0.VHD && mcopy -i %s %s ::/OTHER.IMG", img, host, img, host))
        return -1;
    md_load(&md, img);
    snprintf(disk.name, sizeof disk.name, "ata0");
    disk.dev = md.dev;
    disk.parts.count = 2;
    disk.parts.part[0] = (struct part){ .index = 1, .first_lba = 0, .sectors = md.sectors };
    disk.parts.part[1] = (struct part){ .index = 2, .first_lba = 0, .sectors = md.sectors };
    struct hv_bootinfo bi = { 0 };
    bi.boot_part_lba = 0;
    datastore_init(&bi);
    return datastore_available() ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tmp_teardown();
    free(ref);
    free(md.data);
    return 0;
}

static void test_open_rw(void **state)
{
    (void)state;
    struct ds_file *f;
    assert_int_equal(datastore_open("guest0.vhd", DS_O_RDWR, &f), 0);
    assert_int_equal(datastore_fsize(f), DISK_BYTES);
    assert_true(datastore_writable(f));
    uint8_t buf[3000];
    assert_int_equal(datastore_pread(f, 513, buf, sizeof buf), 0);
    assert_memory_equal(buf, ref + 513, sizeof buf);
    fill_pattern(buf, sizeof buf, 9);
    assert_int_equal(datastore_pwrite(f, 4095, buf, sizeof buf), 0);
    memcpy(ref + 4095, buf, sizeof buf);
    assert_int_equal(datastore_pwrite(f, DISK_BYTES - 512, buf, 512), 0);
    memcpy(ref + DISK_BYTES - 512, buf, 512);
    assert_int_equal(datastore_pwrite(f, DISK_BYTES - 511, buf, 512), -FAT_ERANGE);
    assert_int_equal(datastore_pread(f, DISK_BYTES, buf, 1), -FAT_ERANGE);
    long flushes = md.flushes;
    assert_int_equal(datastore_fsync(f), 0);
    assert_true(md.flushes > flushes);             /* reached the disk's flush */
    uint8_t back[3000];
    assert_int_equal(datastore_pread(f, 4095, back, sizeof back), 0);
    assert_memory_equal(back, ref + 4095, sizeof back);
    assert_int_equal(datastore_close(f), 0);
    assert_int_equal(datastore_close(NULL), 0);

    assert_int_equal(datastore_open("GUEST0.VHD", DS_O_RDONLY, &f), 0);
    assert_false(datastore_writable(f));
    assert_int_equal(datastore_pwrite(f, 0, buf, 1), -FAT_EBADF);
    assert_int_equal(datastore_close(f), 0);

    assert_int_equal(datastore_open("NOPE.IMG", DS_O_RDWR, &f), -FAT_ENOENT);
    assert_null(f);
    assert_int_equal(datastore_open("/", DS_O_RDONLY, &f), -FAT_EISDIR);
    assert_int_equal(datastore_open("GUEST0.VHD", 7, &f), -FAT_EINVAL);
}

static void test_one_writer(void **state)
{
    (void)state;
    struct ds_file *a, *b, *c;
    assert_int_equal(datastore_open("GUEST0.VHD", DS_O_RDWR, &a), 0);
    assert_int_equal(datastore_open("/guest0.VHD", DS_O_RDWR, &b), -DS_EINUSE);
    assert_null(b);
    assert_int_equal(datastore_open("GUEST0.VHD", DS_O_RDONLY, &b), -DS_EINUSE);
    assert_string_equal(datastore_strerror(-DS_EINUSE), "in use by another VM");
    assert_int_equal(datastore_open("OTHER.IMG", DS_O_RDWR, &c), 0);   /* another file: fine */
    /* An open file cannot go away or be replaced under its handle. */
    assert_int_equal(datastore_remove("guest0.vhd"), -DS_EINUSE);
    assert_int_equal(datastore_replace_file("GUEST0.VHD", "x", 1), -DS_EINUSE);
    assert_int_equal(datastore_close(a), 0);
    assert_int_equal(datastore_close(c), 0);
    /* Readers share, and keep writers out. */
    assert_int_equal(datastore_open("GUEST0.VHD", DS_O_RDONLY, &a), 0);
    assert_int_equal(datastore_open("GUEST0.VHD", DS_O_RDONLY, &b), 0);
    assert_int_equal(datastore_open("GUEST0.VHD", DS_O_RDWR, &c), -DS_EINUSE);
    assert_int_equal(datastore_close(a), 0);
    assert_int_equal(datastore_open("GUEST0.VHD", DS_O_RDWR, &c), -DS_EINUSE);
    assert_int_equal(datastore_close(b), 0);
    assert_int_equal(datastore_open("GUEST0.VHD", DS_O_RDWR, &c), 0);
    assert_int_equal(datastore_close(c), 0);
    /* Closed: a throwaway file can be replaced and removed again. */
    assert_int_equal(datastore_replace_file("TMP.IMG", ref, 5000), 0);
    assert_int_equal(datastore_open("TMP.IMG", DS_O_RDWR, &a), 0);
    assert_int_equal(datastore_remove("TMP.IMG"), -DS_EINUSE);
    assert_int_equal(datastore_close(a), 0);
    assert_int_equal(datastore_remove("TMP.IMG"), 0);
}

/* What the list callback does while the caller holds the datastore lock:
 * the situations of a timer tick (interrupts off) on the shell's CPU, a
 * re-entrant call, and a close from such a context. */
static struct ds_file *held;
static int busy_results[4];

static int while_locked(void *ctx, const struct fat_dirent *e)
{
    (void)ctx;
    (void)e;
    struct fat_stat st;
    test_irqs_on = false;                              /* a tick on this CPU */
    busy_results[0] = datastore_stat("GUEST0.VHD", &st);
    struct ds_file *f = NULL;
    busy_results[1] = datastore_open("OTHER.IMG", DS_O_RDONLY, &f);
    test_cpu.index = 3;                                /* another CPU, interrupts off */
    busy_results[2] = datastore_sync();
    test_cpu.index = 0;
    test_irqs_on = true;                               /* a call back in from the callback */
    busy_results[3] = datastore_stat("GUEST0.VHD", &st);
    test_irqs_on = false;
    assert_int_equal(datastore_close(held), 0);        /* deferred, never refused */
    test_irqs_on = true;
    return 1;                                          /* stop after one entry */
}

static void test_lock_irqs_off(void **state)
{
    (void)state;
    struct fat_stat st;
    test_irqs_on = false;                              /* lock free: calls just work */
    assert_int_equal(datastore_stat("GUEST0.VHD", &st), 0);
    assert_int_equal(datastore_open("GUEST0.VHD", DS_O_RDWR, &held), 0);
    test_irqs_on = true;
    uint8_t b[600];
    memset(b, 0x5A, sizeof b);
    assert_int_equal(datastore_pwrite(held, 70000, b, sizeof b), 0);
    memcpy(ref + 70000, b, sizeof b);

    long flushes = md.flushes;
    assert_int_equal(datastore_list("/", while_locked, NULL), 1);
    for (int i = 0; i < 4; i++)
        assert_int_equal(busy_results[i], -DS_EBUSY);
    assert_string_equal(datastore_strerror(-DS_EBUSY), "datastore busy, try again");
    /* The close happened as the list released the lock: written data
     * flushed, and the file is free for a writer again. */
    assert_true(md.flushes > flushes);
    struct ds_file *f;
    assert_int_equal(datastore_open("GUEST0.VHD", DS_O_RDWR, &f), 0);
    assert_int_equal(datastore_close(f), 0);
}

/* With interrupts on, a call waits for a holder on another CPU (the lock
 * really excludes), and with interrupts off it does not wait. */
static volatile int phase;   /* 1: holder in its callback, 2: caller about to wait, 3: holder done */

static int slow_holder(void *ctx, const struct fat_dirent *e)
{
    (void)ctx;
    (void)e;
    __atomic_store_n(&phase, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&phase, __ATOMIC_SEQ_CST) != 2)
        sched_yield();
    usleep(20000);          /* give the waiter time to run into the lock */
    __atomic_store_n(&phase, 3, __ATOMIC_SEQ_CST);
    return 1;
}

static void *holder_thread(void *arg)
{
    (void)arg;
    test_cpu.index = 1;
    test_irqs_on = true;
    datastore_list("/", slow_holder, NULL);
    return NULL;
}

static void test_lock_other_cpu(void **state)
{
    (void)state;
    pthread_t t;
    phase = 0;
    assert_int_equal(pthread_create(&t, NULL, holder_thread, NULL), 0);
    while (__atomic_load_n(&phase, __ATOMIC_SEQ_CST) != 1)
        sched_yield();
    struct fat_stat st;
    test_irqs_on = false;
    assert_int_equal(datastore_stat("GUEST0.VHD", &st), -DS_EBUSY);
    test_irqs_on = true;
    __atomic_store_n(&phase, 2, __ATOMIC_SEQ_CST);
    assert_int_equal(datastore_stat("GUEST0.VHD", &st), 0);
    assert_int_equal(__atomic_load_n(&phase, __ATOMIC_SEQ_CST), 3);   /* only after the holder */
    pthread_join(t, NULL);
}

/* Last: everything written through handles is in the image, which
 * fsck.fat accepts. */
static void test_host_view(void **state)
{
    (void)state;
    assert_int_equal(datastore_sync(), 0);
    md_save(&md, img);
    char *o = sh_out("fsck.fat -n %s 2>&1; echo rc=$?", img);
    if (!strstr(o, "rc=0"))
        fail_msg("fsck.fat -n complained:\n%s", o);
    assert_int_equal(sh("mtype -i %s ::/GUEST0.VHD > %s", img, host), 0);
    FILE *f = fopen(host, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(DISK_BYTES + 1);
    assert_int_equal(fread(buf, 1, DISK_BYTES + 1, f), DISK_BYTES);
    fclose(f);
    assert_memory_equal(buf, ref, DISK_BYTES);
    free(buf);
    assert_null(strstr(klog, "warning"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_rw),
        cmocka_unit_test(test_one_writer),
        cmocka_unit_test(test_lock_irqs_off),
        cmocka_unit_test(test_lock_other_cpu),
        cmocka_unit_test(test_host_view),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
