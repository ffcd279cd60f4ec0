/* hv's virtual BIOS (kernel/vmm/vbios/): each service over a flat fake guest
 * memory, a RAM disk and a fixed clock, the way the trap stub calls them.
 * Bad pointers and numbers must give CF = 1 and an error in AH -- and never
 * touch memory outside the fake guest (ASan watches). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/vbios/vbios.h"
#include "vmm/vbios/vbios_layout.h"

#define MIB (1ull << 20)
#define DISK_SECTORS 128

struct fx {
    uint8_t *mem;
    uint64_t mem_bytes;
    uint8_t disk_bytes[DISK_SECTORS * VDISK_SECTOR];
    struct vdisk disk;
    struct vdisk_ram ram;
    struct vbios b;
    uint64_t now_ns;
    char out[256];
    size_t out_len;
    const char *keys;
};

static int mread(void *ctx, uint64_t gpa, void *dst, size_t len)
{
    struct fx *f = ctx;
    if (gpa > f->mem_bytes || len > f->mem_bytes - gpa)
        return -34;
    memcpy(dst, f->mem + gpa, len);
    return 0;
}

static int mwrite(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    struct fx *f = ctx;
    if (gpa > f->mem_bytes || len > f->mem_bytes - gpa)
        return -34;
    memcpy(f->mem + gpa, src, len);
    return 0;
}

static uint64_t wall(void *ctx)
{
    return ((struct fx *)ctx)->now_ns;
}

static void tputc(void *ctx, char c)
{
    struct fx *f = ctx;
    if (f->out_len < sizeof(f->out) - 1)
        f->out[f->out_len++] = c;
}

static int getkey(void *ctx)
{
    struct fx *f = ctx;
    if (!f->keys || !*f->keys)
        return -1;
    return (uint8_t)*f->keys++;
}

static struct fx *fx_new(uint64_t mem_bytes, bool disk)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->mem = calloc(1, mem_bytes);
    assert_non_null(f->mem);
    f->mem_bytes = mem_bytes;
    for (unsigned n = 0; n < DISK_SECTORS; n++)
        for (unsigned i = 0; i < VDISK_SECTOR; i++)
            f->disk_bytes[n * VDISK_SECTOR + i] = (uint8_t)(n * 7 + i);
    vdisk_ram_init(&f->disk, &f->ram, f->disk_bytes, sizeof(f->disk_bytes));
    struct vbios_cfg cfg = {
        .mem = { f, mread, mwrite }, .mem_bytes = mem_bytes, .disk = disk ? &f->disk : NULL,
        .ctx = f, .wall_ns = wall, .putc = tputc, .getkey = getkey,
    };
    vbios_init(&f->b, &cfg);
    return f;
}

static void fx_free(struct fx *f)
{
    free(f->mem);
    free(f);
}

static struct vbios_regs regs(uint32_t eax)
{
    struct vbios_regs r = { .eax = eax, .flags = 0x0202 };
    return r;
}

#define CF(r) (((r).flags & VBIOS_CF) != 0)
#define AH(r) (((r).eax >> 8) & 0xFF)

/* ---- E820 ---- */

static void walk_e820(struct fx *f, struct vbios_e820 *out, unsigned *n)
{
    uint32_t ebx = 0;
    *n = 0;
    do {
        struct vbios_regs r = regs(0xE820);
        r.edx = 0x534D4150;
        r.ecx = 24;
        r.ebx = ebx;
        r.es = 0x0100;
        r.edi = 0;
        vbios_int15(&f->b, &r);
        assert_false(CF(r));
        assert_int_equal(r.eax, 0x534D4150);
        assert_int_equal(r.ecx, 24);
        memcpy(&out[*n].base, f->mem + 0x1000, 8);
        memcpy(&out[*n].len, f->mem + 0x1008, 8);
        memcpy(&out[*n].type, f->mem + 0x1010, 4);
        (*n)++;
        ebx = r.ebx;
        assert_true(*n <= VBIOS_E820_MAX);
    } while (ebx != 0);
}

