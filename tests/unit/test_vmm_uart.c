/* Host tests for the emulated 16550A (kernel/vmm/dev/uart16550.c) on COM1,
 * driven through the bus, its IRQ4 wired to the virtual PIC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/dev/pic.h"
#include "vmm/dev/uart16550.h"
#include "vmm/iobus.h"
#include "vmm_hammer.h"

#define COM1 0x3F8

struct vm {
    struct iobus bus;
    struct vpic pic;
    struct vuart uart;
    char out[512];            /* what the guest transmitted */
    size_t nout;
};

static void on_tx(void *ctx, uint8_t byte)
{
    struct vm *vm = ctx;
    if (vm->nout < sizeof vm->out)
        vm->out[vm->nout] = (char)byte;
    vm->nout++;
}

static void out(struct vm *vm, unsigned reg, uint8_t v)
{
    assert_int_equal(iobus_write(&vm->bus, IOBUS_PIO, COM1 + reg, 1, v), 0);
}

static uint8_t in(struct vm *vm, unsigned reg)
{
    uint64_t v;
    assert_int_equal(iobus_read(&vm->bus, IOBUS_PIO, COM1 + reg, 1, &v), 0);
    return (uint8_t)v;
}

static void setup_vm(struct vm *vm)
{
    memset(vm, 0, sizeof *vm);
    iobus_init(&vm->bus);
    vpic_init(&vm->pic, NULL, NULL);
    vuart_init(&vm->uart, COM1, (struct vdev_irq){ vpic_irq_cb, &vm->pic, 4 }, on_tx, vm);
    assert_int_equal(vpic_attach(&vm->pic, &vm->bus), 0);
    assert_int_equal(vuart_attach(&vm->uart, &vm->bus), 0);
    static const uint8_t init[] = { 0x11, 0x20, 0x04, 0x01 };
    for (int i = 0; i < 4; i++)
        assert_int_equal(iobus_write(&vm->bus, IOBUS_PIO, i ? 0x21 : 0x20, 1, init[i]), 0);
    assert_int_equal(iobus_write(&vm->bus, IOBUS_PIO, 0x21, 1, 0), 0);
}

/* 115200 8N1, FIFOs on and cleared, DTR RTS OUT2: what every driver does. */
static void program_115200(struct vm *vm, uint8_t fcr)
{
    out(vm, 1, 0x00);
    out(vm, 3, 0x80);
    out(vm, 0, 0x01);
    out(vm, 1, 0x00);
    out(vm, 3, 0x03);
    out(vm, 2, fcr);
    out(vm, 4, 0x0B);
}

static void test_transmit(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    program_115200(&vm, 0xC7);
    assert_int_equal(vm.uart.divisor, 1);
    out(&vm, 3, 0x83);
    assert_int_equal(in(&vm, 0), 0x01);               /* DLL */
    assert_int_equal(in(&vm, 1), 0x00);               /* DLM */
    out(&vm, 3, 0x03);
    for (const char *p = "hi"; *p; p++) {
        while (!(in(&vm, 5) & 0x20))                  /* wait for THRE */
            ;
        out(&vm, 0, (uint8_t)*p);
    }
    assert_int_equal(vm.nout, 2);
    assert_memory_equal(vm.out, "hi", 2);
    assert_int_equal(in(&vm, 5), 0x60);               /* THRE, TEMT, no data */
    assert_int_equal(in(&vm, 2), 0xC1);               /* FIFOs on, nothing pending */
    out(&vm, 7, 0x5A);
    assert_int_equal(in(&vm, 7), 0x5A);
    assert_int_equal(in(&vm, 6), 0xB0);               /* DCD DSR CTS */
}

static void test_loopback(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    program_115200(&vm, 0xC7);
    out(&vm, 4, 0x1A);                                /* Linux's probe: LOOP|OUT2|RTS */
    assert_int_equal(in(&vm, 6) & 0xF0, 0x90);        /* DCD|CTS */
    out(&vm, 0, 0x55);
    assert_int_equal(vm.nout, 0);                     /* the line hears nothing */
    assert_int_equal(in(&vm, 5) & 0x01, 0x01);
    assert_int_equal(in(&vm, 0), 0x55);
    assert_int_equal(in(&vm, 5) & 0x01, 0x00);
    /* Deltas: OUT1 on sets RI, off sets TERI. */
    out(&vm, 4, 0x1E);
    (void)in(&vm, 6);
    out(&vm, 4, 0x1A);
    assert_int_equal(in(&vm, 6) & 0x0F, 0x04);
    /* Typed bytes wait while the receiver listens to itself. */
    assert_int_equal(vuart_input(&vm.uart, "x", 1), 1);
    assert_int_equal(in(&vm, 5) & 0x01, 0x00);
    out(&vm, 4, 0x0B);
    assert_int_equal(in(&vm, 0), 'x');
}

