/* Host tests for the emulated 8259A pair (kernel/vmm/dev/pic.c), driven
 * through the I/O bus the way a guest programs it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/dev/pic.h"
#include "vmm/iobus.h"
#include "vmm_hammer.h"

struct vm {
    struct iobus bus;
    struct vpic pic;
    unsigned notifies;
    bool intr;
};

static void on_intr(void *ctx, bool intr)
{
    struct vm *vm = ctx;
    vm->notifies++;
    vm->intr = intr;
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

static void setup_vm(struct vm *vm)
{
    memset(vm, 0, sizeof *vm);
    iobus_init(&vm->bus);
    vpic_init(&vm->pic, on_intr, vm);
    assert_int_equal(vpic_attach(&vm->pic, &vm->bus), 0);
}

/* What Linux's init_8259A() does: mask all, ICW1-4 on both, unmask. */
static void linux_init(struct vm *vm, uint8_t icw4)
{
    out(vm, 0x21, 0xFF);
    out(vm, 0xA1, 0xFF);
    out(vm, 0x20, 0x11);
    out(vm, 0x21, 0x20);
    out(vm, 0x21, 0x04);
    out(vm, 0x21, icw4);
    out(vm, 0xA0, 0x11);
    out(vm, 0xA1, 0x28);
    out(vm, 0xA1, 0x02);
    out(vm, 0xA1, icw4);
    out(vm, 0x21, 0x00);
    out(vm, 0xA1, 0x00);
}

static uint8_t read_isr(struct vm *vm, unsigned port)
{
    out(vm, port, 0x0B);
    uint8_t v = in(vm, port);
    out(vm, port, 0x0A);
    return v;
}

static void test_linux_init_irq0(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    linux_init(&vm, 0x01);
    assert_false(vpic_pending(&vm.pic));
    vpic_set_irq(&vm.pic, 0, true);
    assert_true(vpic_pending(&vm.pic));
    assert_true(vm.intr);
    assert_int_equal(in(&vm, 0x20) & 1, 1);          /* IRR */
    assert_int_equal(vpic_ack(&vm.pic), 0x20);
    assert_false(vpic_pending(&vm.pic));
    assert_false(vm.intr);
    assert_int_equal(read_isr(&vm, 0x20), 0x01);
    assert_int_equal(in(&vm, 0x20) & 1, 0);          /* edge request consumed */
    out(&vm, 0x20, 0x20);                             /* non-specific EOI */
    assert_int_equal(read_isr(&vm, 0x20), 0x00);
    /* The line is still high: an edge PIC wants a new rising edge. */
    assert_false(vpic_pending(&vm.pic));
    vpic_set_irq(&vm.pic, 0, false);
    vpic_set_irq(&vm.pic, 0, true);
    assert_int_equal(vpic_ack(&vm.pic), 0x20);
    assert_int_equal(in(&vm, 0x21), 0x00);           /* IMR */
}

static void test_cascade(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    linux_init(&vm, 0x01);
    vpic_set_irq(&vm.pic, 12, true);
    assert_true(vpic_pending(&vm.pic));
    assert_int_equal(vpic_ack(&vm.pic), 0x2C);
    assert_int_equal(read_isr(&vm, 0x20), 0x04);
    assert_int_equal(read_isr(&vm, 0xA0), 0x10);
    /* While IR2 is in service on the master, a slave line waits. */
    vpic_set_irq(&vm.pic, 8, true);
    assert_false(vpic_pending(&vm.pic));
    out(&vm, 0xA0, 0x20);
    out(&vm, 0x20, 0x20);
    assert_true(vpic_pending(&vm.pic));
    assert_int_equal(vpic_ack(&vm.pic), 0x28);
}

