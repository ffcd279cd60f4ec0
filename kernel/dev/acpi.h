/* ACPI tables: RSDP/XSDT(RSDT)/MADT/FADT/HPET. Owner: platform. */
#ifndef HV_DEV_ACPI_H
#define HV_DEV_ACPI_H

#include <stdint.h>
#include <stdbool.h>

struct acpi_info {
    uint64_t lapic_addr;                 /* from the MADT (or its override) */
    uint32_t cpu_apic_ids[64];           /* enabled processors, in MADT order */
    unsigned cpu_count;
    uint64_t ioapic_addr;                /* first IOAPIC */
    uint32_t ioapic_gsi_base;
    uint8_t  isa_irq_to_gsi[16];         /* interrupt source overrides applied */
    uint16_t isa_irq_flags[16];          /* MPS INTI flags per ISA IRQ */
    uint64_t hpet_addr;                  /* 0 when there is no HPET table */
    bool     have_fadt;
};

/* Parse the tables reachable from the RSDP (physical address, 0 = search). */
int acpi_init(uint64_t rsdp_phys);
const struct acpi_info *acpi_get(void);
_Noreturn void acpi_poweroff(void);      /* \_S5 via PM1 control; falls back to reset */
/* The power button (PM1 PWRBTN): acpi_power_button_init enables its
 * status bit; acpi_power_button_pressed says (once per press) whether it
 * was pressed.  Polled, so no SCI routing is needed.  False without a PM1
 * event block. */
void acpi_power_button_init(void);
bool acpi_power_button_pressed(void);
_Noreturn void acpi_reset(void);         /* FADT reset register, then 0xCF9, then KBC */
void acpi_print_tables(void);            /* the tables found, for the shell */

#endif
