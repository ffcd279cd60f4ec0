/* Host tests for the emulated 8254 (kernel/vmm/dev/pit.c): a fake clock, the
 * real virtual PIC on IRQ0, and port accesses as guests make them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/dev/pic.h"
#include "vmm/dev/pit.h"
#include "vmm/iobus.h"
#include "vmm_hammer.h"

struct vm {
    struct iobus bus;
    struct vpic pic;
    struct vpit pit;
    uint64_t now;             /* fake clock, ns */
};

static uint64_t fake_now(void *ctx)
{
    return ((struct vm *)ctx)->now;
}

static void out(struct vm *vm, unsigned port, uint8_t v)
{
    assert_int_equal(iobus_write(&vm->bus, IOBUS_PIO, port, 1, v), 0);
}

static uint8_t in(struct vm *vm, unsigned port)
{
    uint64_t v;
    assert_int_equal(iobus_read(&vm->bus, IOBUS_PIO, port, 1, &v), 0);
    return (uint8_t)v;
}

static void setup_vm(struct vm *vm, uint64_t start_ns)
{
    memset(vm, 0, sizeof *vm);
    vm->now = start_ns;
    iobus_init(&vm->bus);
    vpic_init(&vm->pic, NULL, NULL);
    vpit_init(&vm->pit, (struct vdev_clock){ fake_now, vm },
              (struct vdev_irq){ vpic_irq_cb, &vm->pic, 0 });
    assert_int_equal(vpic_attach(&vm->pic, &vm->bus), 0);
    assert_int_equal(vpit_attach(&vm->pit, &vm->bus), 0);
    static const uint8_t init[] = { 0x11, 0x20, 0x04, 0x01 };
    for (int i = 0; i < 4; i++)
        out(vm, i ? 0x21 : 0x20, init[i]);
    out(vm, 0x21, 0x00);
}

static void test_tick_conversion(void **state)
{
    (void)state;
    assert_int_equal(vpit_ns_to_ticks(1000000000ull), 1193181);
    assert_int_equal(vpit_ns_to_ticks(3000000000ull), 3579545);
    /* Around a large time value the round trip still reaches the tick. */
    for (uint64_t t = 0; t < 5000000; t += 99991) {
        uint64_t big = t + 0x0123456789ull;
        assert_true(vpit_ns_to_ticks(vpit_ticks_to_ns(big)) >= big);
        assert_true(vpit_ns_to_ticks(vpit_ticks_to_ns(big) - 1) < big);
    }
    assert_int_equal(vpit_ticks_to_ns(UINT64_MAX), VDEV_NO_DEADLINE);
}

/* Linux's PIT clockevent: mode 2, LATCH = 11932 for HZ=100. */
static void test_mode2_periodic_irq0(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, 5000000000ull);
    out(&vm, 0x43, 0x34);
    out(&vm, 0x40, 11932 & 0xFF);
    out(&vm, 0x40, 11932 >> 8);
    uint64_t start = vm.now;
    unsigned irqs = 0;
    for (int period = 1; period <= 100; period++) {
        uint64_t dl = vpit_next_deadline(&vm.pit);
        /* ~10.0001 ms per period, measured from the start (no drift). */
        uint64_t want = start + (uint64_t)period * 11932 * 1000000000ull / 1193182;
        assert_true(dl + 1000 > want && dl < want + 1000);
        vm.now = dl - 1;
        vpit_update(&vm.pit);
        assert_false(vpic_pending(&vm.pic));
        vm.now = dl;
        vpit_update(&vm.pit);
        assert_true(vpic_pending(&vm.pic));
        assert_int_equal(vpic_ack(&vm.pic), 0x20);
        out(&vm, 0x20, 0x20);
        irqs++;
    }
    assert_int_equal(irqs, 100);
    assert_true(vm.now - start > 999000000ull && vm.now - start < 1001000000ull);
    /* A late update coalesces the edges it missed into one IRQ. */
    vm.now += 35000000;
    vpit_update(&vm.pit);
    assert_int_equal(vpic_ack(&vm.pic), 0x20);
    out(&vm, 0x20, 0x20);
    assert_int_equal(vm.pit.missed, 2);
    vpit_update(&vm.pit);
    assert_false(vpic_pending(&vm.pic));
}

static uint16_t read_word(struct vm *vm, unsigned port)
{
    uint8_t lo = in(vm, port);
    return (uint16_t)(lo | in(vm, port) << 8);
}