static void test_e820_with_framebuffer(void **state)
{
    (void)state;
    struct fx *f = fx_new(16 * MIB, true);
    struct vbios_e820 e[VBIOS_E820_MAX];
    unsigned n;
    walk_e820(f, e, &n);
    assert_int_equal(n, 5);
    assert_true(e[0].base == 0 && e[0].len == 0x9FC00 && e[0].type == 1);
    assert_true(e[1].base == 0x9FC00 && e[1].len == 0x400 && e[1].type == 2);
    assert_true(e[2].base == 0xE0000 && e[2].len == 0x20000 && e[2].type == 2);
    assert_true(e[3].base == MIB && e[3].len == 12 * MIB && e[3].type == 1);
    assert_true(e[4].base == 13 * MIB && e[4].len == 3 * MIB && e[4].type == 2);
    fx_free(f);
}

static void test_e820_small_vm_and_errors(void **state)
{
    (void)state;
    struct fx *f = fx_new(2 * MIB, false);
    struct vbios_e820 e[VBIOS_E820_MAX];
    unsigned n;
    walk_e820(f, e, &n);
    assert_int_equal(n, 4);                 /* no framebuffer below 8 MiB */
    assert_true(e[3].base == MIB && e[3].len == MIB && e[3].type == 1);

    struct vbios_regs r = regs(0xE820);     /* no SMAP */
    r.ecx = 24;
    vbios_int15(&f->b, &r);
    assert_true(CF(r));
    assert_int_equal(AH(r), 0x86);
    r = regs(0xE820);                       /* an index past the end */
    r.edx = 0x534D4150;
    r.ecx = 20;
    r.ebx = 99;
    vbios_int15(&f->b, &r);
    assert_true(CF(r));
    r = regs(0xE820);                       /* a buffer too small */
    r.edx = 0x534D4150;
    r.ecx = 12;
    vbios_int15(&f->b, &r);
    assert_true(CF(r));
    struct fx *g = fx_new(1 * MIB, false);  /* ES:DI beyond its 1 MiB of RAM */
    r = regs(0xE820);
    r.edx = 0x534D4150;
    r.ecx = 20;
    r.es = 0xFFFF;
    r.edi = 0xFFFF;
    vbios_int15(&g->b, &r);
    assert_true(CF(r));
    fx_free(g);
    r = regs(0xE820);                       /* 20 bytes when asked for 20 */
    r.edx = 0x534D4150;
    r.ecx = 20;
    r.es = 0x100;
    vbios_int15(&f->b, &r);
    assert_false(CF(r));
    assert_int_equal(r.ecx, 20);
    assert_int_equal(r.ebx, 1);
    fx_free(f);
}

static void test_memory_sizes(void **state)
{
    (void)state;
    struct fx *f = fx_new(64 * MIB, true);
    struct vbios_regs r = regs(0x8800);
    vbios_int15(&f->b, &r);
    assert_false(CF(r));
    assert_int_equal(r.eax & 0xFFFF, 15 * 1024);
    r = regs(0xE801);
    vbios_int15(&f->b, &r);
    assert_false(CF(r));
    assert_int_equal(r.eax, 15 * 1024);
    assert_int_equal(r.ecx, 15 * 1024);
    /* framebuffer at (64 MiB - 3 MiB) rounded down to 1 MiB = 61 MiB */
    assert_int_equal(r.ebx, (61 - 16) * 16);
    r = regs(0x2401);
    vbios_int15(&f->b, &r);
    assert_false(CF(r));
    assert_int_equal(AH(r), 0);
    r = regs(0x2400);
    vbios_int15(&f->b, &r);
    assert_true(CF(r));
    fx_free(f);
}

/* ---- INT 13h ---- */

static void put_dap(struct fx *f, uint64_t at, uint8_t size, uint16_t count, uint16_t off,
                    uint16_t seg, uint64_t lba)
{
    uint8_t d[0x10] = { size, 0, (uint8_t)count, (uint8_t)(count >> 8), (uint8_t)off,
                        (uint8_t)(off >> 8), (uint8_t)seg, (uint8_t)(seg >> 8) };
    memcpy(d + 8, &lba, 8);
    memcpy(f->mem + at, d, sizeof(d));
}

static struct vbios_regs disk_call(struct fx *f, uint8_t ah, uint16_t ds, uint16_t si)
{
    struct vbios_regs r = regs((uint32_t)ah << 8);
    r.edx = 0x80;
    r.ds = ds;
    r.esi = si;
    vbios_int13(&f->b, &r);
    return r;
}

