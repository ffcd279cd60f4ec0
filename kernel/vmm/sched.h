/* Time-sharing the application processors between vCPUs.  Each vCPU is
 * pinned to one AP (the least loaded when it starts), so a backend never has
 * to move a vCPU's hardware state between CPUs; each AP round-robins its
 * vCPUs with a SCHED_QUANTUM_NS quantum (the host tick forces the exit that
 * ends it), and a vCPU halted in the guest is skipped until its device
 * deadline or a stop request.  The bootstrap CPU never runs guests, so the
 * shell stays responsive.  See docs/vmm.md.  Owner: vmm.
 *
 * Usage:
 *     sched_init(finished);          vmm_init: finished(v) runs on the AP, interrupts
 *                                    off, when v's VM has stopped (reason recorded)
 *     sched_add(v);                  vm_start: v runs from now on; v->cpu says where
 */
#ifndef HV_VMM_SCHED_H
#define HV_VMM_SCHED_H

#include "vmm/vcpu.h"

#define SCHED_QUANTUM_NS   (20ull * 1000 * 1000)
#define SCHED_MAX_PER_CPU  16

/* finished(v) runs on the AP with interrupts off when v's VM has left the
 * CPU (stopped or resetting); after(v) right after it with interrupts on,
 * where a reset may allocate and read disks to start the VM again. */
void sched_init(void (*finished)(struct vcpu *v), void (*after)(struct vcpu *v));

/* 0, or -E_NOSPC when there is no AP (or every AP has SCHED_MAX_PER_CPU). */
int sched_add(struct vcpu *v);

/* Whether sched_add would find an AP with room now. */
bool sched_has_room(void);

/* vCPUs assigned to host CPU cpu (for `vm list`), 0 for a bad index. */
unsigned sched_load(unsigned cpu);

#endif
