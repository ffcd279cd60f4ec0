/* Host tests for the guest page walk (kernel/vmm/gwalk.c): page tables for
 * each paging mode built in a byte array that stands for guest RAM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/gwalk.h"

#define RAM_SIZE (8u << 20)
static uint8_t ram[RAM_SIZE];

static int ram_read(void *ctx, uint64_t gpa, void *dst, size_t len)
{
    (void)ctx;
    if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
        return -1;
    memcpy(dst, ram + gpa, len);
    return 0;
}

static const struct gwalk_mem mem = { ram_read, NULL };

static void put64(uint64_t gpa, uint64_t v) { memcpy(ram + gpa, &v, 8); }
static void put32(uint64_t gpa, uint32_t v) { memcpy(ram + gpa, &v, 4); }

#define PG   (1ull << 31)
#define PE   1ull
#define PSE  (1ull << 4)
#define PAE  (1ull << 5)
#define LMA  (1ull << 10)
#define LME  (1ull << 8)

static int reset(void **state)
{
    (void)state;
    memset(ram, 0, sizeof(ram));
    return 0;
}

static void paging_off(void **state)
{
    (void)state;
    struct gwalk_paging p = { .cr0 = PE };
    uint64_t gpa;
    assert_int_equal(gwalk_translate(&mem, &p, 0x1234567890ull, &gpa), 0);
    assert_int_equal(gpa, 0x34567890ull);
}

/* 4-level: lin 0xFFFF800000201ABC -> 4 KiB page at 0x300000; and a 2 MiB
 * page for lin 0x40000000 at gpa 0x200000. */
static void long_mode(void **state)
{
    (void)state;
    uint64_t lin = 0xFFFF800000201ABCull;
    unsigned i4 = (lin >> 39) & 511, i3 = (lin >> 30) & 511, i2 = (lin >> 21) & 511,
             i1 = (lin >> 12) & 511;
    put64(0x1000 + i4 * 8, 0x2000 | 3);
    put64(0x2000 + i3 * 8, 0x3000 | 3);
    put64(0x3000 + i2 * 8, 0x4000 | 3);
    put64(0x4000 + i1 * 8, 0x300000 | 3 | (1ull << 63));   /* NX is no address bit */
    struct gwalk_paging p = { .cr0 = PG | PE, .cr3 = 0x1000, .cr4 = PAE, .efer = LME | LMA };
    uint64_t gpa;
    assert_int_equal(gwalk_translate(&mem, &p, lin, &gpa), 0);
    assert_int_equal(gpa, 0x300ABCull);

    put64(0x1000, 0x5000 | 3);
    put64(0x5000 + 1 * 8, 0x6000 | 3);                 /* 1 GiB slot 1 */
    put64(0x6000, 0x200000 | 0x83);                    /* 2 MiB page */
    assert_int_equal(gwalk_translate(&mem, &p, 0x40012345ull, &gpa), 0);
    assert_int_equal(gpa, 0x212345ull);

    put64(0x5000 + 2 * 8, 0x80000000ull | 0x83);      /* 1 GiB page */
    assert_int_equal(gwalk_translate(&mem, &p, 0x80000010ull, &gpa), 0);
    assert_int_equal(gpa, 0x80000010ull);

    /* not present, and a table outside RAM */
    assert_int_equal(gwalk_translate(&mem, &p, 0x0000008000000000ull, &gpa), -GWALK_ENOTPRESENT);
    put64(0x1000 + 2 * 8, 0x7FFFF000ull | 3);
    assert_int_equal(gwalk_translate(&mem, &p, 0x0000010000000000ull, &gpa), -GWALK_ERANGE);
    /* a 2 MiB entry with address bits below 2 MiB set */
    put64(0x6000 + 8, 0x202000 | 0x83);    /* bit 12 would be PAT */
    assert_int_equal(gwalk_translate(&mem, &p, 0x40200000ull, &gpa), -GWALK_ERESERVED);
}

