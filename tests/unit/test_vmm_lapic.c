/* Host tests for the emulated local APIC (kernel/vmm/dev/lapic.c): MMIO
 * through the bus as a guest does it, and a fake clock for the timer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/errno.h"
#include "vmm/dev/lapic.h"
#include "vmm/iobus.h"

static uint64_t now_ns;
static uint64_t fake_now(void *ctx) { (void)ctx; return now_ns; }

static struct iobus bus;
static struct vlapic l;

#define B VLAPIC_BASE_DEFAULT

static uint32_t rd(uint32_t off)
{
    uint64_t v = 0;
    assert_int_equal(iobus_read(&bus, IOBUS_MMIO, B + off, 4, &v), 0);
    return (uint32_t)v;
}

static void wr(uint32_t off, uint32_t v)
{
    assert_int_equal(iobus_write(&bus, IOBUS_MMIO, B + off, 4, v), 0);
}

static int setup(void **state)
{
    (void)state;
    now_ns = 1000;
    iobus_init(&bus);
    vlapic_init(&l, 0, (struct vdev_clock){ fake_now, NULL });
    assert_int_equal(vlapic_attach(&l, &bus), 0);
    return 0;
}

static void reset_state(void **state)
{
    (void)state;
    assert_int_equal(rd(0x20), 0);
    assert_int_equal(rd(0x30) & 0xFF, 0x14);
    assert_int_equal(rd(0xF0), 0xFF);
    assert_int_equal(rd(0xE0), 0xFFFFFFFFu);
    assert_int_equal(rd(0x320), 1u << 16);
    assert_int_equal(vlapic_msr_read(&l), 0xFEE00000ull | (1 << 11) | (1 << 8));
    assert_true(vlapic_accepts_pic(&l));            /* software-disabled: virtual wire */
    /* software-disabled: LVT writes stay masked, nothing is delivered */
    wr(0x320, 0x40);
    assert_int_equal(rd(0x320), 0x10040);
    vlapic_accept(&l, 0x50);
    assert_int_equal(vlapic_pending(&l), -1);
}

static void msr(void **state)
{
    (void)state;
    assert_int_equal(vlapic_msr_write(&l, 0xFEE00000ull | (1 << 11) | (1 << 8)), 0);
    assert_int_equal(vlapic_msr_write(&l, 0xFEE00000ull | (1 << 11) | (1 << 10)), -E_INVAL);
    assert_int_equal(vlapic_msr_write(&l, 0xFED00000ull | (1 << 11)), -E_INVAL);
    assert_int_equal(vlapic_msr_write(&l, 0xFEE00000ull | (1 << 11) | (1 << 0)), -E_INVAL);
    wr(0xF0, 0x1FF);
    assert_int_equal(vlapic_msr_write(&l, 0xFEE00000ull), 0);      /* global disable resets */
    assert_int_equal(rd(0xF0), 0xFF);
    assert_int_equal(vlapic_msr_write(&l, 0xFEE00000ull | (1 << 11)), 0);
}

static void priorities_and_eoi(void **state)
{
    (void)state;
    wr(0xF0, 0x1FF);
    assert_false(vlapic_accepts_pic(&l));           /* LINT0 masked */
    wr(0x350, 0x700);                                /* LINT0 ExtINT, unmasked */
    assert_true(vlapic_accepts_pic(&l));
    vlapic_accept(&l, 0x41);
    vlapic_accept(&l, 0x92);
    assert_int_equal(rd(0x200 + 0x10 * (0x92 / 32)), 1u << (0x92 % 32));
    assert_int_equal(vlapic_pending(&l), 0x92);
    wr(0x80, 0x90);                                  /* TPR class 9 blocks 0x92 */
    assert_int_equal(vlapic_pending(&l), -1);
    wr(0x80, 0x30);
    vlapic_ack(&l, 0x92);
    assert_int_equal(rd(0x100 + 0x10 * 4), 1u << (0x92 % 32));
    assert_int_equal(rd(0xA0), 0x90);
    assert_int_equal(vlapic_pending(&l), -1);       /* 0x41 below the in-service class */
    wr(0xB0, 0);
    assert_int_equal(vlapic_pending(&l), 0x41);
    /* self-IPI by shorthand and by own ID; others ignored */
    vlapic_ack(&l, 0x41);
    wr(0xB0, 0);
    wr(0x300, (1u << 18) | 0x61);
    assert_int_equal(vlapic_pending(&l), 0x61);
    vlapic_ack(&l, 0x61);
    wr(0xB0, 0);
    wr(0x310, 0);
    wr(0x300, 0x62);
    assert_int_equal(vlapic_pending(&l), 0x62);
    vlapic_ack(&l, 0x62);
    wr(0xB0, 0);
    wr(0x310, 5u << 24);
    wr(0x300, 0x63);
    wr(0x300, (3u << 18) | 0x64);                    /* all but self */
    wr(0x300, (5u << 8) | 0x4500);                   /* INIT */
    assert_int_equal(vlapic_pending(&l), -1);
    assert_int_equal(rd(0x300) & (1u << 12), 0);     /* never busy */
}

