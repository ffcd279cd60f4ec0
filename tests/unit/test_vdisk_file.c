/* Host tests for kernel/vmm/vbios/vdisk_file.c: raw and fixed-VHD images
 * on the datastore as a struct vdisk. The datastore is a stub here: files
 * in memory, with the open-file rules of fs/datastore.h (one writer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fs/datastore.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "vmm/vbios/vdisk_file.h"

int ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

/* The stub datastore: a few named files. */
struct ds_file {
    int file;
    bool writable;
};
struct sfile {
    const char *name;
    uint8_t *data;
    uint64_t size;
    int readers, writers;
    int fsyncs;
    bool is_dir;
};
#define NFILES 8
static struct sfile files[NFILES];
static int fail_io;           /* next pread/pwrite fails with this (negated FAT code) */

const char *datastore_strerror(int err)
{
    err = err < 0 ? -err : err;
    if (err == DS_EINUSE)
        return "in use by another VM";
    if (err == FAT_ENOENT)
        return "no such file or directory";
    if (err == FAT_EISDIR)
        return "is a directory";
    if (err == FAT_EIO)
        return "disk I/O error";
    return "other";
}

int datastore_open(const char *path, unsigned flags, struct ds_file **out)
{
    *out = NULL;
    for (int i = 0; i < NFILES; i++) {
        struct sfile *s = &files[i];
        if (!s->name || strcmp(s->name, path))
            continue;
        if (s->is_dir)
            return -FAT_EISDIR;
        bool wr = flags & DS_O_RDWR;
        if (s->writers || (wr && s->readers))
            return -DS_EINUSE;
        *out = malloc(sizeof(**out));
        (*out)->file = i;
        (*out)->writable = wr;
        if (wr)
            s->writers++;
        else
            s->readers++;
        return 0;
    }
    return -FAT_ENOENT;
}

static int check(struct ds_file *f, uint64_t off, size_t len)
{
    if (fail_io) {
        int r = fail_io;
        fail_io = 0;
        return r;
    }
    return off > files[f->file].size || len > files[f->file].size - off ? -FAT_ERANGE : 0;
}

int datastore_pread(struct ds_file *f, uint64_t off, void *buf, size_t len)
{
    int r = check(f, off, len);
    if (!r)
        memcpy(buf, files[f->file].data + off, len);
    return r;
}

int datastore_pwrite(struct ds_file *f, uint64_t off, const void *buf, size_t len)
{
    if (!f->writable)
        return -FAT_EBADF;
    int r = check(f, off, len);
    if (!r)
        memcpy(files[f->file].data + off, buf, len);
    return r;
}

int datastore_fsync(struct ds_file *f)
{
    files[f->file].fsyncs++;
    return 0;
}

uint64_t datastore_fsize(const struct ds_file *f)
{
    return files[f->file].size;
}

int datastore_close(struct ds_file *f)
{
    if (!f)
        return 0;
    struct sfile *s = &files[f->file];
    if (f->writable)
        s->writers--;
    else
        s->readers--;
    free(f);
    return 0;
}

static void be_put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* A fixed VHD footer for a disk of bytes, then damaged as asked. */
enum damage { NONE, COOKIE, CHECKSUM, DYNAMIC, SIZE };
static void make_footer(uint8_t *f, uint64_t bytes, enum damage dmg)
{
    memset(f, 0, VHD_FOOTER);
    memcpy(f, "conectix", 8);
    be_put(f + 8, 2, 4);                    /* features */
    be_put(f + 12, 0x00010000, 4);          /* version */
    be_put(f + 16, UINT64_MAX, 8);          /* data offset: none */
    be_put(f + 40, bytes, 8);               /* original size */
    be_put(f + 48, dmg == SIZE ? bytes + 512 : bytes, 8);
    be_put(f + 60, dmg == DYNAMIC ? 3 : 2, 4);
    uint32_t sum = 0;
    for (unsigned i = 0; i < VHD_FOOTER; i++)
        sum += f[i];
    be_put(f + 64, dmg == CHECKSUM ? sum : ~sum, 4);
    if (dmg == COOKIE)
        f[0] = 'C';
}

