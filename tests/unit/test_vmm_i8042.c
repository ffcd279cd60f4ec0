/* Host tests for the emulated i8042 (kernel/vmm/dev/i8042.c): controller and
 * keyboard commands through ports 0x60/0x64, IRQ1/IRQ12 on the virtual PIC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/dev/i8042.h"
#include "vmm/dev/pic.h"
#include "vmm/iobus.h"
#include "vmm_hammer.h"

struct vm {
    struct iobus bus;
    struct vpic pic;
    struct vkbc kbc;
    unsigned resets, a20_calls;
    bool a20;
    uint8_t leds;
};

static void on_reset(void *ctx) { ((struct vm *)ctx)->resets++; }
static void on_leds(void *ctx, uint8_t leds) { ((struct vm *)ctx)->leds = leds; }
static void on_a20(void *ctx, bool on)
{
    struct vm *vm = ctx;
    vm->a20 = on;
    vm->a20_calls++;
}

static void outb(struct vm *vm, unsigned port, uint8_t v)
{
    assert_int_equal(iobus_write(&vm->bus, IOBUS_PIO, port, 1, v), 0);
}

static uint8_t inb(struct vm *vm, unsigned port)
{
    uint64_t v;
    assert_int_equal(iobus_read(&vm->bus, IOBUS_PIO, port, 1, &v), 0);
    return (uint8_t)v;
}

/* Reads one byte as a polling driver does: wait for OBF, then read. */
static uint8_t read_data(struct vm *vm)
{
    assert_true(inb(vm, 0x64) & 0x01);
    return inb(vm, 0x60);
}

static void setup_vm(struct vm *vm)
{
    memset(vm, 0, sizeof *vm);
    iobus_init(&vm->bus);
    vpic_init(&vm->pic, NULL, NULL);
    struct vkbc_hooks hooks = { on_reset, on_a20, on_leds, vm };
    vkbc_init(&vm->kbc, (struct vdev_irq){ vpic_irq_cb, &vm->pic, 1 },
              (struct vdev_irq){ vpic_irq_cb, &vm->pic, 12 }, &hooks);
    vm->a20 = true;
    assert_int_equal(vpic_attach(&vm->pic, &vm->bus), 0);
    assert_int_equal(vkbc_attach(&vm->kbc, &vm->bus), 0);
    static const uint8_t m[] = { 0x11, 0x20, 0x04, 0x01 }, s[] = { 0x11, 0x28, 0x02, 0x01 };
    for (int i = 0; i < 4; i++) {
        outb(vm, i ? 0x21 : 0x20, m[i]);
        outb(vm, i ? 0xA1 : 0xA0, s[i]);
    }
    outb(vm, 0x21, 0);
    outb(vm, 0xA1, 0);
}

static void test_controller_self_test(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    assert_int_equal(inb(&vm, 0x64) & 0x01, 0);
    outb(&vm, 0x64, 0xAA);
    assert_int_equal(inb(&vm, 0x64) & 0x0D, 0x0D);    /* OBF, SYS, last was a command */
    assert_int_equal(inb(&vm, 0x60), 0x55);
    assert_int_equal(inb(&vm, 0x64) & 0x01, 0);
    assert_int_equal(inb(&vm, 0x60), 0x55);           /* empty: the old byte again */
    outb(&vm, 0x64, 0xAB);
    assert_int_equal(read_data(&vm), 0x00);           /* keyboard interface fine */
    outb(&vm, 0x64, 0x20);
    assert_int_equal(read_data(&vm), 0x45);
    outb(&vm, 0x64, 0x60);
    outb(&vm, 0x60, 0x47);
    assert_int_equal(inb(&vm, 0x64) & 0x08, 0);       /* last write was data */
    outb(&vm, 0x64, 0x20);
    assert_int_equal(read_data(&vm), 0x47);
    outb(&vm, 0x64, 0x75);                            /* other controller RAM */
    outb(&vm, 0x60, 0x99);
    outb(&vm, 0x64, 0x35);
    assert_int_equal(read_data(&vm), 0x99);
}