static void test_priorities(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    linux_init(&vm, 0x01);
    vpic_set_irq(&vm.pic, 3, true);
    vpic_set_irq(&vm.pic, 1, true);
    assert_int_equal(vpic_ack(&vm.pic), 0x21);
    /* IRQ3 is lower priority than the in-service IRQ1. */
    assert_false(vpic_pending(&vm.pic));
    vpic_set_irq(&vm.pic, 0, true);                   /* higher: nests */
    assert_int_equal(vpic_ack(&vm.pic), 0x20);
    assert_int_equal(read_isr(&vm, 0x20), 0x03);
    out(&vm, 0x20, 0x20);                             /* ends IRQ0, the highest */
    assert_int_equal(read_isr(&vm, 0x20), 0x02);
    assert_false(vpic_pending(&vm.pic));
    out(&vm, 0x20, 0x61);                             /* specific EOI for IRQ1 */
    assert_true(vpic_pending(&vm.pic));
    assert_int_equal(vpic_ack(&vm.pic), 0x23);
    out(&vm, 0x20, 0x63);
    /* Cascaded slave lines rank where IR2 does: between IRQ1 and IRQ3. */
    vpic_set_irq(&vm.pic, 4, true);
    vpic_set_irq(&vm.pic, 15, true);
    assert_int_equal(vpic_ack(&vm.pic), 0x2F);
}

static void test_rotation(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    linux_init(&vm, 0x01);
    out(&vm, 0x20, 0xC4);                             /* IRQ4 lowest: IRQ5 highest */
    vpic_set_irq(&vm.pic, 0, true);
    vpic_set_irq(&vm.pic, 6, true);
    assert_int_equal(vpic_ack(&vm.pic), 0x26);
    out(&vm, 0x20, 0xA0);                             /* rotate on EOI: IRQ6 lowest */
    assert_int_equal(vpic_ack(&vm.pic), 0x20);
    out(&vm, 0x20, 0xE0);                             /* rotate on specific EOI 0 */
    vpic_set_irq(&vm.pic, 7, true);
    vpic_set_irq(&vm.pic, 1, true);
    assert_int_equal(vpic_ack(&vm.pic), 0x21);
}

static void test_masks(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    linux_init(&vm, 0x01);
    out(&vm, 0x21, 0x10);
    vpic_set_irq(&vm.pic, 4, true);
    assert_false(vpic_pending(&vm.pic));
    assert_int_equal(in(&vm, 0x20) & 0x10, 0x10);    /* requested, masked */
    out(&vm, 0x21, 0x00);
    assert_true(vpic_pending(&vm.pic));
    /* Masking the cascade hides every slave line. */
    vpic_set_irq(&vm.pic, 4, false);
    assert_int_equal(vpic_ack(&vm.pic), 0x24);
    out(&vm, 0x20, 0x20);
    out(&vm, 0x21, 0x04);
    vpic_set_irq(&vm.pic, 10, true);
    assert_false(vpic_pending(&vm.pic));
    out(&vm, 0x21, 0x00);
    assert_int_equal(vpic_ack(&vm.pic), 0x2A);
}

static void test_level_and_elcr(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    linux_init(&vm, 0x01);
    out(&vm, 0x4D0, 0xFF);
    out(&vm, 0x4D1, 0xFF);
    assert_int_equal(in(&vm, 0x4D0), 0xF8);          /* IRQ0-2 stay edge */
    assert_int_equal(in(&vm, 0x4D1), 0xDE);          /* and IRQ8, IRQ13 */
    out(&vm, 0x4D1, 0x02);                            /* IRQ9 level */
    out(&vm, 0x4D0, 0x00);
    vpic_set_irq(&vm.pic, 9, true);
    assert_int_equal(vpic_ack(&vm.pic), 0x29);
    out(&vm, 0xA0, 0x20);
    out(&vm, 0x20, 0x20);
    /* Still asserted: a level line requests again after EOI. */
    assert_true(vpic_pending(&vm.pic));
    assert_int_equal(vpic_ack(&vm.pic), 0x29);
    out(&vm, 0xA0, 0x20);
    out(&vm, 0x20, 0x20);
    vpic_set_irq(&vm.pic, 9, false);
    assert_false(vpic_pending(&vm.pic));
    /* Deasserted before the ack: the CPU gets the spurious vector. */
    vpic_set_irq(&vm.pic, 9, true);
    assert_true(vpic_pending(&vm.pic));
    vpic_set_irq(&vm.pic, 9, false);
    assert_false(vpic_pending(&vm.pic));
    assert_int_equal(vpic_ack(&vm.pic), 0x27);
    assert_int_equal(vm.pic.spurious, 1);
}

