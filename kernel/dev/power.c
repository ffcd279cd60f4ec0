/* Power off and reset.  Each method is tried in turn and given time to act;
 * a machine that ignores all of them ends in a triple fault. */
#include "dev/acpi.h"
#include "dev/acpi_tables.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "lib/kprintf.h"
#include "mm/vm.h"

#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK  (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN        (1u << 13)
#define PM1_SCI_EN        (1u << 0)

/* About a microsecond per port 0x80 access; needs no timer, which may be
 * what broke. */
static void io_delay_ms(unsigned ms)
{
    for (unsigned i = 0; i < ms * 1000u; i++)
        inb(0x80);
}

static uint32_t gas_read(const struct acpi_gas *g)
{
    if (g->space == ACPI_SPACE_IO)
        return g->bit_width == 8 ? inb((uint16_t)g->addr) : inw((uint16_t)g->addr);
    if (g->space == ACPI_SPACE_MEM) {
        volatile uint16_t *r = vm_map_mmio(g->addr, 2);
        return r ? *r : 0;
    }
    return 0;
}

static void gas_write(const struct acpi_gas *g, uint32_t v)
{
    if (g->space == ACPI_SPACE_IO) {
        if (g->bit_width == 8)
            outb((uint16_t)g->addr, (uint8_t)v);
        else if (g->bit_width == 32)
            outl((uint16_t)g->addr, v);
        else
            outw((uint16_t)g->addr, (uint16_t)v);
    } else if (g->space == ACPI_SPACE_MEM) {
        volatile uint8_t *r = vm_map_mmio(g->addr, 4);
        if (!r)
            return;
        if (g->bit_width == 8)
            *r = (uint8_t)v;
        else if (g->bit_width == 32)
            *(volatile uint32_t *)r = v;
        else
            *(volatile uint16_t *)r = (uint16_t)v;
    } else if (g->space == ACPI_SPACE_PCI) {
        /* Address: device in bits 32-47, function 16-31, offset 0-15; bus 0. */
        uint32_t dev = (uint32_t)(g->addr >> 32) & 0x1f, fn = (uint32_t)(g->addr >> 16) & 7;
        uint32_t off = (uint32_t)g->addr & 0xff;
        outl(0xCF8, 0x80000000u | dev << 11 | fn << 8 | (off & 0xfc));
        outb((uint16_t)(0xCFC + (off & 3)), (uint8_t)v);
    }
}

/* Some chipsets ignore SLP_EN until the firmware hands over to ACPI mode. */
static void enable_acpi_mode(const struct acpi_fadt_info *f)
{
    if ((gas_read(&f->pm1a_cnt) & PM1_SCI_EN) || f->smi_cmd == 0 || f->acpi_enable == 0)
        return;
    outb((uint16_t)f->smi_cmd, f->acpi_enable);
    for (int i = 0; i < 300 && !(gas_read(&f->pm1a_cnt) & PM1_SCI_EN); i++)
        io_delay_ms(1);
}

static void pm1_sleep(const struct acpi_gas *g, uint8_t slp_typ)
{
    if (g->addr == 0)
        return;
    uint32_t v = gas_read(g) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);
    gas_write(g, v | (uint32_t)slp_typ << PM1_SLP_TYP_SHIFT | PM1_SLP_EN);
}

_Noreturn void acpi_poweroff(void)
{
    const struct acpi_tables *t = acpi_tables_get();
    smp_halt_others();
    cpu_cli();
    if (!t->info.have_fadt || !t->have_s5 || t->fadt.pm1a_cnt.addr == 0) {
        kprintf("hv: acpi: poweroff not possible (%s), resetting instead\n",
                !t->info.have_fadt ? "no FADT" : !t->have_s5 ? "no \\_S5" : "no PM1 control");
        acpi_reset();
    }
    kprintf("hv: acpi: powering off\n");
    enable_acpi_mode(&t->fadt);
    pm1_sleep(&t->fadt.pm1a_cnt, t->slp_typa);
    pm1_sleep(&t->fadt.pm1b_cnt, t->slp_typb);
    io_delay_ms(500);
    kprintf("hv: acpi: poweroff failed (the machine is still running), resetting instead\n");
    acpi_reset();
}

#define PM1_PWRBTN (1u << 8)

static uint16_t pm1_sts_port, pm1_en_port;     /* 0: no power button */

void acpi_power_button_init(void)
{
    const struct acpi_tables *t = acpi_tables_get();
    if (!t->info.have_fadt || !t->fadt.pm1a_evt || t->fadt.pm1a_evt > 0xFFFF)
        return;
    pm1_sts_port = (uint16_t)t->fadt.pm1a_evt;
    pm1_en_port = (uint16_t)(t->fadt.pm1a_evt + t->fadt.pm1_evt_len / 2);
    outw(pm1_sts_port, PM1_PWRBTN);             /* a press from before boot does not count */
    outw(pm1_en_port, (uint16_t)(inw(pm1_en_port) | PM1_PWRBTN));
}

bool acpi_power_button_pressed(void)
{
    if (!pm1_sts_port || !(inw(pm1_sts_port) & PM1_PWRBTN))
        return false;
    outw(pm1_sts_port, PM1_PWRBTN);             /* write 1 to clear */
    return true;
}

_Noreturn void acpi_reset(void)
{
    const struct acpi_tables *t = acpi_tables_get();
    smp_halt_others();
    cpu_cli();
    kprintf("hv: acpi: resetting\n");
    if (t->info.have_fadt && t->fadt.reset_supported) {
        gas_write(&t->fadt.reset_reg, t->fadt.reset_value);
        io_delay_ms(100);
    }
    outb(0xCF9, 0x02);          /* PCI reset control: prepare, then hard reset */
    io_delay_ms(1);
    outb(0xCF9, 0x06);
    io_delay_ms(100);
    for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
        ;
    outb(0x64, 0xFE);           /* 8042: pulse the CPU reset line */
    io_delay_ms(100);
    kprintf("hv: acpi: reset failed, forcing a triple fault\n");
    static const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) no_idt = { 0, 0 };
    __asm__ volatile("lidt %0; int3" : : "m"(no_idt));
    cpu_halt_forever();
}