static void test_reset_and_a20(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    outb(&vm, 0x64, 0xD0);
    assert_int_equal(read_data(&vm) & 0x03, 0x03);
    outb(&vm, 0x64, 0xD1);
    outb(&vm, 0x60, 0xDD);                            /* A20 off */
    assert_false(vm.a20);
    assert_false(vkbc_a20(&vm.kbc));
    outb(&vm, 0x64, 0xD1);
    outb(&vm, 0x60, 0xDF);                            /* A20 on */
    assert_true(vm.a20);
    assert_int_equal(vm.a20_calls, 2);
    outb(&vm, 0x64, 0xDD);
    assert_false(vm.a20);
    outb(&vm, 0x64, 0xDF);
    assert_true(vkbc_a20(&vm.kbc));
    assert_int_equal(vm.resets, 0);
    outb(&vm, 0x64, 0xFE);                            /* pulse reset */
    assert_int_equal(vm.resets, 1);
    outb(&vm, 0x64, 0xFF);                            /* pulses nothing */
    assert_int_equal(vm.resets, 1);
    outb(&vm, 0x64, 0xD1);
    outb(&vm, 0x60, 0x02);                            /* reset line low */
    assert_int_equal(vm.resets, 2);
}

static void test_keyboard_commands(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    outb(&vm, 0x60, 0xFF);                            /* keyboard reset */
    /* Each byte is its own IRQ1. */
    assert_true(vpic_pending(&vm.pic));
    assert_int_equal(vpic_ack(&vm.pic), 0x21);
    assert_int_equal(inb(&vm, 0x60), 0xFA);
    outb(&vm, 0x20, 0x20);
    assert_true(vpic_pending(&vm.pic));
    assert_int_equal(vpic_ack(&vm.pic), 0x21);
    assert_int_equal(inb(&vm, 0x60), 0xAA);
    outb(&vm, 0x20, 0x20);
    assert_false(vpic_pending(&vm.pic));

    outb(&vm, 0x60, 0xED);
    assert_int_equal(read_data(&vm), 0xFA);
    outb(&vm, 0x60, 0x07);
    assert_int_equal(read_data(&vm), 0xFA);
    assert_int_equal(vm.leds, 7);
    outb(&vm, 0x60, 0xF0);
    outb(&vm, 0x60, 0x00);
    assert_int_equal(read_data(&vm), 0xFA);
    assert_int_equal(read_data(&vm), 0xFA);
    assert_int_equal(read_data(&vm), 0x41);           /* set 2, translated */
    outb(&vm, 0x60, 0xF0);
    outb(&vm, 0x60, 0x01);
    outb(&vm, 0x64, 0x60);
    outb(&vm, 0x60, 0x05);                            /* translation off */
    outb(&vm, 0x60, 0xF0);
    outb(&vm, 0x60, 0x00);
    for (int i = 0; i < 4; i++)
        assert_int_equal(read_data(&vm), 0xFA);
    assert_int_equal(read_data(&vm), 0x01);           /* set 1, untranslated */
    outb(&vm, 0x60, 0xF0);
    outb(&vm, 0x60, 0x09);
    assert_int_equal(read_data(&vm), 0xFA);
    assert_int_equal(read_data(&vm), 0xFE);           /* no set 9 */
    outb(&vm, 0x60, 0xF2);
    assert_int_equal(read_data(&vm), 0xFA);
    assert_int_equal(read_data(&vm), 0xAB);
    assert_int_equal(read_data(&vm), 0x83);
    outb(&vm, 0x60, 0xEE);
    assert_int_equal(read_data(&vm), 0xEE);
    outb(&vm, 0x60, 0x12);
    assert_int_equal(read_data(&vm), 0xFE);
    assert_int_equal(inb(&vm, 0x64) & 0x01, 0);
}

