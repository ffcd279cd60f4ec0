/* Devices -> vPIC -> vCPU, and the vCPU's local APIC (see irq.h).  The PIC
 * (or the APIC) is acknowledged only when the interrupt is really injected,
 * so its in-service bits follow what the guest saw, as with a real INTA
 * cycle.  The APIC's own requests (timer, self-IPIs) go first; the PIC's
 * INTR reaches the CPU only while the APIC passes it through (software
 * disabled, or LINT0 in ExtINT mode), as on a PC. */
#include "vmm/irq.h"
#include "vmm/vm.h"

void vm_irq_update(struct vm *vm)
{
    vpit_update(&vm->pit);
    vcmos_update(&vm->cmos);
    vlapic_update(&vm->lapic);
}

bool vm_irq_pending(const struct vm *vm)
{
    return vlapic_pending(&vm->lapic) >= 0 ||
           (vpic_pending(&vm->pic) && vlapic_accepts_pic(&vm->lapic));
}

uint64_t vm_irq_deadline(struct vm *vm)
{
    uint64_t pit = vpit_next_deadline(&vm->pit), rtc = vcmos_next_deadline(&vm->cmos);
    uint64_t apic = vlapic_next_deadline(&vm->lapic);
    uint64_t t = pit < rtc ? pit : rtc;
    return apic < t ? apic : t;
}

void vcpu_irq_prepare(struct vcpu *v)
{
    const struct vcpu_ops *ops = v->ops;
    if (!ops->irq_ready || !ops->irq_window)
        return;
    struct vm *vm = v->vm;
    vm_irq_update(vm);
    if (!vm_irq_pending(vm)) {
        ops->irq_window(v, false);
        return;
    }
    if (ops->irq_ready(v)) {
        ops->irq_window(v, false);
        int vec = vlapic_pending(&vm->lapic);
        if (vec >= 0) {
            vlapic_ack(&vm->lapic, (uint8_t)vec);
            ops->inject_irq(v, (uint8_t)vec);
        } else {
            ops->inject_irq(v, vpic_ack(&vm->pic));
        }
        v->irqs_injected++;
    } else {
        ops->irq_window(v, true);
    }
}