static void test_counter_reads_and_latch(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, 0);
    out(&vm, 0x43, 0x34);
    out(&vm, 0x40, 0xE8);
    out(&vm, 0x40, 0x03);                             /* 1000 */
    vm.now += vpit_ticks_to_ns(100);
    assert_int_equal(read_word(&vm, 0x40), 900);
    out(&vm, 0x43, 0x00);                             /* counter latch */
    vm.now += vpit_ticks_to_ns(300);
    assert_int_equal(read_word(&vm, 0x40), 900);       /* the latched value */
    assert_int_equal(read_word(&vm, 0x40), 600);       /* live again */
    vm.now += vpit_ticks_to_ns(650);                   /* wrapped: mode 2 reloads */
    assert_int_equal(read_word(&vm, 0x40), 950);
    /* Lobyte-only access. */
    out(&vm, 0x43, 0x54);                             /* ch1, LSB, mode 2 */
    out(&vm, 0x41, 200);
    vm.now += vpit_ticks_to_ns(50);
    assert_int_equal(in(&vm, 0x41), 150);
    assert_int_equal(in(&vm, 0x41), 150);
    /* Hibyte-only access: count 0x0200. */
    out(&vm, 0x43, 0x64);
    out(&vm, 0x41, 0x02);
    vm.now += vpit_ticks_to_ns(0x100);
    assert_int_equal(in(&vm, 0x41), 0x01);
}

static void test_read_back(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, 0);
    out(&vm, 0x43, 0x30);                             /* ch0 mode 0 */
    assert_int_equal(vpit_out(&vm.pit, 0), false);
    out(&vm, 0x43, 0xE2);                             /* read-back status ch0 */
    assert_int_equal(in(&vm, 0x40), 0x70);             /* null count, word, mode 0 */
    out(&vm, 0x40, 0x10);
    out(&vm, 0x40, 0x00);                             /* 16 */
    vm.now += vpit_ticks_to_ns(20);
    out(&vm, 0x43, 0xC2);                             /* status and count */
    out(&vm, 0x43, 0xC2);                             /* a second latch changes nothing */
    assert_int_equal(in(&vm, 0x40), 0xB0);             /* OUT high: terminal count */
    assert_int_equal(read_word(&vm, 0x40), 0xFFFC);    /* wrapped past zero */
    assert_true(vpic_pending(&vm.pic));               /* mode 0 raised IRQ0 once */
    assert_int_equal(vpic_ack(&vm.pic), 0x20);
    out(&vm, 0x20, 0x20);
    vm.now += vpit_ticks_to_ns(0x20000);
    vpit_update(&vm.pit);
    assert_false(vpic_pending(&vm.pic));
    assert_int_equal(vpit_next_deadline(&vm.pit), VDEV_NO_DEADLINE);
}

/* What Linux's pit_calibrate_tsc() and SeaBIOS do with channel 2. */
static void test_speaker_gate_calibration(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, 123456789);
    out(&vm, 0x61, (in(&vm, 0x61) & ~0x02) | 0x01);
    out(&vm, 0x43, 0xB0);                             /* ch2, word, mode 0 */
    unsigned latch = 1193182 / 20;                    /* 50 ms */
    out(&vm, 0x42, latch & 0xFF);
    out(&vm, 0x42, latch >> 8);
    uint64_t start = vm.now;
    unsigned loops = 0;
    while (!(in(&vm, 0x61) & 0x20)) {
        vm.now += 100000;                             /* 100 us per loop */
        assert_true(++loops < 10000);
    }
    uint64_t took = vm.now - start;
    assert_true(took >= 50000000 - 100000 && took <= 50000000 + 100000);
    /* Gate low pauses mode 0; high resumes from where it stopped. */
    out(&vm, 0x43, 0xB0);
    out(&vm, 0x42, 0x00);
    out(&vm, 0x42, 0x10);                             /* 4096 */
    vm.now += vpit_ticks_to_ns(96);
    out(&vm, 0x61, 0x00);
    uint16_t paused = read_word(&vm, 0x42);
    assert_int_equal(paused, 4000);
    vm.now += 5000000;
    assert_int_equal(read_word(&vm, 0x42), 4000);
    assert_int_equal(in(&vm, 0x61) & 0x21, 0x00);
    out(&vm, 0x61, 0x01);
    vm.now += vpit_ticks_to_ns(1000);
    assert_int_equal(read_word(&vm, 0x42), 3000);
    /* The refresh bit toggles with time. */
    uint8_t a = in(&vm, 0x61) & 0x10;
    vm.now += 15085;
    assert_int_not_equal(in(&vm, 0x61) & 0x10, a);
}

