/* The emulated local APIC of one vCPU, xAPIC mode only: its 4 KiB of MMIO
 * registers at the base IA32_APIC_BASE names (0xFEE00000; relocation and
 * x2APIC are refused), interrupt request/in-service/trigger-mode bitmaps,
 * task priority and EOI, self-IPIs, and the LVT timer (one-shot and
 * periodic) on a clock callback, the same one the PIT uses.  The VMM
 * injects vlapic_pending() before the PIC's request (irq.c).
 * See docs/vmm.md.  Owner: vmm.
 *
 * Usage:
 *     vlapic_init(&l, apic_id, clock);  vlapic_attach(&l, &bus);
 *     rdmsr/wrmsr 0x1B: vlapic_msr_read / vlapic_msr_write
 *     before each entry: vlapic_update(&l); vec = vlapic_pending(&l);
 *     when vec was injected: vlapic_ack(&l, vec)
 */
#ifndef HV_VMM_DEV_LAPIC_H
#define HV_VMM_DEV_LAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "vmm/dev/vdev.h"
#include "vmm/iobus.h"

#define VLAPIC_BASE_DEFAULT 0xFEE00000ull
#define VLAPIC_BUS_HZ       100000000ull   /* the timer's input clock before the divider */
#define VLAPIC_MSR_BASE     0x1Bu

enum { VLAPIC_LVT_TIMER, VLAPIC_LVT_THERMAL, VLAPIC_LVT_PERF, VLAPIC_LVT_LINT0,
       VLAPIC_LVT_LINT1, VLAPIC_LVT_ERROR, VLAPIC_LVT_CMCI, VLAPIC_LVTS };

struct vlapic {
    uint32_t id;
    uint64_t base;            /* MMIO base (4 KiB aligned) */
    bool global_enable;       /* IA32_APIC_BASE bit 11 */
    bool bsp;
    uint32_t tpr, ldr, dfr, svr, esr, icr_lo, icr_hi;
    uint32_t lvt[VLAPIC_LVTS];
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t timer_init, timer_div;   /* initial count, divide configuration register */
    uint64_t timer_start;     /* clock ns when the count was (re)loaded */
    uint64_t timer_fire;      /* clock ns of the next expiry; valid when timer_armed */
    bool timer_armed;
    uint64_t timer_fired;     /* expiries delivered, for statistics and tests */
    uint64_t timer_missed;    /* periodic expiries coalesced because updates came late */
    struct vdev_clock clock;
};

/* Reset state: globally enabled at VLAPIC_BASE_DEFAULT, software disabled
 * (SVR 0xFF), every LVT masked.  id 0 is the bootstrap processor. */
void vlapic_init(struct vlapic *l, uint32_t id, struct vdev_clock clock);

/* Registers the MMIO page at l->base.  0 or the bus error. */
int vlapic_attach(struct vlapic *l, struct iobus *bus);

/* IA32_APIC_BASE.  write: 0, or -E_INVAL (the guest gets #GP) for reserved
 * bits, x2APIC enable or moving the base. */
uint64_t vlapic_msr_read(const struct vlapic *l);
int vlapic_msr_write(struct vlapic *l, uint64_t value);

/* Moves timer expiries that are due into the IRR. */
void vlapic_update(struct vlapic *l);

/* The vector the APIC would deliver now (highest IRR above the processor
 * priority), or -1. */
int vlapic_pending(const struct vlapic *l);

/* The CPU took vec: IRR -> ISR. */
void vlapic_ack(struct vlapic *l, uint8_t vec);

/* A fixed interrupt arrives (a self-IPI, a test): sets its IRR bit. */
void vlapic_accept(struct vlapic *l, uint8_t vec);

/* The 8259's INTR reaches the CPU: the APIC is software-disabled (PC
 * virtual-wire at reset) or LINT0 is unmasked in ExtINT mode. */
bool vlapic_accepts_pic(const struct vlapic *l);

/* Clock time of the next timer interrupt, or VDEV_NO_DEADLINE. */
uint64_t vlapic_next_deadline(const struct vlapic *l);

/* Register access by offset (exported for tests; the bus uses these). */
uint32_t vlapic_reg_read(struct vlapic *l, uint32_t off);
void vlapic_reg_write(struct vlapic *l, uint32_t off, uint32_t value);

#endif