static void test_auto_eoi(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    linux_init(&vm, 0x03);
    vpic_set_irq(&vm.pic, 5, true);
    assert_int_equal(vpic_ack(&vm.pic), 0x25);
    assert_int_equal(read_isr(&vm, 0x20), 0x00);
    vpic_set_irq(&vm.pic, 6, true);
    assert_int_equal(vpic_ack(&vm.pic), 0x26);        /* no EOI needed */
}

static void test_poll_and_reset(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    linux_init(&vm, 0x01);
    vpic_set_irq(&vm.pic, 3, true);
    out(&vm, 0x20, 0x0C);                             /* OCW3 poll */
    assert_int_equal(in(&vm, 0x20), 0x83);
    assert_int_equal(read_isr(&vm, 0x20), 0x08);
    out(&vm, 0x20, 0x0C);
    assert_int_equal(in(&vm, 0x20), 0x00);            /* nothing else */
    /* ICW1 clears ISR and IMR: a second init starts from scratch. */
    out(&vm, 0x21, 0xAA);
    out(&vm, 0x20, 0x11);
    assert_int_equal(read_isr(&vm, 0x20), 0x00);
    out(&vm, 0x21, 0x30);
    out(&vm, 0x21, 0x04);
    out(&vm, 0x21, 0x01);
    assert_int_equal(in(&vm, 0x21), 0x00);
    vpic_set_irq(&vm.pic, 3, false);
    vpic_set_irq(&vm.pic, 3, true);
    assert_int_equal(vpic_ack(&vm.pic), 0x33);
}

static void test_two_vms(void **state)
{
    (void)state;
    struct vm a, b;
    setup_vm(&a);
    setup_vm(&b);
    linux_init(&a, 0x01);
    vpic_set_irq(&a.pic, 1, true);
    assert_true(vpic_pending(&a.pic));
    assert_false(vpic_pending(&b.pic));
    assert_int_equal(vpic_ack(&b.pic), 0x0F);         /* BIOS default base, spurious */
    assert_int_equal(vpic_ack(&a.pic), 0x21);
}

static void hammer_tick(void *ctx, uint64_t r)
{
    struct vm *vm = ctx;
    vpic_set_irq(&vm->pic, (unsigned)(r >> 50) % 20, (r >> 45) & 1);
    if (((r >> 8) & 7) == 0 && vpic_pending(&vm->pic))
        (void)vpic_ack(&vm->pic);
}

static void test_hammer(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    hammer(&vm.bus, 7, 100000, 0x1E, 0x23, hammer_tick, &vm);
    hammer(&vm.bus, 8, 100000, 0x9F, 0xA2, hammer_tick, &vm);
    hammer(&vm.bus, 9, 20000, 0x4CF, 0x4D2, hammer_tick, &vm);
    hammer(&vm.bus, 10, 100000, 0x20, 0xA1, hammer_tick, &vm);
    /* Whatever happened, INTR and the notification agree. */
    assert_int_equal(vm.intr, vpic_pending(&vm.pic));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linux_init_irq0),
        cmocka_unit_test(test_cascade),
        cmocka_unit_test(test_priorities),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_masks),
        cmocka_unit_test(test_level_and_elcr),
        cmocka_unit_test(test_auto_eoi),
        cmocka_unit_test(test_poll_and_reset),
        cmocka_unit_test(test_two_vms),
        cmocka_unit_test(test_hammer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