static void timer_oneshot_periodic(void **state)
{
    (void)state;
    wr(0xF0, 0x1FF);
    wr(0x3E0, 0x3);                                  /* divide by 16: 160 ns a tick */
    wr(0x320, 0x30);                                 /* one-shot, vector 0x30 */
    wr(0x380, 1000);
    assert_int_equal(vlapic_next_deadline(&l), 1000 + 160000);
    now_ns += 80000;
    assert_int_equal(rd(0x390), 500);
    vlapic_update(&l);
    assert_int_equal(vlapic_pending(&l), -1);
    now_ns += 80000;
    vlapic_update(&l);
    assert_int_equal(vlapic_pending(&l), 0x30);
    assert_int_equal(rd(0x390), 0);
    assert_int_equal(vlapic_next_deadline(&l), VDEV_NO_DEADLINE);
    vlapic_ack(&l, 0x30);
    wr(0xB0, 0);

    wr(0x3E0, 0xB);                                  /* divide by 1: 10 ns a tick */
    wr(0x320, (1u << 17) | 0x31);                    /* periodic */
    wr(0x380, 100);                                  /* 1 us period */
    uint64_t t0 = now_ns;
    now_ns = t0 + 1000;
    vlapic_update(&l);
    assert_int_equal(vlapic_pending(&l), 0x31);
    vlapic_ack(&l, 0x31);
    wr(0xB0, 0);
    now_ns = t0 + 1250;
    assert_int_equal(rd(0x390), 75);
    assert_int_equal(vlapic_next_deadline(&l), t0 + 2000);
    now_ns = t0 + 5500;                              /* late: three expiries coalesce */
    vlapic_update(&l);
    assert_int_equal(l.timer_missed, 3);
    assert_int_equal(vlapic_next_deadline(&l), t0 + 6000);
    /* masked: no interrupt, no deadline; init 0 stops it */
    vlapic_ack(&l, 0x31);
    wr(0xB0, 0);
    wr(0x320, (1u << 16) | (1u << 17) | 0x31);
    assert_int_equal(vlapic_next_deadline(&l), VDEV_NO_DEADLINE);
    now_ns += 10000;
    vlapic_update(&l);
    assert_int_equal(vlapic_pending(&l), -1);
    wr(0x380, 0);
    assert_int_equal(rd(0x390), 0);
}

static void odd_accesses(void **state)
{
    (void)state;
    uint64_t v;
    assert_int_equal(iobus_read(&bus, IOBUS_MMIO, B + 0xF0, 1, &v), 0);
    assert_int_equal(v, 0xFF);
    assert_int_equal(iobus_write(&bus, IOBUS_MMIO, B + 0xF1, 1, 1), 0);   /* dropped */
    assert_int_equal(rd(0xF0), 0xFF);
    assert_int_equal(rd(0xFF0), 0);
    assert_int_equal(rd(0x3F0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(reset_state, setup),
        cmocka_unit_test_setup(msr, setup),
        cmocka_unit_test_setup(priorities_and_eoi, setup),
        cmocka_unit_test_setup(timer_oneshot_periodic, setup),
        cmocka_unit_test_setup(odd_accesses, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