static uint16_t dap_count(struct fx *f, uint64_t at)
{
    return (uint16_t)(f->mem[at + 2] | f->mem[at + 3] << 8);
}

static void test_int13_ext_read_write(void **state)
{
    (void)state;
    struct fx *f = fx_new(2 * MIB, true);
    put_dap(f, 0x600, 0x10, 3, 0x0000, 0x2000, 10);
    struct vbios_regs r = disk_call(f, 0x42, 0, 0x600);
    assert_false(CF(r));
    assert_int_equal(AH(r), 0);
    assert_memory_equal(f->mem + 0x20000, f->disk_bytes + 10 * 512, 3 * 512);
    assert_int_equal(dap_count(f, 0x600), 3);

    memset(f->mem + 0x30000, 0xEE, 1024);
    put_dap(f, 0x600, 0x10, 2, 0x0000, 0x3000, 126);
    r = disk_call(f, 0x43, 0, 0x600);
    assert_false(CF(r));
    assert_int_equal(f->disk_bytes[126 * 512], 0xEE);
    assert_int_equal(f->disk_bytes[128 * 512 - 1], 0xEE);

    /* A 64-bit flat buffer (DAP of 0x18 bytes, FFFF:FFFF) */
    put_dap(f, 0x600, 0x18, 1, 0xFFFF, 0xFFFF, 1);
    uint64_t flat = 0x150000;
    memcpy(f->mem + 0x610, &flat, 8);
    r = disk_call(f, 0x42, 0, 0x600);
    assert_false(CF(r));
    assert_memory_equal(f->mem + flat, f->disk_bytes + 512, 512);
    fx_free(f);
}

static void test_int13_bounds(void **state)
{
    (void)state;
    struct fx *f = fx_new(2 * MIB, true);
    /* Past the end of the disk, and an LBA + count that wraps */
    put_dap(f, 0x600, 0x10, 2, 0, 0x2000, DISK_SECTORS - 1);
    struct vbios_regs r = disk_call(f, 0x42, 0, 0x600);
    assert_true(CF(r));
    assert_int_equal(AH(r), 0x04);
    assert_int_equal(dap_count(f, 0x600), 0);
    put_dap(f, 0x600, 0x10, 2, 0, 0x2000, UINT64_MAX);
    r = disk_call(f, 0x43, 0, 0x600);
    assert_true(CF(r));
    assert_int_equal(AH(r), 0x04);
    /* The buffer runs off the end of guest RAM */
    put_dap(f, 0x600, 0x18, 4, 0xFFFF, 0xFFFF, 0);
    uint64_t flat = 2 * MIB - 1024;
    memcpy(f->mem + 0x610, &flat, 8);
    r = disk_call(f, 0x42, 0, 0x600);
    assert_true(CF(r));
    assert_int_equal(AH(r), 0x01);
    flat = UINT64_MAX - 100;
    memcpy(f->mem + 0x610, &flat, 8);
    r = disk_call(f, 0x42, 0, 0x600);
    assert_true(CF(r));
    assert_int_equal(AH(r), 0x01);
    /* A DAP too short, and a DAP outside RAM */
    put_dap(f, 0x600, 0x08, 1, 0, 0x2000, 0);
    r = disk_call(f, 0x42, 0, 0x600);
    assert_true(CF(r));
    assert_int_equal(AH(r), 0x01);
    struct fx *g = fx_new(1 * MIB, true);
    r = disk_call(g, 0x42, 0xFFFF, 0xFFF8);      /* 0x10FFE8: beyond 1 MiB */
    assert_true(CF(r));
    assert_int_equal(AH(r), 0x01);
    /* AH=01h reports the last error */
    r = disk_call(f, 0x01, 0, 0);
    assert_true(CF(r));
    assert_int_equal(AH(r), 0x01);
    fx_free(g);
    fx_free(f);
}

