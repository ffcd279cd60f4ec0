/* Host tests for the VMM's I/O bus (kernel/vmm/iobus.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/errno.h"
#include "vmm/iobus.h"
#include "vmm_hammer.h"

/* A recording device: reads return base_val + offset, writes are logged. */
struct rec {
    uint64_t base, base_val;
    unsigned reads, writes;
    uint64_t last_addr, last_value;
    unsigned last_size;
};

static uint64_t rec_read(void *dev, uint64_t addr, unsigned size)
{
    struct rec *r = dev;
    r->reads++;
    r->last_addr = addr;
    r->last_size = size;
    return r->base_val + (addr - r->base);
}

static void rec_write(void *dev, uint64_t addr, unsigned size, uint64_t value)
{
    struct rec *r = dev;
    r->writes++;
    r->last_addr = addr;
    r->last_size = size;
    r->last_value = value;
}

static const struct iobus_ops rec_ops = { rec_read, rec_write };

static void test_register_and_dispatch(void **state)
{
    (void)state;
    struct iobus bus;
    struct rec a = { .base = 0x3F8, .base_val = 0x10 }, b = { .base = 0x60, .base_val = 0x40 };
    iobus_init(&bus);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x3F8, 8, &rec_ops, &a, 0, "a"), 0);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x60, 1, &rec_ops, &b, 1, "b"), 0);

    uint64_t v;
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x3FD, 1, &v), 0);
    assert_int_equal(v, 0x15);
    assert_int_equal(a.last_addr, 0x3FD);
    assert_int_equal(iobus_write(&bus, IOBUS_PIO, 0x3F8, 2, 0x1234), 0);
    assert_int_equal(a.last_size, 2);
    assert_int_equal(a.last_value, 0x1234);
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x60, 1, &v), 0);
    assert_int_equal(v, 0x40);
    assert_string_equal(iobus_find(&bus, IOBUS_PIO, 0x3FF)->name, "a");
    assert_null(iobus_find(&bus, IOBUS_PIO, 0x400));
    assert_int_equal(iobus_find(&bus, IOBUS_PIO, 0x3F9)->accesses, 2);
}

static void test_overlap_refused(void **state)
{
    (void)state;
    struct iobus bus;
    struct rec a = { 0 };
    iobus_init(&bus);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x20, 2, &rec_ops, &a, 1, "pic"), 0);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x21, 1, &rec_ops, &a, 1, "x"), -E_EXIST);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x1F, 2, &rec_ops, &a, 1, "x"), -E_EXIST);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x00, 0x100, &rec_ops, &a, 1, "x"), -E_EXIST);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x1F, 1, &rec_ops, &a, 1, "x"), 0);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x22, 1, &rec_ops, &a, 1, "x"), 0);
    /* The same ports in the other space are a different address. */
    assert_int_equal(iobus_register(&bus, IOBUS_MMIO, 0x20, 2, &rec_ops, &a, 0, "m"), 0);
}

static void test_bad_registrations(void **state)
{
    (void)state;
    struct iobus bus;
    struct rec a = { 0 };
    struct iobus_ops no_read = { NULL, rec_write };
    iobus_init(&bus);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x20, 0, &rec_ops, &a, 0, "x"), -E_INVAL);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0xFFFF, 2, &rec_ops, &a, 0, "x"), -E_INVAL);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x10000, 1, &rec_ops, &a, 0, "x"), -E_INVAL);
    assert_int_equal(iobus_register(&bus, IOBUS_MMIO, ~0ull, 2, &rec_ops, &a, 0, "x"), -E_INVAL);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x20, 1, NULL, &a, 0, "x"), -E_INVAL);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x20, 1, &no_read, &a, 0, "x"), -E_INVAL);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x20, 1, &rec_ops, &a, 2, "x"), -E_INVAL);
    assert_int_equal(iobus_register(&bus, IOBUS_NSPACES, 0x20, 1, &rec_ops, &a, 0, "x"), -E_INVAL);
    /* A range that ends exactly at the top of the space is fine. */
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0xFFFF, 1, &rec_ops, &a, 0, "top"), 0);
    assert_int_equal(iobus_register(&bus, IOBUS_MMIO, ~0ull - 0xFFF, 0x1000, &rec_ops, &a, 0, "t"), 0);
    uint64_t v;
    assert_int_equal(iobus_read(&bus, IOBUS_MMIO, ~0ull - 7, 8, &v), 0);
    assert_int_equal(iobus_read(&bus, IOBUS_MMIO, ~0ull - 6, 8, &v), -E_INVAL);
}

static void test_many_ranges_sorted(void **state)
{
    (void)state;
    struct iobus bus;
    struct rec r[IOBUS_MAX_RANGES];
    iobus_init(&bus);
    /* Registered out of order: the bus must still find each one. */
    for (unsigned i = 0; i < IOBUS_MAX_RANGES; i++) {
        unsigned k = (i * 7) % IOBUS_MAX_RANGES;
        r[k] = (struct rec){ .base = 0x1000 + k * 0x10, .base_val = k * 4 };
        assert_int_equal(iobus_register(&bus, IOBUS_PIO, r[k].base, 4, &rec_ops, &r[k], 0, "r"), 0);
    }
    struct rec extra = { 0 };
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x9000, 1, &rec_ops, &extra, 0, "x"), -E_NOSPC);
    for (unsigned k = 0; k < IOBUS_MAX_RANGES; k++) {
        uint64_t v;
        assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x1000 + k * 0x10 + 3, 1, &v), 0);
        assert_int_equal(v, k * 4 + 3);
        assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x1000 + k * 0x10 + 4, 1, &v), -E_NOENT);
    }
    assert_int_equal(iobus_unregister(&bus, IOBUS_PIO, 0x1050), 0);
    assert_int_equal(iobus_unregister(&bus, IOBUS_PIO, 0x1050), -E_NOENT);
    assert_int_equal(iobus_unregister(&bus, IOBUS_PIO, 0x1061), -E_NOENT);
    uint64_t v;
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x1050, 1, &v), -E_NOENT);
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x1060, 1, &v), 0);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x9000, 1, &rec_ops, &extra, 0, "x"), 0);
}

