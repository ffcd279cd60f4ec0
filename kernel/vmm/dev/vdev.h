/* What every emulated device shares: how it raises an interrupt line and how
 * it reads the time.  Both are callbacks so the same model runs under the
 * VMM (wired to the virtual PIC and the host clock) and in host unit tests
 * (wired to a fake PIC and a fake clock).  See docs/vmm-devices.md.
 * Owner: vmm. */
#ifndef HV_VMM_DEV_VDEV_H
#define HV_VMM_DEV_VDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An interrupt line into an interrupt controller: set(ctx, irq, level) drives
 * ISA line irq high or low.  Devices call it only when the level changes,
 * except that a pulse (high then low) is how an edge is signalled.  set NULL:
 * the line goes nowhere. */
struct vdev_irq {
    void (*set)(void *ctx, unsigned irq, bool level);
    void *ctx;
    unsigned irq;
};

static inline void vdev_irq_set(const struct vdev_irq *l, bool level)
{
    if (l->set)
        l->set(l->ctx, l->irq, level);
}

/* A clock: nanoseconds, never going backwards.  Which epoch is up to the
 * device (the PIT wants any monotonic count, the RTC the Unix epoch). */
struct vdev_clock {
    uint64_t (*now_ns)(void *ctx);
    void *ctx;
};

static inline uint64_t vdev_now(const struct vdev_clock *c)
{
    return c->now_ns ? c->now_ns(c->ctx) : 0;
}

#define VDEV_NO_DEADLINE UINT64_MAX   /* "no timer event pending" */

#endif