static void test_int13_info(void **state)
{
    (void)state;
    struct fx *f = fx_new(2 * MIB, true);
    struct vbios_regs r = regs(0x4100);
    r.ebx = 0x55AA;
    r.edx = 0x80;
    vbios_int13(&f->b, &r);
    assert_false(CF(r));
    assert_int_equal(r.ebx, 0xAA55);
    assert_int_equal(r.ecx & 1, 1);

    uint16_t size = 0x1E;
    memcpy(f->mem + 0x700, &size, 2);
    r = disk_call(f, 0x48, 0, 0x700);
    assert_false(CF(r));
    uint64_t total;
    uint16_t bps;
    memcpy(&total, f->mem + 0x710, 8);
    memcpy(&bps, f->mem + 0x718, 2);
    assert_int_equal(total, DISK_SECTORS);
    assert_int_equal(bps, 512);
    size = 0x10;                                   /* too small */
    memcpy(f->mem + 0x700, &size, 2);
    r = disk_call(f, 0x48, 0, 0x700);
    assert_true(CF(r));

    r = disk_call(f, 0x08, 0, 0);
    assert_false(CF(r));
    assert_int_equal(r.ecx & 0x3F, 63);
    assert_int_equal(r.edx & 0xFF, 1);
    assert_int_equal((r.edx >> 8) & 0xFF, 15);

    r = disk_call(f, 0x15, 0, 0);
    assert_false(CF(r));
    assert_int_equal(AH(r), 3);
    assert_int_equal((r.ecx & 0xFFFF) << 16 | (r.edx & 0xFFFF), DISK_SECTORS);

    /* CHS read: cylinder 0, head 1, sector 2 = LBA 64 */
    r = regs(0x0201);
    r.ecx = 0x0002;
    r.edx = 0x0180;
    r.es = 0x2000;
    r.ebx = 0;
    vbios_int13(&f->b, &r);
    assert_false(CF(r));
    assert_int_equal(r.eax & 0xFF, 1);
    assert_memory_equal(f->mem + 0x20000, f->disk_bytes + 64 * 512, 512);

    r = regs(0x4200);                              /* drive 0x81: none */
    r.edx = 0x81;
    vbios_int13(&f->b, &r);
    assert_true(CF(r));
    r = disk_call(f, 0x77, 0, 0);                  /* unknown function */
    assert_true(CF(r));
    assert_int_equal(AH(r), 0x01);
    struct fx *g = fx_new(2 * MIB, false);         /* no disk at all */
    r = disk_call(g, 0x42, 0, 0x600);
    assert_true(CF(r));
    fx_free(g);
    fx_free(f);
}

/* ---- INT 10h ---- */

static void test_teletype_and_cursor(void **state)
{
    (void)state;
    struct fx *f = fx_new(2 * MIB, false);
    const char *s = "hi\r\nabc";
    for (const char *p = s; *p; p++) {
        struct vbios_regs r = regs(0x0E00 | (uint8_t)*p);
        vbios_int10(&f->b, &r);
    }
    assert_int_equal(f->out_len, strlen(s));
    assert_memory_equal(f->out, s, strlen(s));
    struct vbios_regs r = regs(0x0300);
    vbios_int10(&f->b, &r);
    assert_int_equal(r.edx & 0xFFFF, 0x0103);        /* row 1, column 3 */
    r = regs(0x0200);
    r.edx = 0x0A14;
    vbios_int10(&f->b, &r);
    r = regs(0x0300);
    vbios_int10(&f->b, &r);
    assert_int_equal(r.edx & 0xFFFF, 0x0A14);
    fx_free(f);
}

