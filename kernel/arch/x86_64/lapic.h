/* Local APIC and IOAPIC. Owner: platform. */
#ifndef HV_ARCH_LAPIC_H
#define HV_ARCH_LAPIC_H

#include <stdint.h>

void lapic_init(void);                   /* this CPU; masks the 8259s on the BSP */
uint32_t lapic_id(void);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_ipi_all_others(uint8_t vector);
void ioapic_init(void);
/* Route ISA IRQ irq (after overrides) to vector on the BSP, unmasked. */
void ioapic_route_isa(uint8_t irq, uint8_t vector);
/* The vector trap.h assigns to ISA IRQ irq: VEC_IRQ_BASE + its GSI. */
uint8_t ioapic_isa_vector(uint8_t irq);

#endif
