/* Host tests for a VM's PCI configuration space (kernel/vmm/dev/vpci.c),
 * driven through ports 0xCF8/0xCFC the way a guest's PCI code does:
 * enumeration, BAR sizing and moving, the command register, INTx. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/dev/vpci.h"
#include "vmm/iobus.h"

struct fake {
    struct iobus bus;
    struct vpci pci;
    bool line[16];
    unsigned edges[16];
    uint64_t last_off;
    unsigned reads;
};

static struct fake F;

static void set_line(void *ctx, unsigned irq, bool level)
{
    struct fake *f = ctx;
    assert_true(irq < 16);
    assert_true(f->line[irq] != level);      /* only changes are signalled */
    f->line[irq] = level;
    f->edges[irq] += level;
}

static uint64_t dev_read(void *ctx, uint64_t off, unsigned size)
{
    (void)size;
    struct fake *f = ctx;
    f->last_off = off;
    f->reads++;
    return 0xA5;
}

static void dev_write(void *ctx, uint64_t off, unsigned size, uint64_t v)
{
    (void)size;
    (void)v;
    ((struct fake *)ctx)->last_off = off;
}

static const struct iobus_ops dev_ops = { dev_read, dev_write };

static uint32_t cfg_in(unsigned devfn, unsigned off, unsigned size)
{
    uint64_t v = 0;
    uint32_t addr = 0x80000000u | devfn << 8 | (off & 0xFC);
    assert_int_equal(iobus_write(&F.bus, IOBUS_PIO, 0xCF8, 4, addr), 0);
    assert_int_equal(iobus_read(&F.bus, IOBUS_PIO, 0xCFC + (off & 3), size, &v), 0);
    return (uint32_t)v;
}

static void cfg_out(unsigned devfn, unsigned off, unsigned size, uint32_t v)
{
    uint32_t addr = 0x80000000u | devfn << 8 | (off & 0xFC);
    assert_int_equal(iobus_write(&F.bus, IOBUS_PIO, 0xCF8, 4, addr), 0);
    assert_int_equal(iobus_write(&F.bus, IOBUS_PIO, 0xCFC + (off & 3), size, v), 0);
}

static int setup(void **state)
{
    (void)state;
    memset(&F, 0, sizeof(F));
    iobus_init(&F.bus);
    vpci_init(&F.pci, (struct vdev_irq){ set_line, &F, 0 });
    assert_int_equal(vpci_attach(&F.pci, &F.bus), 0);
    return 0;
}

static void test_host_bridge_and_absent_functions(void **state)
{
    (void)state;
    assert_int_equal(cfg_in(0, 0, 4), 0x12378086);
    assert_int_equal(cfg_in(0, 0x0A, 2), 0x0600);           /* class: host bridge */
    assert_int_equal(cfg_in(0, 0x0E, 1), 0x00);             /* type 0, single function */
    assert_int_equal(cfg_in(0, 2, 2), 0x1237);
    assert_int_equal(cfg_in(1, 0, 4), 0xFFFFFFFF);          /* function 1 */
    assert_int_equal(cfg_in(3 << 3, 0, 4), 0xFFFFFFFF);     /* empty slot */
    assert_int_equal(cfg_in(31 << 3, 0, 2), 0xFFFF);
    /* Bus 1 and the enable bit clear: nothing. */
    uint64_t v;
    iobus_write(&F.bus, IOBUS_PIO, 0xCF8, 4, 0x80010000u);
    iobus_read(&F.bus, IOBUS_PIO, 0xCFC, 4, &v);
    assert_int_equal(v, 0xFFFFFFFF);
    iobus_write(&F.bus, IOBUS_PIO, 0xCF8, 4, 0x00000000u);
    iobus_read(&F.bus, IOBUS_PIO, 0xCFC, 4, &v);
    assert_int_equal(v, 0xFFFFFFFF);
    /* Writes to read-only registers change nothing. */
    cfg_out(0, 0, 4, 0);
    cfg_out(0, 8, 4, 0);
    assert_int_equal(cfg_in(0, 0, 4), 0x12378086);
    assert_int_equal(cfg_in(0, 0x0A, 2), 0x0600);
}