static void test_vbe(void **state)
{
    (void)state;
    struct fx *f = fx_new(16 * MIB, false);
    memcpy(f->mem + 0x800, "VBE2", 4);
    struct vbios_regs r = regs(0x4F00);
    r.edi = 0x800;
    vbios_int10(&f->b, &r);
    assert_int_equal(r.eax & 0xFFFF, 0x004F);
    assert_memory_equal(f->mem + 0x800, "VESA", 4);
    uint16_t off, seg, mode;
    memcpy(&off, f->mem + 0x80E, 2);
    memcpy(&seg, f->mem + 0x810, 2);
    assert_int_equal(seg, VBIOS_SEG);
    (void)off;

    r = regs(0x4F01);
    r.ecx = VBIOS_VBE_MODE;
    r.edi = 0x1000;
    vbios_int10(&f->b, &r);
    assert_int_equal(r.eax & 0xFFFF, 0x004F);
    uint16_t w, h, attr;
    uint32_t lfb;
    memcpy(&attr, f->mem + 0x1000, 2);
    memcpy(&w, f->mem + 0x1012, 2);
    memcpy(&h, f->mem + 0x1014, 2);
    memcpy(&lfb, f->mem + 0x1028, 4);
    assert_int_equal(attr & 0x99, 0x99);
    assert_int_equal(w, 1024);
    assert_int_equal(h, 768);
    assert_int_equal(f->mem[0x1019], 32);
    assert_int_equal(f->mem[0x101B], 6);
    assert_int_equal(lfb, 13 * MIB);

    r = regs(0x4F01);                              /* unknown mode */
    r.ecx = 0x101;
    vbios_int10(&f->b, &r);
    assert_int_equal(r.eax & 0xFFFF, 0x014F);
    r = regs(0x4F02);                              /* without the LFB bit */
    r.ebx = VBIOS_VBE_MODE;
    vbios_int10(&f->b, &r);
    assert_int_equal(r.eax & 0xFFFF, 0x014F);
    f->mem[13 * MIB + 5] = 0x77;
    r = regs(0x4F02);
    r.ebx = 0x4000 | VBIOS_VBE_MODE;
    vbios_int10(&f->b, &r);
    assert_int_equal(r.eax & 0xFFFF, 0x004F);
    assert_int_equal(f->mem[13 * MIB + 5], 0);     /* cleared */
    r = regs(0x4F03);
    vbios_int10(&f->b, &r);
    memcpy(&mode, &r.ebx, 2);
    assert_int_equal(mode, 0x4000 | VBIOS_VBE_MODE);
    r = regs(0x4F99);
    vbios_int10(&f->b, &r);
    assert_int_equal(r.eax & 0xFFFF, 0x014F);
    fx_free(f);

    f = fx_new(4 * MIB, false);                    /* too small for a framebuffer */
    r = regs(0x4F01);
    r.ecx = VBIOS_VBE_MODE;
    r.edi = 0x1000;
    vbios_int10(&f->b, &r);
    assert_int_equal(r.eax & 0xFFFF, 0x014F);
    r = regs(0x4F02);
    r.ebx = 0x4000 | VBIOS_VBE_MODE;
    vbios_int10(&f->b, &r);
    assert_int_equal(r.eax & 0xFFFF, 0x014F);
    fx_free(f);
}

/* ---- INT 16h, INT 1Ah ---- */

static void test_keys(void **state)
{
    (void)state;
    struct fx *f = fx_new(2 * MIB, false);
    struct vbios_regs r = regs(0x0100);
    vbios_int16(&f->b, &r);
    assert_true(r.flags & VBIOS_ZF);
    r = regs(0x0000);
    vbios_int16(&f->b, &r);                        /* does not wait */
    assert_true(r.flags & VBIOS_ZF);
    assert_true(CF(r));
    assert_int_equal(r.eax & 0xFFFF, 0);
    f->keys = "1\r";
    r = regs(0x0100);
    vbios_int16(&f->b, &r);
    assert_false(r.flags & VBIOS_ZF);
    assert_int_equal(r.eax & 0xFFFF, 0x0231);
    r = regs(0x0000);                              /* the same key, now taken */
    vbios_int16(&f->b, &r);
    assert_int_equal(r.eax & 0xFFFF, 0x0231);
    r = regs(0x1000);
    vbios_int16(&f->b, &r);
    assert_int_equal(r.eax & 0xFFFF, 0x1C0D);
    r = regs(0x0100);
    vbios_int16(&f->b, &r);
    assert_true(r.flags & VBIOS_ZF);
    fx_free(f);
}