static int add_file(const char *name, uint64_t size)
{
    for (int i = 0; i < NFILES; i++) {
        if (files[i].name)
            continue;
        files[i] = (struct sfile){ .name = name, .data = malloc(size ? size : 1), .size = size };
        for (uint64_t k = 0; k < size; k++)
            files[i].data[k] = (uint8_t)(k * 13 + k / 512);
        return i;
    }
    fail_msg("too many stub files");
    return -1;
}

static int add_vhd(const char *name, uint64_t disk_bytes, enum damage dmg)
{
    int i = add_file(name, disk_bytes + VHD_FOOTER);
    make_footer(files[i].data + disk_bytes, disk_bytes, dmg);
    return i;
}

static int reset(void **state)
{
    (void)state;
    for (int i = 0; i < NFILES; i++)
        free(files[i].data);
    memset(files, 0, sizeof(files));
    fail_io = 0;
    return 0;
}

static void test_vhd_ok(void **state)
{
    (void)state;
    int i = add_vhd("GUEST0.VHD", 64 * 512, NONE);
    struct vdisk d;
    struct vdisk_file vf;
    char why[128];
    assert_int_equal(vdisk_file_open(&d, &vf, "GUEST0.VHD", 0, why, sizeof why), 0);
    assert_string_equal(why, "");
    assert_true(vf.vhd);
    assert_int_equal(d.sector_count, 64);
    uint8_t buf[3 * 512], expect[3 * 512];
    assert_int_equal(d.read(d.ctx, 61, 3, buf), 0);
    assert_memory_equal(buf, files[i].data + 61 * 512, sizeof buf);
    /* The footer is not part of the disk. */
    assert_int_equal(d.read(d.ctx, 62, 3, buf), -E_RANGE);
    assert_int_equal(d.write(d.ctx, 64, 1, buf), -E_RANGE);
    memset(expect, 0xA5, sizeof expect);
    assert_int_equal(d.write(d.ctx, 5, 3, expect), 0);
    assert_memory_equal(files[i].data + 5 * 512, expect, sizeof expect);
    assert_memory_equal(files[i].data + 64 * 512, "conectix", 8);
    assert_int_equal(d.flush(d.ctx), 0);
    assert_int_equal(files[i].fsyncs, 1);
    /* A second VM cannot have the disk while this one writes it. */
    struct vdisk d2;
    struct vdisk_file vf2;
    assert_int_equal(vdisk_file_open(&d2, &vf2, "GUEST0.VHD", 0, why, sizeof why), -E_BUSY);
    assert_string_equal(why, "in use by another VM");
    assert_null(vf2.f);
    assert_int_equal(vdisk_file_close(&vf), 0);
    assert_int_equal(vdisk_file_close(&vf), 0);           /* twice is harmless */
    assert_int_equal(files[i].writers, 0);
    assert_int_equal(vdisk_file_open(&d2, &vf2, "GUEST0.VHD", 0, why, sizeof why), 0);
    assert_int_equal(vdisk_file_close(&vf2), 0);
}

static void test_vhd_bad(void **state)
{
    (void)state;
    static const struct { enum damage dmg; const char *why; } cases[] = {
        { COOKIE, "not a fixed VHD: no conectix cookie" },
        { CHECKSUM, "not a fixed VHD: checksum mismatch" },
        { DYNAMIC, "not a fixed VHD: not a fixed disk" },
        { SIZE, "not a fixed VHD: size does not match the file" },
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        reset(NULL);
        int i = add_vhd("BAD.VHD", 16 * 512, cases[k].dmg);
        struct vdisk d;
        struct vdisk_file vf;
        char why[128];
        assert_int_equal(vdisk_file_open(&d, &vf, "BAD.VHD", 0, why, sizeof why), -E_INVAL);
        assert_string_equal(why, cases[k].why);
        assert_null(vf.f);
        assert_int_equal(files[i].writers, 0);            /* given back */
    }
    /* A .vhd name with no footer at all, and one too small for a footer. */
    reset(NULL);
    add_file("RAW.VHD", 8 * 512);
    add_file("TINY.VHD", 100);
    struct vdisk d;
    struct vdisk_file vf;
    char why[128];
    assert_int_equal(vdisk_file_open(&d, &vf, "RAW.VHD", 0, why, sizeof why), -E_INVAL);
    assert_string_equal(why, "not a fixed VHD: no conectix cookie");
    assert_int_equal(vdisk_file_open(&d, &vf, "TINY.VHD", 0, why, sizeof why), -E_INVAL);
    assert_string_equal(why, "not a fixed VHD: the file is smaller than a VHD footer");
}

