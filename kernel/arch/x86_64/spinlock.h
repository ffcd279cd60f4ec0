/* Spinlocks: a ticket lock, so CPUs get the lock in arrival order. The
 * _irqsave variants also keep the local CPU's interrupt handlers out. */
#ifndef HV_ARCH_SPINLOCK_H
#define HV_ARCH_SPINLOCK_H

#include <stdint.h>
#include "cpu.h"

typedef struct {
    volatile uint32_t next;   /* ticket handed to the next arrival */
    volatile uint32_t owner;  /* ticket now holding the lock */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
    uint32_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
        cpu_pause();
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline uint64_t spin_lock_irqsave(spinlock_t *l)
{
    uint64_t f = cpu_save_flags();
    cpu_cli();
    spin_lock(l);
    return f;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags)
{
    spin_unlock(l);
    cpu_restore_flags(flags);
}

#endif