static void test_time_bcd(void **state)
{
    (void)state;
    struct fx *f = fx_new(2 * MIB, false);
    f->now_ns = 1709251198ull * 1000000000ull;     /* 2024-02-29 23:59:58 UTC */
    struct vbios_regs r = regs(0x0200);
    vbios_int1a(&f->b, &r);
    assert_false(CF(r));
    assert_int_equal(r.ecx & 0xFFFF, 0x2359);
    assert_int_equal((r.edx >> 8) & 0xFF, 0x58);
    r = regs(0x0400);
    vbios_int1a(&f->b, &r);
    assert_false(CF(r));
    assert_int_equal(r.ecx & 0xFFFF, 0x2024);
    assert_int_equal(r.edx & 0xFFFF, 0x0229);
    f->now_ns = 4133898123ull * 1000000000ull;     /* 2100-12-31 01:02:03 */
    r = regs(0x0400);
    vbios_int1a(&f->b, &r);
    assert_int_equal(r.ecx & 0xFFFF, 0x2100);
    assert_int_equal(r.edx & 0xFFFF, 0x1231);
    r = regs(0x0200);
    vbios_int1a(&f->b, &r);
    assert_int_equal(r.ecx & 0xFFFF, 0x0102);
    f->now_ns = 0;
    r = regs(0x0400);
    vbios_int1a(&f->b, &r);
    assert_int_equal(r.ecx & 0xFFFF, 0x1970);
    assert_int_equal(r.edx & 0xFFFF, 0x0101);

    /* Ticks: set, read back, midnight flag read once */
    r = regs(0x0100);
    r.ecx = 0x0012;
    r.edx = 0x3456;
    vbios_int1a(&f->b, &r);
    f->mem[0x470] = 1;
    r = regs(0x0000);
    vbios_int1a(&f->b, &r);
    assert_int_equal(r.ecx & 0xFFFF, 0x0012);
    assert_int_equal(r.edx & 0xFFFF, 0x3456);
    assert_int_equal(r.eax & 0xFF, 1);
    r = regs(0x0000);
    vbios_int1a(&f->b, &r);
    assert_int_equal(r.eax & 0xFF, 0);
    fx_free(f);
}

static void test_bad_functions(void **state)
{
    (void)state;
    struct fx *f = fx_new(2 * MIB, true);
    static const struct { uint8_t vec; uint32_t eax; uint8_t ah; } bad[] = {
        { 0x15, 0xEE00, 0x86 }, { 0x15, 0xC000, 0x86 }, { 0x1A, 0x0700, 0x86 },
        { 0x16, 0x5500, 0x86 }, { 0x10, 0x9900, 0x86 }, { 0x42, 0x0000, 0x86 },
        { 0x13, 0x0500, 0x01 },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct vbios_regs r = regs(bad[i].eax);
        r.edx = 0x80;
        uint64_t before = f->b.bad_calls;
        vbios_call(&f->b, bad[i].vec, &r);
        assert_true(CF(r));
        assert_int_equal(AH(r), bad[i].ah);
        assert_int_equal(f->b.bad_calls, before + 1);
    }
    fx_free(f);
}

/* ---- install ---- */

static void test_install(void **state)
{
    (void)state;
    struct fx *f = fx_new(16 * MIB, true);
    f->now_ns = (86400ull * 19000 + 3600) * 1000000000ull;   /* 01:00:00 */
    static const uint8_t code[0x40] = { 0xCF };
    struct vbios_stub s = { .code = code, .len = sizeof(code), .iret = 0x10,
                            .irq_master = 0x11, .irq_slave = 0x12, .irq0 = 0x13, .int11 = 0x14,
                            .int12 = 0x15, .trap10 = 0x20, .trap13 = 0x21, .trap15 = 0x22,
                            .trap16 = 0x23, .trap1a = 0x24 };
    assert_int_equal(vbios_install(&f->b, &s), 0);
    uint32_t ivt[256];
    memcpy(ivt, f->mem, sizeof(ivt));
    assert_int_equal(ivt[0x13], 0xF0000021u);
    assert_int_equal(ivt[0x08], 0xF0000013u);
    assert_int_equal(ivt[0x09], 0xF0000011u);
    assert_int_equal(ivt[0x70], 0xF0000012u);
    assert_int_equal(ivt[0x1C], 0xF0000010u);
    assert_int_equal(ivt[0xFF], 0xF0000010u);
    uint16_t w;
    memcpy(&w, f->mem + 0x400, 2);
    assert_int_equal(w, 0x3F8);
    memcpy(&w, f->mem + 0x40E, 2);
    assert_int_equal(w, VBIOS_EBDA_SEG);
    memcpy(&w, f->mem + 0x413, 2);
    assert_int_equal(w, 639);
    uint32_t ticks;
    memcpy(&ticks, f->mem + 0x46C, 4);
    assert_int_equal(ticks, 65543);                /* 3600 s x 18.2065 Hz */
    assert_int_equal(f->mem[0x475], 1);
    assert_int_equal(f->mem[VBIOS_BASE], 0xCF);
    memcpy(&w, f->mem + VBIOS_BASE + VBIOS_DATA_OFF + 0x20, 2);
    assert_int_equal(w, VBIOS_VBE_MODE);
    fx_free(f);

    f = fx_new(512 * 1024, true);                  /* no room for the BIOS area */
    assert_true(vbios_install(&f->b, &s) < 0);
    fx_free(f);
}