static void test_address_latch(void **state)
{
    (void)state;
    uint64_t v;
    iobus_write(&F.bus, IOBUS_PIO, 0xCF8, 4, 0x8000ABCFu);
    iobus_read(&F.bus, IOBUS_PIO, 0xCF8, 4, &v);
    assert_int_equal(v, 0x8000ABCC);                        /* dword aligned */
    /* Linux's type 1 probe: a byte at 0xCFB, then the dword round trip. */
    iobus_write(&F.bus, IOBUS_PIO, 0xCFB, 1, 0x01);
    iobus_read(&F.bus, IOBUS_PIO, 0xCF8, 4, &v);
    assert_int_equal(v, 0x8000ABCC);
    iobus_read(&F.bus, IOBUS_PIO, 0xCF9, 1, &v);
    assert_int_equal(v, 0xFF);
    iobus_write(&F.bus, IOBUS_PIO, 0xCF8, 4, 0x80000000u);
    iobus_read(&F.bus, IOBUS_PIO, 0xCF8, 4, &v);
    assert_int_equal(v, 0x80000000);
    /* A dword that runs past 0xCFF is not the data port's. */
    assert_int_not_equal(iobus_read(&F.bus, IOBUS_PIO, 0xCFE, 4, &v), 0);
}

static void plug(struct vpci_dev *d, uint8_t irq, uint16_t base, int want_slot)
{
    vpci_dev_init(d, 0x1AF4, 0x1001, 0x018000, irq);
    vpci_dev_io_bar(d, 0, 0x40, &dev_ops, &F, "dev");
    assert_int_equal(vpci_plug(&F.pci, d, base), want_slot);
}

static void test_io_bar_sizing_and_moving(void **state)
{
    (void)state;
    struct vpci_dev d;
    plug(&d, 11, 0xC000, 1);
    unsigned fn = 1 << 3;
    assert_int_equal(cfg_in(fn, 0, 4), 0x10011AF4);
    assert_int_equal(cfg_in(fn, VPCI_BAR0, 4), 0xC001);
    assert_int_equal(cfg_in(fn, VPCI_COMMAND, 2) & VPCI_CMD_IO, VPCI_CMD_IO);
    assert_int_equal(cfg_in(fn, VPCI_BAR0 + 4, 4), 0);       /* BAR1 not implemented */
    uint64_t v;
    assert_int_equal(iobus_read(&F.bus, IOBUS_PIO, 0xC013, 1, &v), 0);
    assert_int_equal(F.last_off, 0x13);

    /* Sizing, decoding off as an OS does it. */
    cfg_out(fn, VPCI_COMMAND, 2, 0);
    assert_int_equal(iobus_read(&F.bus, IOBUS_PIO, 0xC000, 1, &v), -2);
    cfg_out(fn, VPCI_BAR0, 4, 0xFFFFFFFF);
    assert_int_equal(cfg_in(fn, VPCI_BAR0, 4), 0xFFFFFFC1);
    cfg_out(fn, VPCI_BAR0 + 4, 4, 0xFFFFFFFF);
    assert_int_equal(cfg_in(fn, VPCI_BAR0 + 4, 4), 0);
    cfg_out(fn, VPCI_BAR0, 4, 0xD013);                        /* low bits ignored */
    assert_int_equal(cfg_in(fn, VPCI_BAR0, 4), 0xD001);
    cfg_out(fn, VPCI_COMMAND, 2, VPCI_CMD_IO);
    assert_int_equal(iobus_read(&F.bus, IOBUS_PIO, 0xC000, 1, &v), -2);
    assert_int_equal(iobus_read(&F.bus, IOBUS_PIO, 0xD03F, 1, &v), 0);
    assert_int_equal(F.last_off, 0x3F);
    assert_int_equal(v, 0xA5);
    /* Sizing with decoding on: the all-ones BAR is nowhere, then back. */
    cfg_out(fn, VPCI_BAR0, 4, 0xFFFFFFFF);
    assert_int_equal(iobus_read(&F.bus, IOBUS_PIO, 0xD000, 1, &v), -2);
    assert_int_equal(iobus_read(&F.bus, IOBUS_PIO, 0xFFC0, 1, &v), -2);
    cfg_out(fn, VPCI_BAR0, 2, 0xE000);                        /* a word write */
    assert_int_equal(cfg_in(fn, VPCI_BAR0, 4), 0xFFFFE001);   /* high half still all ones */
    assert_int_equal(iobus_read(&F.bus, IOBUS_PIO, 0xE000, 1, &v), -2);
    cfg_out(fn, VPCI_BAR0 + 2, 2, 0);
    assert_int_equal(iobus_read(&F.bus, IOBUS_PIO, 0xE000, 1, &v), 0);
}

