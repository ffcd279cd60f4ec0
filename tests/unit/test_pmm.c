/* Unit tests for the physical memory manager's pure logic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "mm/e820.h"
#include "mm/frames.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static struct hv_e820_entry E(uint64_t base, uint64_t len, uint32_t type)
{
    return (struct hv_e820_entry){ base, len, type, 1 };
}

/* QEMU's map with 4 GiB+: low RAM, BIOS hole, RAM to the PCI hole, RAM above 4 GiB. */
static void test_e820_typical(void **state)
{
    (void)state;
    struct hv_e820_entry m[] = {
        E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2), E(0xf0000, 0x10000, 2),
        E(MiB, 0xbfee0000 - MiB, 1), E(0xfffc0000, 0x40000, 2), E(4 * GiB, GiB, 1),
    };
    struct mem_range r[16];
    size_t n = e820_usable(m, 6, r, 16);
    assert_int_equal(n, 3);
    assert_int_equal(r[0].base, 0);
    assert_int_equal(r[0].end, 0x9fc00);
    assert_int_equal(r[1].base, MiB);
    assert_int_equal(r[2].end, 5 * GiB);
    assert_int_equal(ranges_total(r, n), 0x9fc00 + 0xbfee0000 - MiB + GiB);
    n = ranges_align(r, n, 4096);
    assert_int_equal(r[0].end, 0x9f000);
}

/* Unsorted, overlapping, a reserved hole inside usable, zero-length and
 * wrapping entries. */
static void test_e820_messy(void **state)
{
    (void)state;
    struct hv_e820_entry m[] = {
        E(16 * MiB, 16 * MiB, 1),
        E(MiB, 8 * MiB, 1),
        E(4 * MiB, 8 * MiB, 1),            /* overlaps the one above: merged */
        E(6 * MiB, MiB, 2),                /* a hole inside usable RAM */
        E(100 * MiB, 0, 1),                /* zero length: ignored */
        E(UINT64_MAX - 4095, 8192, 1),     /* runs past 2^64: clipped */
        E(20 * MiB, 2 * MiB, 4),           /* NVS inside usable */
    };
    struct mem_range r[16];
    size_t n = e820_usable(m, 7, r, 16);
    assert_int_equal(n, 5);
    assert_int_equal(r[0].base, MiB);
    assert_int_equal(r[0].end, 6 * MiB);
    assert_int_equal(r[1].base, 7 * MiB);
    assert_int_equal(r[1].end, 12 * MiB);
    assert_int_equal(r[2].base, 16 * MiB);
    assert_int_equal(r[2].end, 20 * MiB);
    assert_int_equal(r[3].base, 22 * MiB);
    assert_int_equal(r[3].end, 32 * MiB);
    assert_int_equal(r[4].end, UINT64_MAX);
}

static void test_e820_empty(void **state)
{
    (void)state;
    struct hv_e820_entry m[] = { E(0, MiB, 2) };
    struct mem_range r[4];
    assert_int_equal(e820_usable(m, 1, r, 4), 0);
    assert_int_equal(e820_usable(m, 0, r, 4), 0);
}

static void test_ranges_remove_find(void **state)
{
    (void)state;
    struct mem_range r[8] = { { 0, 16 * MiB }, { 32 * MiB, 64 * MiB } };
    size_t n = 2;
    n = ranges_remove(r, n, 8, 0, MiB);                 /* the first MiB */
    n = ranges_remove(r, n, 8, 2 * MiB, 3 * MiB);       /* a split */
    assert_int_equal(n, 3);
    assert_int_equal(r[0].base, MiB);
    assert_int_equal(r[0].end, 2 * MiB);
    assert_int_equal(r[1].base, 3 * MiB);
    n = ranges_remove(r, n, 8, 10 * MiB, 40 * MiB);     /* across two ranges */
    assert_int_equal(n, 3);
    assert_int_equal(r[1].end, 10 * MiB);
    assert_int_equal(r[2].base, 40 * MiB);
    n = ranges_remove(r, n, 8, 0, 2 * MiB);             /* a whole range */
    assert_int_equal(n, 2);
    assert_int_equal(r[0].base, 3 * MiB);

    assert_int_equal(ranges_find(r, n, 4 * MiB, 4096, 4 * GiB), 3 * MiB);
    assert_int_equal(ranges_find(r, n, 8 * MiB, 4096, 4 * GiB), 40 * MiB);
    assert_int_equal(ranges_find(r, n, 8 * MiB, 4096, 45 * MiB), 0);   /* limit */
    assert_int_equal(ranges_find(r, n, GiB, 4096, UINT64_MAX), 0);      /* too big */
    struct mem_range z[1] = { { 0, MiB } };
    assert_int_equal(ranges_find(z, 1, 4096, 4096, GiB), 4096);         /* never page 0 */
}

