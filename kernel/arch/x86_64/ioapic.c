/* The IOAPIC that serves the ISA IRQs (the one whose GSIs start at 0).
 * Every pin starts masked; drivers unmask theirs with ioapic_route_isa. */
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/spinlock.h"
#include "arch/x86_64/trap.h"
#include "dev/acpi.h"
#include "lib/kprintf.h"
#include "mm/vm.h"

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN    0x10
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REDIR(n) (0x10 + 2 * (n))

#define RTE_MASKED     (1u << 16)
#define RTE_LEVEL      (1u << 15)
#define RTE_ACTIVE_LOW (1u << 13)

/* MPS INTI flags in the MADT overrides. */
#define INTI_POLARITY(f) ((f) & 3)         /* 0 bus default, 1 high, 3 low */
#define INTI_TRIGGER(f)  (((f) >> 2) & 3)  /* 0 bus default, 1 edge, 3 level */

static volatile uint32_t *ioapic;   /* NULL: no IOAPIC, nothing can be routed */
static unsigned ioapic_pins;
static uint32_t gsi_base;
static spinlock_t ioapic_lock = SPINLOCK_INIT;  /* REGSEL/WIN pairs */

static uint32_t ioapic_read(uint32_t reg)
{
    ioapic[IOAPIC_REGSEL / 4] = reg;
    return ioapic[IOAPIC_WIN / 4];
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    ioapic[IOAPIC_REGSEL / 4] = reg;
    ioapic[IOAPIC_WIN / 4] = v;
}

void ioapic_init(void)
{
    const struct acpi_info *a = acpi_get();
    uint64_t pa = a->ioapic_addr ? a->ioapic_addr : 0xFEC00000ull;
    if (!a->ioapic_addr)
        kprintf("hv: ioapic: warning: none in the MADT, trying the usual 0x%llx\n", (unsigned long long)pa);
    ioapic = vm_map_mmio(pa, 4096);
    if (!ioapic) {
        kprintf("hv: ioapic: warning: cannot map 0x%llx, no device interrupts\n", (unsigned long long)pa);
        return;
    }
    uint32_t ver = ioapic_read(IOAPIC_REG_VER);
    if (ver == 0xFFFFFFFFu) {
        kprintf("hv: ioapic: warning: nothing answers at 0x%llx, no device interrupts\n", (unsigned long long)pa);
        ioapic = NULL;
        return;
    }
    ioapic_pins = ((ver >> 16) & 0xFF) + 1;
    gsi_base = a->ioapic_gsi_base;
    for (unsigned i = 0; i < ioapic_pins; i++) {
        ioapic_write(IOAPIC_REDIR(i) + 1, 0);
        ioapic_write(IOAPIC_REDIR(i), RTE_MASKED | (VEC_IRQ_BASE + gsi_base + i));
    }
}

uint8_t ioapic_isa_vector(uint8_t irq)
{
    return (uint8_t)(VEC_IRQ_BASE + acpi_get()->isa_irq_to_gsi[irq & 15]);
}

void ioapic_route_isa(uint8_t irq, uint8_t vector)
{
    if (!ioapic || irq >= 16) {
        kprintf("hv: ioapic: warning: cannot route irq %u\n", irq);
        return;
    }
    const struct acpi_info *a = acpi_get();
    uint32_t gsi = a->isa_irq_to_gsi[irq];
    uint16_t flags = a->isa_irq_flags[irq];
    if (gsi < gsi_base || gsi - gsi_base >= ioapic_pins) {
        kprintf("hv: ioapic: warning: irq %u is gsi %u, not on this IOAPIC\n", irq, gsi);
        return;
    }
    uint32_t lo = vector;       /* fixed delivery, physical destination */
    if (INTI_POLARITY(flags) == 3)
        lo |= RTE_ACTIVE_LOW;   /* ISA default is active high */
    if (INTI_TRIGGER(flags) == 3)
        lo |= RTE_LEVEL;        /* ISA default is edge */
    uint64_t f = spin_lock_irqsave(&ioapic_lock);
    unsigned pin = gsi - gsi_base;
    ioapic_write(IOAPIC_REDIR(pin) + 1, lapic_id() << 24);
    ioapic_write(IOAPIC_REDIR(pin), lo);
    spin_unlock_irqrestore(&ioapic_lock, f);
}