static void pae(void **state)
{
    (void)state;
    /* CR3 32-byte aligned, not page aligned */
    put64(0x1020 + 3 * 8, 0x2000 | 1);
    put64(0x2000 + 0x1F7 * 8, 0x3000 | 3);            /* lin 0xFEE00000 -> PD index 0x1F7 */
    put64(0x3000, 0x1000000 | 3);
    struct gwalk_paging p = { .cr0 = PG | PE, .cr3 = 0x1020, .cr4 = PAE };
    uint64_t gpa;
    /* translation does not read the page itself: outside RAM is fetch's error */
    assert_int_equal(gwalk_translate(&mem, &p, 0xFEE00044ull, &gpa), 0);
    assert_int_equal(gpa, 0x1000044ull);
    uint8_t b[4];
    int err;
    assert_int_equal(gwalk_fetch(&mem, &p, 0xFEE00044ull, b, 4, &err), 0);
    assert_int_equal(err, -GWALK_ERANGE);
    put64(0x3000, 0x100000 | 3);
    assert_int_equal(gwalk_translate(&mem, &p, 0xFEE00044ull, &gpa), 0);
    assert_int_equal(gpa, 0x100044ull);
    put64(0x2000 + 0x1F6 * 8, 0x200000 | 0x83);
    assert_int_equal(gwalk_translate(&mem, &p, 0xFEC12345ull, &gpa), 0);
    assert_int_equal(gpa, 0x212345ull);
    put64(0x1020, 0x4000 | 1 | 2);                      /* PDPTE bit 1 is reserved */
    assert_int_equal(gwalk_translate(&mem, &p, 0x1000ull, &gpa), -GWALK_ERESERVED);
}

static void legacy32(void **state)
{
    (void)state;
    put32(0x1000 + 1 * 4, 0x2000 | 3);                 /* PDE 1: lin 0x400000.. */
    put32(0x2000 + 5 * 4, 0x7000 | 3);
    put32(0x1000 + 2 * 4, 0x00400000 | 0x83);          /* 4 MiB page */
    struct gwalk_paging p = { .cr0 = PG | PE, .cr3 = 0x1000, .cr4 = PSE };
    uint64_t gpa;
    assert_int_equal(gwalk_translate(&mem, &p, 0x405123ull, &gpa), 0);
    assert_int_equal(gpa, 0x7123ull);
    assert_int_equal(gwalk_translate(&mem, &p, 0x812345ull, &gpa), 0);
    assert_int_equal(gpa, 0x412345ull);
    /* without CR4.PSE, PS is ignored: the entry points to a page table */
    p.cr4 = 0;
    assert_int_equal(gwalk_translate(&mem, &p, 0x800000ull, &gpa), -GWALK_ENOTPRESENT);
}

/* An instruction crossing a page boundary into a page mapped elsewhere. */
static void fetch_cross(void **state)
{
    (void)state;
    put32(0x1000, 0x2000 | 3);
    put32(0x2000 + 0x10 * 4, 0x8000 | 3);
    put32(0x2000 + 0x11 * 4, 0x5000 | 3);
    for (int i = 0; i < 8; i++) {
        ram[0x8FF8 + i] = (uint8_t)(0xA0 + i);
        ram[0x5000 + i] = (uint8_t)(0xB0 + i);
    }
    struct gwalk_paging p = { .cr0 = PG | PE, .cr3 = 0x1000 };
    uint8_t buf[15];
    int err = -99;
    size_t n = gwalk_fetch(&mem, &p, 0x10FF8, buf, 15, &err);
    assert_int_equal(n, 15);
    assert_int_equal(err, 0);
    assert_int_equal(buf[0], 0xA0);
    assert_int_equal(buf[7], 0xA7);
    assert_int_equal(buf[8], 0xB0);
    assert_int_equal(buf[14], 0xB6);
    /* the next page absent: only the bytes before the boundary */
    put32(0x2000 + 0x11 * 4, 0);
    n = gwalk_fetch(&mem, &p, 0x10FFC, buf, 15, &err);
    assert_int_equal(n, 4);
    assert_int_equal(err, -GWALK_ENOTPRESENT);
    /* the next page maps beyond the end of RAM */
    put32(0x2000 + 0x11 * 4, RAM_SIZE | 3);
    n = gwalk_fetch(&mem, &p, 0x10FFA, buf, 15, &err);
    assert_int_equal(n, 6);
    assert_int_equal(err, -GWALK_ERANGE);
    assert_non_null(gwalk_strerror(err));
    assert_int_equal(gwalk_translate(NULL, &p, 0, NULL), -GWALK_EBADARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(paging_off, reset),
        cmocka_unit_test_setup(long_mode, reset),
        cmocka_unit_test_setup(pae, reset),
        cmocka_unit_test_setup(legacy32, reset),
        cmocka_unit_test_setup(fetch_cross, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
