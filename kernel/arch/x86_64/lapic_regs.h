/* Local APIC register offsets and bits, shared by lapic.c, smp.c, timer.c. */
#ifndef HV_ARCH_LAPIC_REGS_H
#define HV_ARCH_LAPIC_REGS_H

#include <stdint.h>
#include <stdbool.h>

#define LAPIC_ID         0x020
#define LAPIC_TPR        0x080
#define LAPIC_EOI        0x0B0
#define LAPIC_SVR        0x0F0
#define LAPIC_ESR        0x280
#define LAPIC_ICR_LO     0x300
#define LAPIC_ICR_HI     0x310
#define LAPIC_LVT_TIMER  0x320
#define LAPIC_LVT_LINT0  0x350
#define LAPIC_LVT_LINT1  0x360
#define LAPIC_LVT_ERROR  0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3E0

#define LAPIC_SVR_ENABLE       (1u << 8)
#define LAPIC_LVT_MASKED       (1u << 16)
#define LAPIC_TIMER_PERIODIC   (1u << 17)
#define LAPIC_DIV_16           0x3
#define LAPIC_DM_FIXED         (0u << 8)
#define LAPIC_DM_NMI           (4u << 8)
#define LAPIC_DM_INIT          (5u << 8)
#define LAPIC_DM_STARTUP       (6u << 8)
#define LAPIC_ICR_PENDING      (1u << 12)
#define LAPIC_ICR_ASSERT       (1u << 14)
#define LAPIC_ICR_LEVEL        (1u << 15)
#define LAPIC_ICR_ALL_BUT_SELF (3u << 18)

uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);
/* Raw ICR write (INIT, SIPI): waits for the previous IPI to be sent. */
void lapic_send_icr(uint32_t apic_id, uint32_t icr_lo);
bool lapic_ready(void);          /* registers mapped (lapic_init ran on the BSP) */
bool lapic_x2apic_mode(void);    /* APIC ids above 254 reachable */

#endif