static void test_unclaimed(void **state)
{
    (void)state;
    struct iobus bus;
    struct rec a = { .base = 0x70 };
    iobus_init(&bus);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x70, 2, &rec_ops, &a, 0, "cmos"), 0);
    uint64_t v = 0;
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x80, 1, &v), -E_NOENT);
    assert_int_equal(v, 0xFF);
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x80, 4, &v), -E_NOENT);
    assert_int_equal(v, 0xFFFFFFFF);
    assert_int_equal(iobus_write(&bus, IOBUS_PIO, 0x80, 1, 0x12), -E_NOENT);
    /* A whole-access device never sees an access running off its end. */
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x71, 2, &v), -E_NOENT);
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x6F, 2, &v), -E_NOENT);
    assert_int_equal(a.reads, 0);
    assert_int_equal(bus.space[IOBUS_PIO].unclaimed, 5);
    /* Sizes the space does not have. */
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x70, 8, &v), -E_INVAL);
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x70, 3, &v), -E_INVAL);
    assert_int_equal(iobus_write(&bus, IOBUS_PIO, 0xFFFF, 2, 0), -E_INVAL);
    assert_int_equal(iobus_write(&bus, IOBUS_NSPACES, 0, 1, 0), -E_INVAL);
}

static void test_byte_split(void **state)
{
    (void)state;
    struct iobus bus;
    struct rec a = { .base = 0x20, .base_val = 0xA0 }, b = { .base = 0x22, .base_val = 0xB0 };
    iobus_init(&bus);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x20, 2, &rec_ops, &a, 1, "a"), 0);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x22, 1, &rec_ops, &b, 1, "b"), 0);
    uint64_t v;
    /* inl 0x20: 0x20, 0x21 from a, 0x22 from b, 0x23 floating. */
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x20, 4, &v), 0);
    assert_int_equal(v, 0xFFB0A1A0);
    assert_int_equal(a.reads, 2);
    assert_int_equal(a.last_size, 1);
    assert_int_equal(iobus_write(&bus, IOBUS_PIO, 0x21, 2, 0x5566), 0);
    assert_int_equal(a.last_value, 0x66);
    assert_int_equal(b.last_value, 0x55);
    /* Starting on a floating byte still reaches the device behind it. */
    assert_int_equal(iobus_read(&bus, IOBUS_PIO, 0x1F, 2, &v), 0);
    assert_int_equal(v, 0xA0FF);
}

static void test_mmio_wide(void **state)
{
    (void)state;
    struct iobus bus;
    struct rec a = { .base = 0xFED00000, .base_val = 0x1122334455667700ull };
    iobus_init(&bus);
    assert_int_equal(iobus_register(&bus, IOBUS_MMIO, 0xFED00000, 0x400, &rec_ops, &a, 0, "hpet"), 0);
    uint64_t v;
    assert_int_equal(iobus_read(&bus, IOBUS_MMIO, 0xFED00008, 8, &v), 0);
    assert_int_equal(v, 0x1122334455667708ull);
    assert_int_equal(iobus_read(&bus, IOBUS_MMIO, 0xFED00008, 2, &v), 0);
    assert_int_equal(v, 0x7708);
    assert_int_equal(iobus_write(&bus, IOBUS_MMIO, 0xFED00010, 8, ~0ull), 0);
    assert_int_equal(a.last_value, ~0ull);
    assert_int_equal(iobus_read(&bus, IOBUS_MMIO, 0xFED003FC, 8, &v), -E_NOENT);
}

static void test_hammer(void **state)
{
    (void)state;
    struct iobus bus;
    struct rec r[4] = { { .base = 0x10 }, { .base = 0x13 }, { .base = 0x20 }, { .base = 0x30 } };
    iobus_init(&bus);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x10, 3, &rec_ops, &r[0], 1, "a"), 0);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x13, 2, &rec_ops, &r[1], 0, "b"), 0);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0x20, 1, &rec_ops, &r[2], 1, "c"), 0);
    assert_int_equal(iobus_register(&bus, IOBUS_PIO, 0xFFFF, 1, &rec_ops, &r[3], 1, "d"), 0);
    hammer(&bus, 42, 20000, 0x0, 0x40, NULL, NULL);
    hammer(&bus, 43, 2000, 0xFFF0, 0xFFFF, NULL, NULL);
    for (int i = 0; i < 4; i++)
        assert_true(r[i].last_size <= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_and_dispatch),
        cmocka_unit_test(test_overlap_refused),
        cmocka_unit_test(test_bad_registrations),
        cmocka_unit_test(test_many_ranges_sorted),
        cmocka_unit_test(test_unclaimed),
        cmocka_unit_test(test_byte_split),
        cmocka_unit_test(test_mmio_wide),
        cmocka_unit_test(test_hammer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
