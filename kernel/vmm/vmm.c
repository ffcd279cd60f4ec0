/* The VMM's front: the list of VMs, the backend, start/stop by name, and the
 * CPUs that run vCPUs (see vmm.h for the scheduling rule). */
#include "vmm/vmm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeat.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/spinlock.h"
#include "arch/x86_64/trap.h"
#include "dev/timer.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "vmm/builtin.h"
#include "vmm/sched.h"
#include "vmm/vbios/vbios_vm.h"
#include "vmm/svm/svm.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vm.h"

#define BOOT_GPA 0x7C00u
#define STOP_WAIT_MS 1000

static const struct vcpu_ops *backend;      /* NULL: no VMs */
static const char *unavailable = "VMs run only in hypervisor mode (boot menu entry 1)";
static struct vm *vms;
static spinlock_t vms_lock = SPINLOCK_INIT;

const char *vmm_unavailable(void)
{
    return backend ? NULL : unavailable;
}

const char *vmm_strerror(int err)
{
    switch (err) {
    case -E_NOENT: return "no such VM";
    case -E_EXIST: return "a VM with that name exists";
    case -E_BUSY: return "it is running";
    case -E_NOMEM: return "out of memory";
    case -E_NOSPC: return "no CPU (or address-space id) left to run it: VMs run on the application processors, at most 16 each, at most 15 at once";
    case -E_INVAL: return "invalid argument or state";
    case -E_TIMEDOUT: return "the vCPU did not stop in time";
    case -E_NOSYS: return vmm_unavailable() ? vmm_unavailable() : "not supported";
    default: return "error";
    }
}

static struct vm *find(const char *name)
{
    for (struct vm *vm = vms; vm; vm = vm->next)
        if (strcmp(vm->name, name) == 0)
            return vm;
    return NULL;
}

int vm_create(const char *name, unsigned mem_mib, const void *image, size_t image_len)
{
    if (!name || !name[0] || strlen(name) >= VM_NAME_MAX || mem_mib == 0 || mem_mib > 4096)
        return -E_INVAL;
    uint64_t mem = ((uint64_t)mem_mib << 20);
    mem = (mem + VM_CHUNK - 1) & ~(VM_CHUNK - 1);
    if (image_len > mem - BOOT_GPA)
        return -E_INVAL;
    struct vm *vm = kzalloc(sizeof(*vm));
    if (!vm)
        return -E_NOMEM;
    strlcpy(vm->name, name, sizeof(vm->name));
    vm->mem_bytes = mem;
    vm->image = image;
    vm->image_len = image_len;
    vm->load_gpa = vm->entry_rip = BOOT_GPA;
    vm->console.lock = (spinlock_t)SPINLOCK_INIT;
    vm->vcpu.vm = vm;
    vm->vcpu.cpu = -1;

    uint64_t f = spin_lock_irqsave(&vms_lock);
    int rc = 0;
    if (find(name)) {
        rc = -E_EXIST;
    } else {
        struct vm **tail = &vms;        /* keep creation order for `vm list` */
        while (*tail)
            tail = &(*tail)->next;
        *tail = vm;
    }
    spin_unlock_irqrestore(&vms_lock, f);
    if (rc < 0)
        kfree(vm);
    return rc;
}

int vm_clone(const char *src, const char *dst)
{
    uint64_t f = spin_lock_irqsave(&vms_lock);
    struct vm *vm = find(src);
    uint64_t mem = vm ? vm->mem_bytes : 0;
    const void *image = vm ? vm->image : NULL;
    size_t len = vm ? vm->image_len : 0;
    spin_unlock_irqrestore(&vms_lock, f);
    if (!vm)
        return -E_NOENT;
    return vm_create(dst, (unsigned)(mem >> 20), image, len);   /* images are built-in: static */
}

int vm_destroy(const char *name)
{
    uint64_t f = spin_lock_irqsave(&vms_lock);
    int rc = -E_NOENT;
    for (struct vm **p = &vms; *p; p = &(*p)->next) {
        if (strcmp((*p)->name, name) == 0) {
            struct vm *vm = *p;
            if (vm->state != VM_STOPPED) {
                rc = -E_BUSY;
            } else {
                *p = vm->next;
                kfree(vm);
                rc = 0;
            }
            break;
        }
    }
    spin_unlock_irqrestore(&vms_lock, f);
    return rc;
}