static void test_bar_over_other_ports(void **state)
{
    (void)state;
    struct vpci_dev d;
    assert_int_equal(iobus_register(&F.bus, IOBUS_PIO, 0x3F8, 8, &dev_ops, NULL, 1, "uart"), 0);
    plug(&d, 11, 0xC000, 1);
    unsigned fn = 1 << 3;
    cfg_out(fn, VPCI_BAR0, 4, 0x3C0);                          /* covers 0x3C0-0x3FF */
    assert_true(d.bar[0].conflict);
    uint64_t v;
    assert_int_equal(iobus_read(&F.bus, IOBUS_PIO, 0xC000, 1, &v), -2);
    assert_ptr_equal(iobus_find(&F.bus, IOBUS_PIO, 0x3F8)->dev, NULL);   /* the uart kept it */
    cfg_out(fn, VPCI_BAR0, 4, 0xC040);
    assert_false(d.bar[0].conflict);
    assert_int_equal(iobus_read(&F.bus, IOBUS_PIO, 0xC040, 1, &v), 0);
    /* Plugging a device over taken ports is refused. */
    struct vpci_dev e;
    vpci_dev_init(&e, 0x1AF4, 0x1001, 0x018000, 10);
    vpci_dev_io_bar(&e, 0, 0x40, &dev_ops, &F, "dev2");
    assert_int_equal(vpci_plug(&F.pci, &e, 0xC040), -17);
    assert_int_equal(cfg_in(2 << 3, 0, 4), 0xFFFFFFFF);
}

static void test_slots_fill_up(void **state)
{
    (void)state;
    static struct vpci_dev d[VPCI_SLOTS];
    for (unsigned i = 1; i < VPCI_SLOTS; i++)
        plug(&d[i], 11, (uint16_t)(0xC000 + 0x40 * i), (int)i);
    vpci_dev_init(&d[0], 1, 2, 0, 11);
    assert_int_equal(vpci_plug(&F.pci, &d[0], 0xE000), -28);
    for (unsigned i = 1; i < VPCI_SLOTS; i++)
        assert_int_equal(cfg_in(i << 3, VPCI_BAR0, 4), (0xC000 + 0x40 * i) | 1);
}

static void test_intx(void **state)
{
    (void)state;
    struct vpci_dev a, b;
    plug(&a, 11, 0xC000, 1);
    plug(&b, 11, 0xC040, 2);
    assert_int_equal(cfg_in(1 << 3, VPCI_INT_LINE, 1), 11);
    assert_int_equal(cfg_in(1 << 3, VPCI_INT_PIN, 1), 1);
    vpci_intx(&a, true);
    assert_true(F.line[11]);
    assert_int_equal(cfg_in(1 << 3, VPCI_STATUS, 2) & VPCI_STATUS_INTX, VPCI_STATUS_INTX);
    vpci_intx(&b, true);                   /* wire-OR: still one high line */
    vpci_intx(&a, false);
    assert_true(F.line[11]);
    assert_int_equal(cfg_in(1 << 3, VPCI_STATUS, 2) & VPCI_STATUS_INTX, 0);
    vpci_intx(&b, false);
    assert_false(F.line[11]);
    /* Interrupt Disable masks the line, the status bit still shows it. */
    vpci_intx(&a, true);
    cfg_out(1 << 3, VPCI_COMMAND, 2, VPCI_CMD_IO | VPCI_CMD_INTX_OFF);
    assert_false(F.line[11]);
    assert_int_equal(cfg_in(1 << 3, VPCI_STATUS, 2) & VPCI_STATUS_INTX, VPCI_STATUS_INTX);
    cfg_out(1 << 3, VPCI_COMMAND, 2, VPCI_CMD_IO);
    assert_true(F.line[11]);
    assert_int_equal(F.edges[11], 3);
    /* The line register is the OS's scratch: routing does not move. */
    cfg_out(1 << 3, VPCI_INT_LINE, 1, 5);
    assert_int_equal(cfg_in(1 << 3, VPCI_INT_LINE, 1), 5);
    vpci_intx(&a, false);
    assert_false(F.line[11]);
    assert_false(F.line[5]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_host_bridge_and_absent_functions, setup),
        cmocka_unit_test_setup(test_address_latch, setup),
        cmocka_unit_test_setup(test_io_bar_sizing_and_moving, setup),
        cmocka_unit_test_setup(test_bar_over_other_ports, setup),
        cmocka_unit_test_setup(test_slots_fill_up, setup),
        cmocka_unit_test_setup(test_intx, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
