/* Host tests for the emulated RTC/CMOS (kernel/vmm/dev/cmos.c): a fake wall
 * clock, IRQ8 on the virtual PIC, ports 0x70/0x71 as a guest uses them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/dev/cmos.h"
#include "vmm/dev/pic.h"
#include "vmm/iobus.h"
#include "vmm_hammer.h"

#define T_2024 1710510330ull  /* 2024-03-15 13:45:30 UTC, a Friday */
#define SEC    1000000000ull

struct vm {
    struct iobus bus;
    struct vpic pic;
    struct vcmos cmos;
    uint64_t now;
};

static uint64_t fake_now(void *ctx)
{
    return ((struct vm *)ctx)->now;
}

static void outb(struct vm *vm, unsigned port, uint8_t v)
{
    assert_int_equal(iobus_write(&vm->bus, IOBUS_PIO, port, 1, v), 0);
}

static uint8_t rd(struct vm *vm, uint8_t idx)
{
    uint64_t v;
    outb(vm, 0x70, idx);
    assert_int_equal(iobus_read(&vm->bus, IOBUS_PIO, 0x71, 1, &v), 0);
    return (uint8_t)v;
}

static void wr(struct vm *vm, uint8_t idx, uint8_t val)
{
    outb(vm, 0x70, idx);
    outb(vm, 0x71, val);
}

static void setup_vm(struct vm *vm, uint64_t now, uint64_t below, uint64_t above)
{
    memset(vm, 0, sizeof *vm);
    vm->now = now;
    iobus_init(&vm->bus);
    vpic_init(&vm->pic, NULL, NULL);
    vcmos_init(&vm->cmos, (struct vdev_clock){ fake_now, vm },
               (struct vdev_irq){ vpic_irq_cb, &vm->pic, 8 }, below, above);
    assert_int_equal(vpic_attach(&vm->pic, &vm->bus), 0);
    assert_int_equal(vcmos_attach(&vm->cmos, &vm->bus), 0);
    static const uint8_t m[] = { 0x11, 0x20, 0x04, 0x01 }, s[] = { 0x11, 0x28, 0x02, 0x01 };
    for (int i = 0; i < 4; i++) {
        outb(vm, i ? 0x21 : 0x20, m[i]);
        outb(vm, i ? 0xA1 : 0xA0, s[i]);
    }
    outb(vm, 0x21, 0);
    outb(vm, 0xA1, 0);
}

static void test_reads_time_bcd(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, T_2024 * SEC + 250000000, 128 << 20, 0);
    assert_int_equal(rd(&vm, 0x00), 0x30);
    assert_int_equal(rd(&vm, 0x02), 0x45);
    assert_int_equal(rd(&vm, 0x04), 0x13);
    assert_int_equal(rd(&vm, 0x06), 6);               /* Friday, Sunday = 1 */
    assert_int_equal(rd(&vm, 0x07), 0x15);
    assert_int_equal(rd(&vm, 0x08), 0x03);
    assert_int_equal(rd(&vm, 0x09), 0x24);
    assert_int_equal(rd(&vm, 0x32), 0x20);
    assert_int_equal(rd(&vm, 0x0D), 0x80);
    assert_int_equal(rd(&vm, 0x0B), 0x02);
    /* The clock runs: 10 minutes and 45 seconds later. */
    vm.now += 645 * SEC;
    assert_int_equal(rd(&vm, 0x00), 0x15);
    assert_int_equal(rd(&vm, 0x02), 0x56);
    /* Binary and 12-hour formats follow register B at once. */
    wr(&vm, 0x0B, 0x04);
    assert_int_equal(rd(&vm, 0x00), 15);
    assert_int_equal(rd(&vm, 0x04), 0x81);            /* 1 PM */
    assert_int_equal(rd(&vm, 0x09), 24);
    wr(&vm, 0x0B, 0x00);
    assert_int_equal(rd(&vm, 0x04), 0x81);
    assert_int_equal(rd(&vm, 0x07), 0x15);
    /* Midnight in 12-hour mode reads 12 AM. */
    vm.now += 11 * 3600 * SEC;
    assert_int_equal(rd(&vm, 0x04), 0x12);
    assert_int_equal(rd(&vm, 0x07), 0x16);
    assert_int_equal(rd(&vm, 0x06), 7);
}