static void test_fifo_overrun(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    program_115200(&vm, 0xC7);
    out(&vm, 4, 0x10);
    for (int i = 0; i < 17; i++)
        out(&vm, 0, (uint8_t)('A' + i));
    uint8_t lsr = in(&vm, 5);
    assert_int_equal(lsr & 0x03, 0x03);              /* DR and OE */
    assert_int_equal(in(&vm, 5) & 0x02, 0x00);       /* reading LSR cleared OE */
    for (int i = 0; i < 16; i++)
        assert_int_equal(in(&vm, 0), 'A' + i);       /* the 17th byte was lost */
    assert_int_equal(in(&vm, 5) & 0x01, 0);
    assert_int_equal(vm.uart.rx_overruns, 1);
    /* FIFOs off: the second byte overruns the holding register. */
    out(&vm, 2, 0x00);
    out(&vm, 0, '1');
    out(&vm, 0, '2');
    assert_int_equal(in(&vm, 5) & 0x03, 0x03);
    assert_int_equal(in(&vm, 0), '1');
    assert_int_equal(in(&vm, 2), 0x01);               /* no FIFO bits in IIR */
}

static void test_rx_interrupts(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    program_115200(&vm, 0xC7);                        /* trigger 14 */
    out(&vm, 1, 0x01);                                /* ERBFI */
    assert_false(vpic_pending(&vm.pic));
    assert_int_equal(vuart_input(&vm.uart, "abc", 3), 3);
    assert_true(vpic_pending(&vm.pic));
    assert_int_equal(vpic_ack(&vm.pic), 0x24);
    assert_int_equal(in(&vm, 2), 0xCC);               /* below the trigger: timeout */
    assert_int_equal(in(&vm, 0), 'a');
    assert_int_equal(in(&vm, 0), 'b');
    assert_int_equal(in(&vm, 0), 'c');
    assert_int_equal(in(&vm, 2), 0xC1);
    assert_false(vm.uart.irq_level);
    iobus_write(&vm.bus, IOBUS_PIO, 0x20, 1, 0x20);
    /* Trigger level reached: "data available". */
    char many[20];
    memset(many, 'z', sizeof many);
    assert_int_equal(vuart_input(&vm.uart, many, sizeof many), sizeof many);
    assert_int_equal(in(&vm, 2), 0xC4);
    assert_int_equal(vpic_ack(&vm.pic), 0x24);
    /* OUT2 off: the UART still flags it but the line stays quiet. */
    out(&vm, 4, 0x03);
    assert_false(vm.uart.irq_level);
    assert_int_equal(in(&vm, 2), 0xC4);
}

static void test_thre_interrupt(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    program_115200(&vm, 0x07);
    out(&vm, 1, 0x02);                                /* ETBEI: fires at once */
    assert_true(vpic_pending(&vm.pic));
    assert_int_equal(in(&vm, 2), 0xC2);
    assert_int_equal(in(&vm, 2), 0xC1);               /* reading IIR cleared it */
    assert_false(vm.uart.irq_level);
    out(&vm, 0, 'x');
    assert_true(vm.uart.irq_level);
    assert_int_equal(in(&vm, 2), 0xC2);               /* sent: empty again */
    /* Receive outranks transmit. */
    out(&vm, 1, 0x03);
    vuart_input(&vm.uart, "k", 1);
    assert_int_equal(in(&vm, 2), 0xC4);               /* trigger level 1 */
    assert_int_equal(in(&vm, 0), 'k');
    assert_int_equal(in(&vm, 2), 0xC1);               /* THRE was claimed above */
    /* Line status outranks both. */
    out(&vm, 1, 0x07);
    out(&vm, 4, 0x1B);
    for (int i = 0; i < 17; i++)
        out(&vm, 0, 'o');
    assert_int_equal(in(&vm, 2), 0xC6);
}

static void test_input_queue(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    program_115200(&vm, 0xC7);
    uint8_t typed[300];
    for (int i = 0; i < 300; i++)
        typed[i] = (uint8_t)i;
    assert_int_equal(vuart_input(&vm.uart, typed, 300), VUART_INPUT);
    for (int i = 0; i < VUART_INPUT; i++) {
        uint8_t lsr = in(&vm, 5);
        assert_int_equal(lsr & 0x03, 0x01);          /* data, never an overrun */
        assert_int_equal(in(&vm, 0), i);
    }
    assert_int_equal(in(&vm, 5) & 0x01, 0);
    assert_int_equal(vuart_input(&vm.uart, typed + 256, 44), 44);
    assert_int_equal(in(&vm, 0), 0);
}

static void hammer_tick(void *ctx, uint64_t r)
{
    struct vm *vm = ctx;
    if ((r & 0x3F) == 0) {
        uint8_t b[40];
        memset(b, (int)(r >> 8), sizeof b);
        vuart_input(&vm->uart, b, (r >> 16) % sizeof b);
    }
    if ((r & 0x1F) == 1 && vpic_pending(&vm->pic)) {
        (void)vpic_ack(&vm->pic);
        iobus_write(&vm->bus, IOBUS_PIO, 0x20, 1, 0x20);
    }
}

static void test_hammer(void **state)
{
    (void)state;
    struct vm vm;
    setup_vm(&vm);
    hammer(&vm.bus, 11, 300000, COM1 - 2, COM1 + 9, hammer_tick, &vm);
    assert_true(vm.uart.rx.count <= VUART_FIFO);
    assert_true(vm.uart.in_count <= VUART_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transmit),
        cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_fifo_overrun),
        cmocka_unit_test(test_rx_interrupts),
        cmocka_unit_test(test_thre_interrupt),
        cmocka_unit_test(test_input_queue),
        cmocka_unit_test(test_hammer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
