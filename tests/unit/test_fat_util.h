/* Shared by the FAT host tests: an in-memory block device loaded from and
 * saved to an image file that mkfs.fat/mtools/fsck.fat work on, with an
 * optional power cut after a number of sector writes. */
#ifndef TEST_FAT_UTIL_H
#define TEST_FAT_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/fat.h"

struct memdisk {
    uint8_t *data;
    uint64_t sectors;
    uint32_t ss;
    long cut_after;         /* sector writes still accepted; <0: no limit */
    long writes, flushes;   /* sector writes attempted, flush calls */
    struct blkdev dev;
};

static int md_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
    struct memdisk *m = ctx;
    if (lba + n > m->sectors)
        return -1;
    memcpy(buf, m->data + lba * m->ss, (size_t)n * m->ss);
    return 0;
}

/* Past the cut, writes "succeed" but vanish, as on power loss: the code
 * under test runs on, and the image keeps what reached it. */
static int md_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
    struct memdisk *m = ctx;
    if (lba + n > m->sectors)
        return -1;
    for (uint32_t i = 0; i < n; i++, m->writes++) {
        if (m->cut_after >= 0 && m->writes >= m->cut_after)
            continue;
        memcpy(m->data + (lba + i) * m->ss, (const uint8_t *)buf + (size_t)i * m->ss, m->ss);
    }
    return 0;
}

static int md_flush(void *ctx)
{
    ((struct memdisk *)ctx)->flushes++;
    return 0;
}

static void md_load(struct memdisk *m, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    free(m->data);
    m->data = malloc((size_t)len);
    if (!m->data || fread(m->data, 1, (size_t)len, f) != (size_t)len) { perror("load"); exit(1); }
    fclose(f);
    m->ss = 512;
    m->sectors = (uint64_t)len / 512;
    m->cut_after = -1;
    m->writes = m->flushes = 0;
    m->dev = (struct blkdev){ m, md_read, md_write, md_flush, 512, m->sectors };
}

static void md_save(struct memdisk *m, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(m->data, 512, m->sectors, f) != m->sectors) { perror(path); exit(1); }
    fclose(f);
}

static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int r = system(cmd);
    return r == -1 ? -1 : WEXITSTATUS(r);
}

/* Output of a shell command (first 64 KiB). */
static char *sh_out(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    static char buf[65536];
    size_t n = p ? fread(buf, 1, sizeof buf - 1, p) : 0;
    buf[n] = 0;
    if (p)
        pclose(p);
    return buf;
}

static char tdir[256];

static void tmp_setup(void)
{
    snprintf(tdir, sizeof tdir, "/tmp/fattest.XXXXXX");
    if (!mkdtemp(tdir)) { perror("mkdtemp"); exit(1); }
}

static void tmp_teardown(void)
{
    sh("rm -rf %s", tdir);
}

/* mkfs.fat: fat = 16 or 32, size in KiB, spc sectors per cluster. */
static void mkimg(const char *img, int fat, int kib, int spc)
{
    if (sh("rm -f %s && mkfs.fat -C -F %d -s %d -n HVTEST %s %d >/dev/null 2>&1", img, fat, spc, img, kib)) {
        fprintf(stderr, "mkfs.fat failed for %s\n", img);
        exit(1);
    }
}

static void fill_pattern(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 9));
}

static void write_host_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n) { perror(path); exit(1); }
    fclose(f);
}

/* Reads a whole file through our code into a malloc'ed buffer. */
static int read_all(struct fat_vol *v, const char *path, uint8_t **out, uint32_t *len)
{
    struct fat_file f;
    int r = fat_open(v, path, FAT_O_READ, &f);
    if (r)
        return r;
    *out = malloc(f.size + 1);
    int64_t n = fat_read(&f, *out, f.size);
    *len = f.size;
    fat_close(&f);
    if (n < 0) {
        free(*out);
        return (int)n;
    }
    return n == *len ? 0 : -FAT_EIO;
}

#endif