static void test_leap_and_epoch(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, 951782400ull * SEC, 0, 0);          /* 2000-02-29 00:00:00 */
    assert_int_equal(rd(&vm, 0x07), 0x29);
    assert_int_equal(rd(&vm, 0x08), 0x02);
    assert_int_equal(rd(&vm, 0x09), 0x00);
    assert_int_equal(rd(&vm, 0x32), 0x20);
    assert_int_equal(rd(&vm, 0x06), 3);               /* Tuesday */
    vm.now = 0;
    assert_int_equal(rd(&vm, 0x09), 0x70);
    assert_int_equal(rd(&vm, 0x32), 0x19);
    assert_int_equal(rd(&vm, 0x07), 0x01);
}

static void test_uip(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, T_2024 * SEC + 500000000, 0, 0);
    assert_int_equal(rd(&vm, 0x0A), 0x26);
    vm.now = T_2024 * SEC + 999800000;
    assert_int_equal(rd(&vm, 0x0A), 0xA6);
    /* Linux's mc146818_get_time(): wait for UIP to clear, then read. */
    int spins = 0;
    while (rd(&vm, 0x0A) & 0x80) {
        vm.now += 50000;
        spins++;
    }
    assert_true(spins >= 3 && spins <= 5);
    assert_int_equal(rd(&vm, 0x00), 0x31);
}

static void test_guest_sets_clock(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, T_2024 * SEC, 0, 0);
    wr(&vm, 0x0B, 0x82);                              /* SET: freeze */
    vm.now += 5 * SEC;
    assert_int_equal(rd(&vm, 0x00), 0x30);            /* frozen */
    wr(&vm, 0x00, 0x59);
    wr(&vm, 0x02, 0x59);
    wr(&vm, 0x04, 0x23);
    wr(&vm, 0x07, 0x31);
    wr(&vm, 0x08, 0x12);
    wr(&vm, 0x09, 0x99);
    wr(&vm, 0x32, 0x19);
    wr(&vm, 0x0B, 0x02);                              /* run from 1999-12-31 23:59:59 */
    vm.now += 2 * SEC;
    assert_int_equal(rd(&vm, 0x00), 0x01);
    assert_int_equal(rd(&vm, 0x04), 0x00);
    assert_int_equal(rd(&vm, 0x07), 0x01);
    assert_int_equal(rd(&vm, 0x08), 0x01);
    assert_int_equal(rd(&vm, 0x09), 0x00);
    assert_int_equal(rd(&vm, 0x32), 0x20);
    /* A write while running moves just that field. */
    wr(&vm, 0x02, 0x30);
    assert_int_equal(rd(&vm, 0x02), 0x30);
    assert_int_equal(rd(&vm, 0x04), 0x00);
    assert_int_equal(rd(&vm, 0x00), 0x01);
    /* Nonsense values are clamped, not trusted. */
    wr(&vm, 0x08, 0xFF);
    wr(&vm, 0x07, 0xEE);
    assert_int_equal(rd(&vm, 0x08), 0x12);
    assert_int_equal(rd(&vm, 0x07), 0x31);
}

static void test_ram_and_memory_sizes(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, T_2024 * SEC, 512ull << 20, 1ull << 30);
    assert_int_equal(rd(&vm, 0x15), 0x80);
    assert_int_equal(rd(&vm, 0x16), 0x02);            /* 640 KiB */
    assert_int_equal(rd(&vm, 0x17), 0xFF);            /* 511 MiB clamps to 0xFFFF KiB */
    assert_int_equal(rd(&vm, 0x18), 0xFF);
    assert_int_equal(rd(&vm, 0x30), 0xFF);
    assert_int_equal(rd(&vm, 0x31), 0xFF);
    assert_int_equal(rd(&vm, 0x34), 0x00);
    assert_int_equal(rd(&vm, 0x35), 0x1F);            /* 496 MiB in 64 KiB */
    assert_int_equal(rd(&vm, 0x5B), 0x00);
    assert_int_equal(rd(&vm, 0x5C), 0x40);            /* 1 GiB in 64 KiB */
    assert_int_equal(rd(&vm, 0x5D), 0x00);
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2D; i++)
        sum += rd(&vm, (uint8_t)i);
    assert_int_equal(rd(&vm, 0x2E) << 8 | rd(&vm, 0x2F), sum);
    struct vm small;
    setup_vm(&small, 0, 8 << 20, 0);
    assert_int_equal(rd(&small, 0x17) | rd(&small, 0x18) << 8, 7 * 1024);
    assert_int_equal(rd(&small, 0x34) | rd(&small, 0x35), 0);
    /* RAM, and the NMI bit in the index port. */
    outb(&vm, 0x70, 0x8F);
    assert_true(vm.cmos.nmi_disabled);
    outb(&vm, 0x71, 0xA5);
    outb(&vm, 0x70, 0x0F);
    assert_false(vm.cmos.nmi_disabled);
    assert_int_equal(rd(&vm, 0x0F), 0xA5);
    for (unsigned i = 0x40; i < 0x80; i++)
        wr(&vm, (uint8_t)i, (uint8_t)(i ^ 0x5A));
    for (unsigned i = 0x40; i < 0x80; i++)
        assert_int_equal(rd(&vm, (uint8_t)i), i ^ 0x5A);
    wr(&vm, 0x0D, 0x00);
    assert_int_equal(rd(&vm, 0x0D), 0x80);            /* read-only */
}