/* Everything a running VM holds, returned (the order undoes vm_start's). */
static void teardown(struct vm *vm)
{
    if (vm->vcpu.arch)
        backend->destroy(&vm->vcpu);
    backend->vm_destroy(vm);
    vm_mem_free(vm);
}

/* On the AP, interrupts off, when the vCPU's VM has stopped. */
static void vcpu_finished(struct vcpu *v)
{
    struct vm *vm = v->vm;
    vm_console_flush(vm);
    teardown(vm);
    kprintf("vm %s: stopped (%s)\n", vm->name, vm->stop_reason);
    v->cpu = -1;
    __atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
}

int vm_start(const char *name)
{
    if (!backend)
        return -E_NOSYS;
    uint64_t f = spin_lock_irqsave(&vms_lock);
    struct vm *vm = find(name);
    int rc = 0;
    if (!vm)
        rc = -E_NOENT;
    else if (vm->state != VM_STOPPED)
        rc = -E_BUSY;
    else
        vm->state = VM_RUNNING;         /* ours now: nobody else starts or destroys it */
    spin_unlock_irqrestore(&vms_lock, f);
    if (rc < 0)
        return rc;

    struct vcpu *v = &vm->vcpu;
    vm->stop_reason[0] = 0;
    v->stop_request = false;
    v->ops = backend;
    memset(v->exits, 0, sizeof(v->exits));
    v->exits_total = 0;
    v->irqs_injected = 0;
    vm->console.line_len = 0;

    if (!sched_has_room()) {
        rc = -E_NOSPC;
        goto fail;
    }
    if ((rc = vm_mem_alloc(vm)) < 0 ||
        (rc = vm_write_guest(vm, vm->load_gpa, vm->image, vm->image_len)) < 0 ||
        (rc = vm_devices_init(vm)) < 0 ||
        (rc = backend->vm_init(vm)) < 0 ||
        (rc = backend->init(v)) < 0 ||
        (rc = vbios_attach(vm)) < 0) {
        teardown(vm);
        goto fail;
    }
    vm->starts++;
    kprintf("vm %s: started\n", vm->name);
    if ((rc = sched_add(v)) < 0) {
        teardown(vm);
        goto fail;
    }
    return 0;
fail:
    __atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
    return rc;
}

int vm_request_stop(const char *name)
{
    uint64_t f = spin_lock_irqsave(&vms_lock);
    struct vm *vm = find(name);
    int rc = !vm ? -E_NOENT : vm->state != VM_RUNNING ? -E_INVAL : 0;
    if (rc == 0) {
        vm->state = VM_STOPPING;
        vm->vcpu.stop_request = true;
    }
    spin_unlock_irqrestore(&vms_lock, f);
    return rc;
}

int vm_stop(const char *name)
{
    uint64_t f = spin_lock_irqsave(&vms_lock);
    struct vm *vm = find(name);
    int rc = !vm ? -E_NOENT : vm->state != VM_RUNNING ? -E_INVAL : 0;
    if (rc == 0) {
        vm->state = VM_STOPPING;
        vm->vcpu.stop_request = true;
    }
    spin_unlock_irqrestore(&vms_lock, f);
    if (rc < 0)
        return rc;
    /* The vCPU sees the request at its next exit: the host tick forces one. */
    uint64_t end = timer_now_ns() + STOP_WAIT_MS * 1000000ull;
    while (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_STOPPED) {
        if (timer_now_ns() >= end)
            return -E_TIMEDOUT;
        cpu_hlt();
    }
    return 0;
}

static const char *state_name(enum vm_state s)
{
    return s == VM_RUNNING ? "running" : s == VM_STOPPING ? "stopping" : "stopped";
}

static void fill_status(const struct vm *vm, struct vm_status *out)
{
    strlcpy(out->name, vm->name, sizeof(out->name));
    out->state = state_name(vm->state);
    out->mem_mib = (unsigned)(vm->mem_bytes >> 20);
    out->cpu = vm->state == VM_STOPPED ? -1 : vm->vcpu.cpu;
    out->starts = vm->starts;
    out->exits = vm->vcpu.exits_total;
    strlcpy(out->last_stop, vm->stop_reason, sizeof(out->last_stop));
}

