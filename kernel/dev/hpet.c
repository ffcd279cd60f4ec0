/* The HPET main counter, used as a clock only (no HPET interrupts). */
#include "dev/timer_hw.h"
#include "lib/kprintf.h"
#include "mm/vm.h"

#define HPET_CAP        0x000
#define HPET_CONFIG     0x010
#define HPET_COUNTER    0x0F0
#define HPET_CAP_64BIT  (1ull << 13)
#define HPET_CFG_ENABLE 1ull
#define HPET_MAX_PERIOD 100000000ull  /* fs, i.e. at least 10 MHz (spec) */

static volatile uint64_t *hpet;
static uint64_t period_fs;

bool hpet_init(uint64_t pa)
{
    if (pa == 0)
        return false;
    volatile uint64_t *regs = vm_map_mmio(pa, 1024);
    if (!regs) {
        kprintf("hv: timer: warning: cannot map the HPET at 0x%llx\n", (unsigned long long)pa);
        return false;
    }
    uint64_t cap = regs[HPET_CAP / 8];
    uint64_t period = cap >> 32;
    if (period == 0 || period > HPET_MAX_PERIOD) {
        kprintf("hv: timer: warning: HPET period %llu fs is invalid, not using it\n", (unsigned long long)period);
        return false;
    }
    /* A 32-bit counter wraps every few minutes; not worth a clock. */
    if (!(cap & HPET_CAP_64BIT)) {
        kprintf("hv: timer: warning: HPET counter is 32-bit, not using it\n");
        return false;
    }
    regs[HPET_CONFIG / 8] |= HPET_CFG_ENABLE;
    uint64_t a = regs[HPET_COUNTER / 8];
    for (int i = 0; i < 100000 && regs[HPET_COUNTER / 8] == a; i++)
        __asm__ volatile("pause");
    if (regs[HPET_COUNTER / 8] == a) {
        kprintf("hv: timer: warning: HPET counter does not run, not using it\n");
        return false;
    }
    period_fs = period;
    hpet = regs;
    return true;
}

uint64_t hpet_counter(void) { return hpet[HPET_COUNTER / 8]; }
uint64_t hpet_period_fs(void) { return period_fs; }
