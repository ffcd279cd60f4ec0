/* VMs as the shell prints them and as the API reads them (vmm.h). */
#include "vmm/vmm.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "vmm/vmm_priv.h"

static void fill_status(const struct vm *vm, struct vm_status *out)
{
    strlcpy(out->name, vm->name, sizeof(out->name));
    out->state = vmm_state_name(vm->state);
    out->mem_mib = (unsigned)(vm->mem_bytes >> 20);
    out->cpu = vm->state == VM_STOPPED ? -1 : vm->vcpu.cpu;
    out->starts = vm->starts;
    out->exits = vm->vcpu.exits_total;
    strlcpy(out->last_stop, vm->stop_reason, sizeof(out->last_stop));
}

int vm_status_at(unsigned i, struct vm_status *out)
{
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_first();
    while (vm && i--)
        vm = vm->next;
    if (vm)
        fill_status(vm, out);
    vmm_unlock(f);
    return vm ? 0 : -E_NOENT;
}

int vm_status(const char *name, struct vm_status *out)
{
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);
    if (vm)
        fill_status(vm, out);
    vmm_unlock(f);
    return vm ? 0 : -E_NOENT;
}

int vm_exit_counts(const char *name, uint64_t *counts, unsigned n)
{
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);
    unsigned k = 0;
    if (vm)
        for (; k < n && k < VM_EXIT_KINDS; k++)
            counts[k] = vm->vcpu.exits_before[k] + vm->vcpu.exits[k];
    vmm_unlock(f);
    return vm ? (int)k : -E_NOENT;
}

int vm_cpu_time_ns(const char *name, uint64_t *ns)
{
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);
    if (vm)
        *ns = vm->vcpu.cpu_ns;
    vmm_unlock(f);
    return vm ? 0 : -E_NOENT;
}

int vm_get_def(const char *name, struct vmdef *out)
{
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);
    if (vm)
        *out = vm->def;
    vmm_unlock(f);
    return vm ? 0 : -E_NOENT;
}

/* "GUEST0.VHD" or "guest:hello": what the VM boots, for the list. */
static void boot_text(const struct vm *vm, char *buf, size_t n)
{
    if (vm->def.boot == VMDEF_BOOT_GUEST)
        ksnprintf(buf, n, "guest:%s", vm->def.guest);
    else
        ksnprintf(buf, n, "%s%s", vm->def.ndisks ? vm->def.disks[0].path : "-",
                  vm->def.ndisks && vm->def.disks[0].readonly ? ",ro" : "");
}

void vm_list(void)
{
    if (!vmm_first()) {
        kprintf("no VMs defined\n");
        return;
    }
    kprintf("  %-16s %-9s %7s  %4s %-6s %10s  %-4s %-14s %s\n", "name", "state", "memory", "cpu",
            "vcpu", "exits", "auto", "boot", "last stop");
    uint64_t f = vmm_lock();
    for (struct vm *vm = vmm_first(); vm; vm = vm->next) {
        static const char *const vcpu_states[] = { "ready", "on-cpu", "halted" };
        const char *vs = vm->state == VM_STOPPED ? "-" : vcpu_states[vm->vcpu.run_state % 3];
        char boot[24];
        boot_text(vm, boot, sizeof(boot));
        kprintf("  %-16s %-9s %4lu MiB %4d %-6s %10lu  %-4s %-14s %s\n", vm->name,
                vmm_state_name(vm->state), vm->mem_bytes >> 20, vm->vcpu.cpu, vs,
                vm->vcpu.exits_total, vm->def.autostart ? "yes" : "no", boot,
                vm->stop_reason[0] ? vm->stop_reason : "-");
    }
    vmm_unlock(f);
}

int vm_info(const char *name)
{
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);
    vmm_unlock(f);                       /* listed VMs are freed only when stopped and deleted */
    if (!vm)
        return -E_NOENT;
    kprintf("vm %s: %s, %lu MiB, started %u times, reset %u times, cpu %d\n", vm->name,
            vmm_state_name(vm->state), vm->mem_bytes >> 20, vm->starts, vm->resets, vm->vcpu.cpu);
    kprintf("  definition: %s, autostart %s\n",
            vm->persistent ? "VMS/ on the datastore" : "built in (not saved)",
            vm->def.autostart ? "yes" : "no");
    for (unsigned i = 0; i < vm->def.ndisks; i++)
        kprintf("  disk %u: %s%s\n", i, vm->def.disks[i].path,
                vm->def.disks[i].readonly ? " (read-only)" : "");
    if (vm->stop_reason[0])
        kprintf("  last stop: %s\n", vm->stop_reason);
    kprintf("  exits: %lu total, %lu interrupts injected\n", vm->vcpu.exits_total,
            vm->vcpu.irqs_injected);
    for (unsigned k = 0; k < VM_EXIT_KINDS; k++)
        if (vm->vcpu.exits[k])
            kprintf("    %-10s %lu\n", vm_exit_kind_name((enum vm_exit_kind)k), vm->vcpu.exits[k]);
    kprintf("  lapic: timer %lu interrupts, %lu coalesced\n", vm->lapic.timer_fired,
            vm->lapic.timer_missed);
    kprintf("  pit: %lu interrupts coalesced\n", vm->pit.missed);
    return 0;
}