static void test_raw(void **state)
{
    (void)state;
    int i = add_file("DISK.IMG", 32 * 512);
    add_file("ODD.IMG", 32 * 512 + 100);
    add_file("EMPTY.IMG", 0);
    int v = add_vhd("NAMED.RAW", 8 * 512, NONE);          /* a footer makes it a VHD */
    files[add_file("DIR", 0)].is_dir = true;
    struct vdisk d;
    struct vdisk_file vf;
    char why[128];
    assert_int_equal(vdisk_file_open(&d, &vf, "DISK.IMG", 0, why, sizeof why), 0);
    assert_false(vf.vhd);
    assert_int_equal(d.sector_count, 32);
    uint8_t buf[512];
    memset(buf, 0x3C, sizeof buf);
    assert_int_equal(d.write(d.ctx, 31, 1, buf), 0);
    assert_memory_equal(files[i].data + 31 * 512, buf, 512);
    fail_io = -FAT_EIO;
    assert_int_equal(d.read(d.ctx, 0, 1, buf), -E_IO);    /* a disk error reaches the guest */
    assert_int_equal(vdisk_file_close(&vf), 0);

    assert_int_equal(vdisk_file_open(&d, &vf, "ODD.IMG", 0, why, sizeof why), -E_INVAL);
    assert_string_equal(why, "raw image size 16484 is not a multiple of 512 bytes");
    assert_int_equal(vdisk_file_open(&d, &vf, "EMPTY.IMG", 0, why, sizeof why), -E_INVAL);
    assert_string_equal(why, "empty image");
    assert_int_equal(vdisk_file_open(&d, &vf, "MISSING.IMG", 0, why, sizeof why), -E_NOENT);
    assert_string_equal(why, "no such file or directory");
    assert_int_equal(vdisk_file_open(&d, &vf, "DIR", 0, why, sizeof why), -E_INVAL);
    assert_string_equal(why, "is a directory");
    assert_int_equal(vdisk_file_open(&d, &vf, "NAMED.RAW", 0, why, sizeof why), 0);
    assert_true(vf.vhd);
    assert_int_equal(d.sector_count, 8);
    assert_int_equal(vdisk_file_close(&vf), 0);
    assert_int_equal(files[v].writers, 0);
}

static void test_readonly(void **state)
{
    (void)state;
    int i = add_vhd("BASE.VHD", 16 * 512, NONE);
    struct vdisk d, d2;
    struct vdisk_file vf, vf2;
    char why[128];
    assert_int_equal(vdisk_file_open(&d, &vf, "BASE.VHD", VDISK_FILE_RO, why, sizeof why), 0);
    assert_int_equal(vdisk_file_open(&d2, &vf2, "BASE.VHD", VDISK_FILE_RO, why, sizeof why), 0);
    uint8_t before[512], buf[512];
    memcpy(before, files[i].data, 512);
    memset(buf, 0xFF, sizeof buf);
    assert_int_equal(d.write(d.ctx, 0, 1, buf), -E_INVAL);
    assert_memory_equal(files[i].data, before, 512);
    assert_int_equal(d.read(d.ctx, 0, 1, buf), 0);
    assert_memory_equal(buf, before, 512);
    /* Readers share; a writer waits for both to go. */
    struct vdisk d3;
    struct vdisk_file vf3;
    assert_int_equal(vdisk_file_open(&d3, &vf3, "BASE.VHD", 0, why, sizeof why), -E_BUSY);
    assert_int_equal(vdisk_file_close(&vf2), 0);
    assert_int_equal(vdisk_file_open(&d3, &vf3, "BASE.VHD", 0, why, sizeof why), -E_BUSY);
    assert_int_equal(vdisk_file_close(&vf), 0);
    assert_int_equal(vdisk_file_open(&d3, &vf3, "BASE.VHD", 0, why, sizeof why), 0);
    assert_int_equal(d3.write(d3.ctx, 0, 1, buf), 0);
    assert_int_equal(vdisk_file_close(&vf3), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_vhd_ok, reset),
        cmocka_unit_test_teardown(test_vhd_bad, reset),
        cmocka_unit_test_teardown(test_raw, reset),
        cmocka_unit_test_teardown(test_readonly, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