static void test_ranges_remove_full(void **state)
{
    (void)state;
    struct mem_range r[1] = { { 0, 16 * MiB } };
    /* No slot for the split: the upper part is dropped, never overflows. */
    size_t n = ranges_remove(r, 1, 1, MiB, 2 * MiB);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].end, MiB);
}

static void test_frames_basic(void **state)
{
    (void)state;
    uint64_t bits[FRAMES_BITMAP_WORDS(200)];
    struct frames f;
    frames_init(&f, bits, 200);
    assert_int_equal(f.nfree, 0);
    assert_int_equal(frames_alloc(&f, 1), -1);
    frames_set_free(&f, 10, 100);
    frames_set_free(&f, 50, 10);                        /* already free: counted once */
    assert_int_equal(f.nfree, 100);
    assert_int_equal(frames_alloc(&f, 1), 10);
    assert_int_equal(frames_alloc(&f, 1), 11);
    assert_int_equal(frames_free(&f, 10, 1), 0);
    assert_int_equal(frames_free(&f, 10, 1), -1);       /* double free */
    assert_int_equal(frames_free(&f, 199, 2), -1);      /* out of range */
    assert_int_equal(frames_alloc(&f, 1), 10);          /* lowest first */
    assert_int_equal(f.nfree, 98);
}

static void test_frames_contiguous(void **state)
{
    (void)state;
    uint64_t bits[FRAMES_BITMAP_WORDS(1000)];
    struct frames f;
    frames_init(&f, bits, 1000);
    frames_set_free(&f, 0, 1000);
    frames_set_used(&f, 5, 1);
    frames_set_used(&f, 70, 1);
    assert_int_equal(frames_alloc(&f, 5), 0);           /* fits exactly below 5 */
    assert_int_equal(frames_alloc(&f, 64), 6);          /* 6..69 */
    assert_int_equal(frames_alloc(&f, 100), 71);
    assert_int_equal(frames_alloc(&f, 900), -1);
    assert_int_equal(frames_alloc(&f, 0), -1);
    assert_int_equal(frames_free(&f, 6, 64), 0);
    assert_int_equal(frames_alloc(&f, 65), 171);        /* the hole is one short */
    assert_int_equal(frames_alloc(&f, 64), 6);
}

static void test_frames_exhaust(void **state)
{
    (void)state;
    enum { N = 130 };                                   /* not a multiple of 64 */
    uint64_t bits[FRAMES_BITMAP_WORDS(N)];
    struct frames f;
    frames_init(&f, bits, N);
    frames_set_free(&f, 0, N + 50);                     /* clipped to the bitmap */
    for (int i = 0; i < N; i++)
        assert_int_equal(frames_alloc(&f, 1), i);
    assert_int_equal(frames_alloc(&f, 1), -1);
    assert_int_equal(f.nfree, 0);
    assert_int_equal(frames_free(&f, 64, 1), 0);
    assert_int_equal(frames_alloc(&f, 1), 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_e820_typical),
        cmocka_unit_test(test_e820_messy),
        cmocka_unit_test(test_e820_empty),
        cmocka_unit_test(test_ranges_remove_find),
        cmocka_unit_test(test_ranges_remove_full),
        cmocka_unit_test(test_frames_basic),
        cmocka_unit_test(test_frames_contiguous),
        cmocka_unit_test(test_frames_exhaust),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