static void test_periodic_and_update_irq(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, T_2024 * SEC + 100, 0, 0);
    assert_int_equal(vcmos_next_deadline(&vm.cmos), VDEV_NO_DEADLINE);
    wr(&vm, 0x0B, 0x42);                              /* PIE at 1024 Hz */
    uint64_t dl = vcmos_next_deadline(&vm.cmos);
    assert_true(dl > vm.now && dl - vm.now <= 976563);
    vm.now = dl - 1;
    vcmos_update(&vm.cmos);
    assert_false(vpic_pending(&vm.pic));
    vm.now = dl;
    vcmos_update(&vm.cmos);
    assert_true(vpic_pending(&vm.pic));
    assert_int_equal(vpic_ack(&vm.pic), 0x28);
    assert_int_equal(vcmos_next_deadline(&vm.cmos), VDEV_NO_DEADLINE);
    assert_int_equal(rd(&vm, 0x0C), 0xC0);            /* IRQF | PF */
    assert_int_equal(rd(&vm, 0x0C), 0x00);
    assert_false(vm.cmos.irq_level);
    outb(&vm, 0xA0, 0x20);
    outb(&vm, 0x20, 0x20);
    /* Update-ended interrupt once a second. */
    wr(&vm, 0x0B, 0x12);
    dl = vcmos_next_deadline(&vm.cmos);
    assert_int_equal(dl, (T_2024 + 1) * SEC);
    vm.now = dl;
    vcmos_update(&vm.cmos);
    assert_true(vpic_pending(&vm.pic));
    assert_int_equal(rd(&vm, 0x0C) & 0xF0, 0xD0);     /* IRQF | PF | UF */
    /* Alarm at 13:45:33 with "any" hour. */
    wr(&vm, 0x0B, 0x22);
    wr(&vm, 0x01, 0x33);
    wr(&vm, 0x03, 0x45);
    wr(&vm, 0x05, 0xC0);
    (void)rd(&vm, 0x0C);
    vm.now = (T_2024 + 2) * SEC;
    vcmos_update(&vm.cmos);
    assert_false(vm.cmos.irq_level);
    vm.now = (T_2024 + 3) * SEC;
    vcmos_update(&vm.cmos);
    assert_true(vm.cmos.irq_level);
    assert_int_equal(rd(&vm, 0x0C) & 0xA0, 0xA0);
}

static void hammer_tick(void *ctx, uint64_t r)
{
    struct vm *vm = ctx;
    vm->now += (r >> 20) % ((r & 1) ? 5000 : 3 * SEC);
    if ((r & 0x1F) == 2) {
        vcmos_update(&vm->cmos);
        assert_true(vcmos_next_deadline(&vm->cmos) > vm->now);
        if (vpic_pending(&vm->pic))
            (void)vpic_ack(&vm->pic);
    }
}

static void test_hammer(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, T_2024 * SEC, 3ull << 30, 5ull << 30);
    hammer(&vm.bus, 5, 300000, 0x6E, 0x73, hammer_tick, &vm);
    vm.now = UINT64_MAX - 10 * SEC;                   /* year 2554 and beyond */
    hammer(&vm.bus, 6, 50000, 0x70, 0x71, hammer_tick, &vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_time_bcd),
        cmocka_unit_test(test_leap_and_epoch),
        cmocka_unit_test(test_uip),
        cmocka_unit_test(test_guest_sets_clock),
        cmocka_unit_test(test_ram_and_memory_sizes),
        cmocka_unit_test(test_periodic_and_update_irq),
        cmocka_unit_test(test_hammer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