int vm_status_at(unsigned i, struct vm_status *out)
{
    uint64_t f = spin_lock_irqsave(&vms_lock);
    struct vm *vm = vms;
    while (vm && i--)
        vm = vm->next;
    if (vm)
        fill_status(vm, out);
    spin_unlock_irqrestore(&vms_lock, f);
    return vm ? 0 : -E_NOENT;
}

int vm_status(const char *name, struct vm_status *out)
{
    uint64_t f = spin_lock_irqsave(&vms_lock);
    struct vm *vm = find(name);
    if (vm)
        fill_status(vm, out);
    spin_unlock_irqrestore(&vms_lock, f);
    return vm ? 0 : -E_NOENT;
}

void vm_list(void)
{
    if (!vms) {
        kprintf("no VMs defined\n");
        return;
    }
    kprintf("  %-16s %-9s %7s  %4s %-6s %10s  %s\n", "name", "state", "memory", "cpu", "vcpu",
            "exits", "last stop");
    uint64_t f = spin_lock_irqsave(&vms_lock);
    for (struct vm *vm = vms; vm; vm = vm->next) {
        static const char *const vcpu_states[] = { "ready", "on-cpu", "halted" };
        const char *vs = vm->state == VM_STOPPED ? "-" : vcpu_states[vm->vcpu.run_state % 3];
        kprintf("  %-16s %-9s %4lu MiB %4d %-6s %10lu  %s\n", vm->name, state_name(vm->state),
                vm->mem_bytes >> 20, vm->vcpu.cpu, vs, vm->vcpu.exits_total,
                vm->stop_reason[0] ? vm->stop_reason : "-");
    }
    spin_unlock_irqrestore(&vms_lock, f);
}

int vm_info(const char *name)
{
    struct vm *vm = find(name);
    if (!vm)
        return -E_NOENT;
    kprintf("vm %s: %s, %lu MiB, started %u times, cpu %d\n", vm->name, state_name(vm->state),
            vm->mem_bytes >> 20, vm->starts, vm->vcpu.cpu);
    if (vm->stop_reason[0])
        kprintf("  last stop: %s\n", vm->stop_reason);
    kprintf("  exits: %lu total, %lu interrupts injected\n", vm->vcpu.exits_total,
            vm->vcpu.irqs_injected);
    for (unsigned k = 0; k < VM_EXIT_KINDS; k++)
        if (vm->vcpu.exits[k])
            kprintf("    %-10s %lu\n", vm_exit_kind_name((enum vm_exit_kind)k), vm->vcpu.exits[k]);
    kprintf("  lapic: timer %lu interrupts, %lu coalesced\n", vm->lapic.timer_fired,
            vm->lapic.timer_missed);
    return 0;
}

long vm_console(const char *name, char *buf, size_t n)
{
    struct vm *vm = find(name);
    if (!vm)
        return -E_NOENT;
    return (long)vm_console_read(vm, buf, n);
}

static void define_builtin(const char *name, const uint8_t *start, const uint8_t *end)
{
    if (start == end) {
        kprintf("hv: vmm: warning: built-in VM %s not defined: its guest was not built "
                "(tests/guests/build.mk)\n", name);
        return;
    }
    int rc = vm_create(name, 2, start, (size_t)(end - start));
    if (rc < 0)
        kprintf("hv: vmm: warning: built-in VM %s not defined: %s\n", name, vmm_strerror(rc));
}

void vmm_init(void)
{
    const char *be = cpufeat_virt_backend();
    const struct vcpu_ops *ops = !be ? NULL : strcmp(be, "svm") == 0 ? &svm_vcpu_ops
                               : strcmp(be, "vmx") == 0 ? &vmx_vcpu_ops : NULL;
    if (!ops) {
        unavailable = "no hardware virtualization on this CPU";
        kprintf("hv: vmm: %s; VMs will be refused\n", unavailable);
        return;
    }
    int rc = ops->cpu_init();
    if (rc < 0) {
        unavailable = ops == &svm_vcpu_ops ? "SVM could not be enabled" : "VMX could not be enabled";
        kprintf("hv: vmm: %s (%s); VMs will be refused\n", unavailable, vmm_strerror(rc));
        return;
    }
    sched_init(vcpu_finished);
    backend = ops;
    kprintf("hv: vmm: backend %s\n", backend->name);
    const struct builtin_guest *g;
    for (unsigned i = 0; (g = builtin_guest_at(i)) != NULL; i++)
        define_builtin(g->name, g->start, g->end);
    vbios_define_vms();
}
