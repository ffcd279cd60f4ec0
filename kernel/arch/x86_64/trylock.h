/* A lock a waiter may give up on: 0 when free, else the holder's CPU index
 * + 1, so a caller can tell "held by the code I interrupted" (waiting would
 * never end) from "held by another CPU" (it will be released).  A
 * compare-and-swap lock, not a ticket lock, because a waiter must be able
 * to leave.  For the volumes (datastore, boot partition), whose callers
 * include timer-tick paths. */
#ifndef HV_ARCH_TRYLOCK_H
#define HV_ARCH_TRYLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"

#define TRYLOCK_RFLAGS_IF (1u << 9)

/* true when taken.  With interrupts on it waits for a holder on another
 * CPU; with interrupts off, or when this CPU holds it, it fails at once. */
static inline bool trylock_take(volatile uint32_t *holder)
{
    uint32_t me = this_cpu()->index + 1;
    bool may_wait = cpu_save_flags() & TRYLOCK_RFLAGS_IF;
    for (;;) {
        uint32_t seen = 0;
        if (__atomic_compare_exchange_n(holder, &seen, me, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return true;
        if (!may_wait || seen == me)
            return false;
        cpu_pause();
    }
}

static inline void trylock_give(volatile uint32_t *holder)
{
    __atomic_store_n(holder, 0, __ATOMIC_RELEASE);
}

#endif
