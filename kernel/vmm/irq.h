/* Interrupt routing for a VM: device lines go to the VM's 8259 pair
 * (wired in vm_devices_init); the vCPU's local APIC has its own timer and
 * self-IPIs.  Before every entry the vCPU brings the timers up to date and
 * hands the APIC's request, else the PIC's (when the APIC passes it
 * through), to the backend, either injected at once or after an
 * interrupt-window exit.  See docs/vmm.md.  Owner: vmm.
 */
#ifndef HV_VMM_IRQ_H
#define HV_VMM_IRQ_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;

/* The PIT, the RTC and the APIC timer signal what is due by now. */
void vm_irq_update(struct vm *vm);

/* An interrupt is waiting for the vCPU: the APIC has a vector above its
 * priority, or the PIC's INTR is up and the APIC passes it through. */
bool vm_irq_pending(const struct vm *vm);

/* timer_now_ns() time of the next device interrupt, or VDEV_NO_DEADLINE. */
uint64_t vm_irq_deadline(struct vm *vm);

/* Just before entering the guest: updates the devices, then injects the
 * PIC's request if the guest can take it, or asks for an exit as soon as it
 * can.  Does nothing for a backend without irq_ready/irq_window. */
void vcpu_irq_prepare(struct vcpu *v);

#endif