static void test_mode1_and_mode3(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, 0);
    out(&vm, 0x61, 0x00);
    out(&vm, 0x43, 0xB2);                             /* ch2 mode 1 */
    out(&vm, 0x42, 100);
    out(&vm, 0x42, 0);
    vm.now += vpit_ticks_to_ns(500);
    assert_true(vpit_out(&vm.pit, 2));                /* not triggered yet */
    out(&vm, 0x61, 0x01);                             /* trigger */
    vm.now += vpit_ticks_to_ns(50);
    assert_false(vpit_out(&vm.pit, 2));
    assert_int_equal(read_word(&vm, 0x42), 50);
    vm.now += vpit_ticks_to_ns(50);
    assert_true(vpit_out(&vm.pit, 2));
    /* Mode 3: high for the first half of each period, low for the second. */
    out(&vm, 0x43, 0xB6);
    out(&vm, 0x42, 100);
    out(&vm, 0x42, 0);
    vm.now += vpit_ticks_to_ns(10);
    assert_true(vpit_out(&vm.pit, 2));
    vm.now += vpit_ticks_to_ns(50);
    assert_false(vpit_out(&vm.pit, 2));
    vm.now += vpit_ticks_to_ns(50);
    assert_true(vpit_out(&vm.pit, 2));
    /* Gate low holds a mode 3 OUT high. */
    vm.now += vpit_ticks_to_ns(50);
    out(&vm, 0x61, 0x00);
    assert_true(vpit_out(&vm.pit, 2));
    /* Mode 4 on channel 1: a strobe at terminal count. */
    out(&vm, 0x43, 0x78);
    out(&vm, 0x41, 10);
    out(&vm, 0x41, 0);
    vm.now += vpit_ticks_to_ns(10);
    assert_false(vpit_out(&vm.pit, 1));
    vm.now += vpit_ticks_to_ns(1);
    assert_true(vpit_out(&vm.pit, 1));
}

static void test_bcd(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, 0);
    out(&vm, 0x43, 0x35);                             /* ch0 word mode 2 BCD */
    out(&vm, 0x40, 0x00);
    out(&vm, 0x40, 0x10);                             /* 1000 decimal */
    vm.now += vpit_ticks_to_ns(1);
    assert_int_equal(read_word(&vm, 0x40), 0x0999);
    assert_int_equal(vpit_next_deadline(&vm.pit), vpit_ticks_to_ns(1000));
    /* Count 0 means 10000 in BCD. */
    out(&vm, 0x43, 0x31);
    out(&vm, 0x40, 0x00);
    out(&vm, 0x40, 0x00);
    vm.now += vpit_ticks_to_ns(1);
    assert_int_equal(read_word(&vm, 0x40), 0x9999);
}

static void hammer_tick(void *ctx, uint64_t r)
{
    struct vm *vm = ctx;
    vm->now += (r >> 33) % 3 == 0 ? (r >> 20) % 100000000 : (r >> 40) % 1000;
    if ((r & 0xF) == 0) {
        vpit_update(&vm->pit);
        uint64_t dl = vpit_next_deadline(&vm->pit);
        assert_true(dl > vm->now);   /* every edge up to now was signalled */
        if (vpic_pending(&vm->pic))
            (void)vpic_ack(&vm->pic);
    }
}

static void test_hammer(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm, 0);
    hammer(&vm.bus, 1, 200000, 0x3F, 0x44, hammer_tick, &vm);
    hammer(&vm.bus, 2, 50000, 0x60, 0x62, hammer_tick, &vm);
    hammer(&vm.bus, 3, 200000, 0x40, 0x61, hammer_tick, &vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tick_conversion),
        cmocka_unit_test(test_mode2_periodic_irq0),
        cmocka_unit_test(test_counter_reads_and_latch),
        cmocka_unit_test(test_read_back),
        cmocka_unit_test(test_speaker_gate_calibration),
        cmocka_unit_test(test_mode1_and_mode3),
        cmocka_unit_test(test_bcd),
        cmocka_unit_test(test_hammer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