static void test_scancodes(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    assert_int_equal(vkbc_push_scancodes(&vm.kbc, "\x1e\x9e", 2), 2);
    assert_int_equal(vpic_ack(&vm.pic), 0x21);
    assert_int_equal(inb(&vm, 0x60), 0x1E);
    outb(&vm, 0x20, 0x20);
    assert_int_equal(vpic_ack(&vm.pic), 0x21);
    assert_int_equal(inb(&vm, 0x60), 0x9E);
    outb(&vm, 0x20, 0x20);
    assert_false(vpic_pending(&vm.pic));
    /* Disabled by the controller or the keyboard: keys are dropped. */
    outb(&vm, 0x64, 0xAD);
    assert_int_equal(vkbc_push_scancodes(&vm.kbc, "\x1e", 1), 0);
    outb(&vm, 0x64, 0xAE);
    outb(&vm, 0x60, 0xF5);
    assert_int_equal(read_data(&vm), 0xFA);
    assert_int_equal(vkbc_push_scancodes(&vm.kbc, "\x1e", 1), 0);
    assert_int_equal(vm.kbc.dropped, 2);
    outb(&vm, 0x60, 0xF4);
    assert_int_equal(read_data(&vm), 0xFA);
    outb(&vm, 0x20, 0x20);
    /* IRQ1 off in the command byte: bytes wait, no interrupt. */
    outb(&vm, 0x64, 0x60);
    outb(&vm, 0x60, 0x44);
    while (vpic_pending(&vm.pic)) {
        (void)vpic_ack(&vm.pic);
        outb(&vm, 0x20, 0x20);
    }
    uint8_t many[100];
    memset(many, 0x2A, sizeof many);
    assert_int_equal(vkbc_push_scancodes(&vm.kbc, many, sizeof many), VKBC_QUEUE);
    assert_false(vpic_pending(&vm.pic));
    assert_int_equal(inb(&vm, 0x64) & 0x01, 0x01);
    for (int i = 0; i < VKBC_QUEUE; i++)
        assert_int_equal(inb(&vm, 0x60), 0x2A);
    assert_int_equal(inb(&vm, 0x64) & 0x01, 0x00);
}

static void test_aux_port(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    outb(&vm, 0x64, 0x60);
    outb(&vm, 0x60, 0x47);                            /* IRQ12 on */
    outb(&vm, 0x64, 0xD3);
    outb(&vm, 0x60, 0x5A);                            /* aux loopback */
    assert_int_equal(inb(&vm, 0x64) & 0x21, 0x21);
    assert_int_equal(vpic_ack(&vm.pic), 0x2C);
    assert_int_equal(inb(&vm, 0x60), 0x5A);
    outb(&vm, 0x64, 0xD4);
    outb(&vm, 0x60, 0xFF);                            /* mouse reset: nobody home */
    assert_int_equal(inb(&vm, 0x64) & 0x21, 0x21);
    assert_int_equal(inb(&vm, 0x60), 0xFE);
}

static void hammer_tick(void *ctx, uint64_t r)
{
    struct vm *vm = ctx;
    if ((r & 0x1F) == 3) {
        uint8_t b[8];
        memset(b, (int)(r >> 8), sizeof b);
        vkbc_push_scancodes(&vm->kbc, b, (r >> 16) % 8);
    }
    if ((r & 0x1F) == 4 && vpic_pending(&vm->pic))
        (void)vpic_ack(&vm->pic);
}

static void test_hammer(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    hammer(&vm.bus, 21, 300000, 0x5E, 0x66, hammer_tick, &vm);
    assert_true(vm.kbc.count <= VKBC_QUEUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controller_self_test),
        cmocka_unit_test(test_reset_and_a20),
        cmocka_unit_test(test_keyboard_commands),
        cmocka_unit_test(test_scancodes),
        cmocka_unit_test(test_aux_port),
        cmocka_unit_test(test_hammer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
