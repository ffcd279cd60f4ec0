/* Time: the LAPIC timer calibrated against the HPET (or the PIT), a periodic
 * tick on every CPU and a monotonic clock. Owner: platform. */
#ifndef HV_DEV_TIMER_H
#define HV_DEV_TIMER_H

#include <stdint.h>

#define TIMER_HZ 100

void timer_init(void);                /* BSP: calibrate, start the tick */
void timer_init_ap(void);             /* each AP: start its tick with the BSP's calibration */
uint64_t timer_now_ns(void);          /* monotonic since boot */
void timer_sleep_ms(uint64_t ms);     /* busy-waits with hlt between ticks */
const char *timer_source(void);       /* "hpet" or "pit": what calibrated the LAPIC */
void timer_delay_us(uint64_t us);     /* busy-waits, interrupts may be off (SMP startup) */
/* fn runs on the bootstrap CPU at every tick, in the interrupt handler
 * (interrupts off): it must be short and take only _irqsave locks. One
 * hook; NULL removes it. Used by the network stack (kernel/net/net.c). */
void timer_set_bsp_hook(void (*fn)(void));

#endif
