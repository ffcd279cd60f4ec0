/* The clocks timer.c calibrates against.  Internal to the timer. */
#ifndef HV_DEV_TIMER_HW_H
#define HV_DEV_TIMER_HW_H

#include <stdint.h>
#include <stdbool.h>

/* HPET: true when a usable one (sane period, 64-bit counter) was started. */
bool hpet_init(uint64_t pa);
uint64_t hpet_counter(void);
uint64_t hpet_period_fs(void);      /* femtoseconds per counter tick */

/* PIT channel 2 as a one-shot stopwatch (gate via port 0x61, no IRQ);
 * us at most 50000. */
void pit_oneshot_start(uint32_t us);
bool pit_oneshot_done(void);

#endif
