/* A VM's ACPI: the tables the virtual BIOS builds must parse with hv's own
 * ACPI code (the first OS is hv), and the PM1 block behind them must do
 * what those tables promise: the power button raises the SCI, S5 powers
 * off. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "dev/acpi_tables.h"
#include "vmm/dev/acpi_pm.h"
#include "vmm/iobus.h"
#include "vmm/vbios/vacpi.h"

#define BASE 0xE0000u
static uint8_t tables[VACPI_SIZE];
static int warnings;

void acpi_warn(const char *fmt, ...)
{
    (void)fmt;
    warnings++;
}

static const void *map_mem(uint64_t pa, size_t len, void *ctx)
{
    (void)ctx;
    if (pa < BASE || pa + len > BASE + sizeof(tables))
        return NULL;
    return tables + (pa - BASE);
}

static void test_tables_parse(void **state)
{
    (void)state;
    vacpi_build(tables, BASE, 0x600);
    assert_int_equal(acpi_rsdp_scan(tables, sizeof(tables)), 0);
    struct acpi_tables t;
    warnings = 0;
    assert_int_equal(acpi_parse_all(BASE, map_mem, NULL, &t), 0);
    assert_int_equal(warnings, 0);
    assert_true(t.info.have_fadt);
    assert_int_equal(t.info.cpu_count, 1);
    assert_int_equal(t.info.cpu_apic_ids[0], 0);
    assert_int_equal(t.info.lapic_addr, 0xFEE00000u);
    assert_int_equal(t.info.ioapic_addr, 0);           /* the VM has none */
    assert_int_equal(t.fadt.pm1a_cnt.addr, 0x604);
    assert_int_equal(t.fadt.pm1a_evt, 0x600);
    assert_int_equal(t.fadt.pm1_evt_len, 4);
    assert_int_equal(t.fadt.smi_cmd, 0);
    assert_true(t.have_s5);
    assert_int_equal(t.slp_typa, VPM_S5_TYP);
    for (unsigned i = 0; i < t.table_count; i++)
        assert_true(t.table[i].ok);
}

static int sci_level, sci_edges, powered_off;
static uint64_t now;

static void sci(void *ctx, unsigned irq, bool level)
{
    (void)ctx;
    assert_int_equal(irq, 9);
    if (level && !sci_level)
        sci_edges++;
    sci_level = level;
}

static void off(void *ctx)
{
    (void)ctx;
    powered_off++;
}

static uint64_t clock_ns(void *ctx)
{
    (void)ctx;
    return now;
}

static void setup_pm(struct vpm *pm, struct iobus *bus)
{
    sci_level = sci_edges = powered_off = 0;
    now = 0;
    iobus_init(bus);
    vpm_init(pm, 0x600, (struct vdev_clock){ clock_ns, NULL }, (struct vdev_irq){ sci, NULL, 9 }, off,
             NULL);
    assert_int_equal(vpm_attach(pm, bus), 0);
}

static uint64_t in(struct iobus *bus, uint16_t port, unsigned size)
{
    uint64_t v = 0;
    assert_int_equal(iobus_read(bus, IOBUS_PIO, port, size, &v), 0);
    return v;
}

static void out(struct iobus *bus, uint16_t port, unsigned size, uint64_t v)
{
    assert_int_equal(iobus_write(bus, IOBUS_PIO, port, size, v), 0);
}

static void test_power_button(void **state)
{
    (void)state;
    struct vpm pm;
    struct iobus bus;
    setup_pm(&pm, &bus);
    assert_int_equal(in(&bus, 0x604, 2) & VPM_SCI_EN, VPM_SCI_EN);   /* ACPI mode from reset */

    /* Pressed before the OS enabled the event: status set, no SCI. */
    vpm_press_power_button(&pm);
    assert_int_equal(in(&bus, 0x600, 2) & VPM_PWRBTN, VPM_PWRBTN);
    assert_int_equal(sci_level, 0);
    /* Enabling it with the status pending raises the SCI at once. */
    out(&bus, 0x602, 2, VPM_PWRBTN);
    assert_int_equal(sci_level, 1);
    /* Writing 0 to the status changes nothing; writing 1 clears it. */
    out(&bus, 0x600, 2, 0);
    assert_int_equal(sci_level, 1);
    out(&bus, 0x600, 2, VPM_PWRBTN);
    assert_int_equal(sci_level, 0);
    assert_int_equal(in(&bus, 0x600, 2) & VPM_PWRBTN, 0);
    vpm_press_power_button(&pm);
    assert_int_equal(sci_edges, 2);
    /* A dword read of the event block: status low, enable high. */
    assert_int_equal(in(&bus, 0x600, 4), (uint32_t)VPM_PWRBTN << 16 | VPM_PWRBTN);
}

static void test_s5_powers_off(void **state)
{
    (void)state;
    struct vpm pm;
    struct iobus bus;
    setup_pm(&pm, &bus);
    out(&bus, 0x604, 2, 3u << 10 | VPM_SLP_EN);          /* S3: not modelled, ignored */
    assert_int_equal(powered_off, 0);
    out(&bus, 0x604, 2, 5u << 10);                       /* S5 without SLP_EN: nothing yet */
    assert_int_equal(powered_off, 0);
    out(&bus, 0x604, 2, 5u << 10 | VPM_SLP_EN);
    assert_int_equal(powered_off, 1);
    assert_int_equal(in(&bus, 0x604, 2) & VPM_SLP_EN, 0);   /* SLP_EN reads as 0 */
}

static void test_pm_timer(void **state)
{
    (void)state;
    struct vpm pm;
    struct iobus bus;
    setup_pm(&pm, &bus);
    now = 1000000000ull;                                 /* one second: 3579545 ticks */
    assert_int_equal(in(&bus, 0x608, 4), 3579545u & 0xFFFFFF);
    now = 5000000000ull;                                 /* wraps at 24 bits */
    assert_int_equal(in(&bus, 0x608, 4), (5ull * 3579545u) & 0xFFFFFF);
    out(&bus, 0x608, 4, 0);                              /* read-only */
    assert_int_equal(in(&bus, 0x608, 4), (5ull * 3579545u) & 0xFFFFFF);
}

static void test_garbage_accesses(void **state)
{
    (void)state;
    struct vpm pm;
    struct iobus bus;
    setup_pm(&pm, &bus);
    /* Every width at every offset: nothing powers off unless S5 is written,
     * nothing crashes, SCI_EN stays set. */
    for (uint16_t port = 0x600; port < 0x60C; port++)
        for (unsigned size = 1; size <= 4; size *= 2) {
            if (port + size > 0x60C)
                continue;
            (void)in(&bus, port, size);
            out(&bus, port, size, (port & 1) ? 0xFFFFFFFF : 0xA5A5A5A5);
        }
    assert_int_equal(in(&bus, 0x604, 2) & VPM_SCI_EN, VPM_SCI_EN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_parse),
        cmocka_unit_test(test_power_button),
        cmocka_unit_test(test_s5_powers_off),
        cmocka_unit_test(test_pm_timer),
        cmocka_unit_test(test_garbage_accesses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
