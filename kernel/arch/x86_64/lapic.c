/* The local APIC of each CPU, in xAPIC (MMIO) mode, or x2APIC (MSRs) when
 * the firmware already switched it, and the legacy 8259s, which hv keeps
 * masked. */
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/lapic_regs.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "dev/acpi.h"
#include "lib/kprintf.h"
#include "mm/vm.h"

#define MSR_APIC_BASE        0x1B
#define APIC_BASE_BSP        (1ull << 8)
#define APIC_BASE_X2APIC     (1ull << 10)
#define APIC_BASE_ENABLE     (1ull << 11)
#define MSR_X2APIC_FIRST     0x800

static volatile uint32_t *lapic_mmio;   /* set once by the BSP, read by all */
static bool x2apic_mode;

uint32_t lapic_read(uint32_t reg)
{
    if (x2apic_mode)
        return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
    return lapic_mmio[reg / 4];
}

void lapic_write(uint32_t reg, uint32_t v)
{
    if (x2apic_mode)
        wrmsr(MSR_X2APIC_FIRST + (reg >> 4), v);
    else
        lapic_mmio[reg / 4] = v;
}

uint32_t lapic_id(void)
{
    if (x2apic_mode)
        return lapic_read(LAPIC_ID);
    if (lapic_mmio)
        return lapic_read(LAPIC_ID) >> 24;
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    return b >> 24;
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

/* Remapped first so that an IRQ slipping through (the 8259's spurious IRQ 7
 * and 15 ignore the mask) lands on 0x20-0x2F and not on an exception vector. */
static void pic_remap_and_mask(void)
{
    outb(0x20, 0x11); outb(0xA0, 0x11);    /* ICW1: init, ICW4 follows */
    outb(0x21, 0x20); outb(0xA1, 0x28);    /* ICW2: vector bases */
    outb(0x21, 0x04); outb(0xA1, 0x02);    /* ICW3: slave on IRQ 2 */
    outb(0x21, 0x01); outb(0xA1, 0x01);    /* ICW4: 8086 mode */
    outb(0x21, 0xFF); outb(0xA1, 0xFF);
}

static void ignore_irq(struct trap_frame *tf) { (void)tf; }

static void map_registers(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (base & APIC_BASE_X2APIC) {
        x2apic_mode = true;     /* the firmware chose it; MMIO is gone */
        return;
    }
    uint64_t pa = acpi_get()->lapic_addr;
    if (pa == 0)
        pa = base & 0xFFFFFF000ull;
    if (pa != (base & 0xFFFFFF000ull))
        kprintf("hv: lapic: warning: MADT says 0x%llx, APIC_BASE 0x%llx; using the MSR\n",
                (unsigned long long)pa, (unsigned long long)(base & 0xFFFFFF000ull));
    lapic_mmio = vm_map_mmio(base & 0xFFFFFF000ull, 4096);
    if (!lapic_mmio)
        panic("lapic: cannot map the local APIC registers");
}

void lapic_init(void)
{
    bool bsp = rdmsr(MSR_APIC_BASE) & APIC_BASE_BSP;
    if (bsp && !lapic_mmio && !x2apic_mode) {
        pic_remap_and_mask();
        for (int v = 0x20; v < 0x30; v++)
            trap_set_handler((uint8_t)v, ignore_irq);
        trap_set_handler(VEC_SPURIOUS, ignore_irq);   /* spurious: no EOI */
        map_registers();
    }
    uint64_t base = rdmsr(MSR_APIC_BASE);
    uint64_t want = base | APIC_BASE_ENABLE | (x2apic_mode ? APIC_BASE_X2APIC : 0);
    if (want != base) {
        /* x2APIC can only be entered from xAPIC-enabled (an AP after INIT is not). */
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
        wrmsr(MSR_APIC_BASE, want);
    }

    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
    /* LINT1 carries NMI on PCs; only the BSP takes it. */
    lapic_write(LAPIC_LVT_LINT1, bsp ? LAPIC_DM_NMI : LAPIC_LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
    lapic_eoi();
}

static void wait_icr_idle(void)
{
    if (x2apic_mode)
        return;                 /* x2APIC has no delivery status */
    for (int i = 0; i < 1000000 && (lapic_read(LAPIC_ICR_LO) & LAPIC_ICR_PENDING); i++)
        cpu_pause();
}

void lapic_send_icr(uint32_t apic_id, uint32_t icr_lo)
{
    uint64_t f = cpu_save_flags();
    cpu_cli();                  /* the two ICR writes must not be interleaved */
    wait_icr_idle();
    if (x2apic_mode) {
        wrmsr(MSR_X2APIC_FIRST + (LAPIC_ICR_LO >> 4), (uint64_t)apic_id << 32 | icr_lo);
    } else {
        lapic_write(LAPIC_ICR_HI, apic_id << 24);
        lapic_write(LAPIC_ICR_LO, icr_lo);
        wait_icr_idle();
    }
    cpu_restore_flags(f);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
    lapic_send_icr(apic_id, LAPIC_DM_FIXED | LAPIC_ICR_ASSERT | vector);
}

void lapic_send_ipi_all_others(uint8_t vector)
{
    lapic_send_icr(0, LAPIC_ICR_ALL_BUT_SELF | LAPIC_DM_FIXED | LAPIC_ICR_ASSERT | vector);
}

bool lapic_ready(void)
{
    return lapic_mmio || x2apic_mode;
}

bool lapic_x2apic_mode(void)
{
    return x2apic_mode;
}