/* ---- VHD footer ---- */

static void make_footer(uint8_t *ft, uint64_t size, uint32_t type)
{
    memset(ft, 0, 512);
    memcpy(ft, "conectix", 8);
    for (int i = 0; i < 8; i++) {
        ft[40 + i] = (uint8_t)(size >> (56 - 8 * i));
        ft[48 + i] = (uint8_t)(size >> (56 - 8 * i));
    }
    for (int i = 0; i < 4; i++)
        ft[60 + i] = (uint8_t)(type >> (24 - 8 * i));
    uint32_t sum = 0;
    for (int i = 0; i < 512; i++)
        sum += ft[i];
    sum = ~sum;
    for (int i = 0; i < 4; i++)
        ft[64 + i] = (uint8_t)(sum >> (24 - 8 * i));
}

static void test_vhd_footer(void **state)
{
    (void)state;
    uint8_t ft[512];
    uint64_t bytes = 0;
    const char *why;
    make_footer(ft, 1 * MIB, 2);
    assert_int_equal(vhd_footer_check(ft, MIB + 512, &bytes, &why), 0);
    assert_int_equal(bytes, MIB);
    assert_true(vhd_footer_check(ft, MIB, &bytes, &why) < 0);
    assert_string_equal(why, "size does not match the file");
    ft[70] ^= 1;
    assert_true(vhd_footer_check(ft, MIB + 512, &bytes, &why) < 0);
    assert_string_equal(why, "checksum mismatch");
    make_footer(ft, MIB, 3);
    assert_true(vhd_footer_check(ft, MIB + 512, &bytes, &why) < 0);
    assert_string_equal(why, "not a fixed disk");
    ft[0] = 'X';
    assert_true(vhd_footer_check(ft, MIB + 512, &bytes, &why) < 0);
    assert_string_equal(why, "no conectix cookie");
}

/* ---- random input never escapes guest memory ---- */

static void test_hammer(void **state)
{
    (void)state;
    struct fx *f = fx_new(2 * MIB, true);
    static const uint8_t vecs[] = { 0x10, 0x13, 0x15, 0x16, 0x1A, 0x00, 0xFF };
    srand(1234);
    for (unsigned i = 0; i < 200000; i++) {
        struct vbios_regs r;
        uint32_t *w = (uint32_t *)&r;
        for (unsigned j = 0; j < sizeof(r) / 4; j++)
            w[j] = (uint32_t)rand() << 16 ^ (uint32_t)rand();
        if (i & 1)
            r.edx = (r.edx & ~0xFFu) | 0x80;       /* mostly the real drive */
        if (i % 3 == 0)
            r.eax = (r.eax & 0xFFFF00FFu) | (uint32_t)(0x40 + rand() % 10) << 8;
        if (i % 5 == 0)                            /* a DAP with wild fields */
            for (unsigned j = 0; j < 24; j++)
                f->mem[vbios_lin(r.ds, (uint16_t)r.esi) % (2 * MIB - 32) + j] = (uint8_t)rand();
        if (i % 7 == 0)
            r.eax = 0xE820;
        vbios_call(&f->b, vecs[i % sizeof(vecs)], &r);
    }
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_e820_with_framebuffer),
        cmocka_unit_test(test_e820_small_vm_and_errors),
        cmocka_unit_test(test_memory_sizes),
        cmocka_unit_test(test_int13_ext_read_write),
        cmocka_unit_test(test_int13_bounds),
        cmocka_unit_test(test_int13_info),
        cmocka_unit_test(test_teletype_and_cursor),
        cmocka_unit_test(test_vbe),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_time_bcd),
        cmocka_unit_test(test_bad_functions),
        cmocka_unit_test(test_install),
        cmocka_unit_test(test_vhd_footer),
        cmocka_unit_test(test_hammer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
