/* Devices -> vPIC -> vCPU (see irq.h).  The PIC is acknowledged only when
 * the interrupt is really injected, so its in-service bits follow what the
 * guest saw, as with a real INTA cycle. */
#include "vmm/irq.h"
#include "vmm/vm.h"

void vm_irq_update(struct vm *vm)
{
    vpit_update(&vm->pit);
    vcmos_update(&vm->cmos);
}

bool vm_irq_pending(const struct vm *vm)
{
    return vpic_pending(&vm->pic);
}

uint64_t vm_irq_deadline(struct vm *vm)
{
    uint64_t pit = vpit_next_deadline(&vm->pit), rtc = vcmos_next_deadline(&vm->cmos);
    return pit < rtc ? pit : rtc;
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
        ops->inject_irq(v, vpic_ack(&vm->pic));
        v->irqs_injected++;
    } else {
        ops->irq_window(v, true);
    }
}
