/* The VMM's front: the list of VMs, the backend, and the life cycle by name
 * (see vmm.h for the scheduling rule).  Definitions on the datastore are in
 * vmm_defs.c, state-change events in vmm_events.c, the shell's views in
 * vmm_show.c. */
#include "vmm/vmm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeat.h"
#include "arch/x86_64/spinlock.h"
#include "dev/timer.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "vmm/builtin.h"
#include "vmm/sched.h"
#include "vmm/vbios/vbios_vm.h"
#include "vmm/vm_disks.h"
#include "vmm/svm/svm.h"
#include "vmm/vmm_priv.h"
#include "vmm/vmx/vmx.h"

#define BOOT_GPA 0x7C00u
#define STOP_WAIT_MS 1000

static const struct vcpu_ops *backend;      /* NULL: no VMs */
static const char *unavailable = "VMs run only in hypervisor mode (boot menu entry 1)";
static struct vm *vms;
static spinlock_t vms_lock = SPINLOCK_INIT;

uint64_t vmm_lock(void)
{
    return spin_lock_irqsave(&vms_lock);
}

void vmm_unlock(uint64_t flags)
{
    spin_unlock_irqrestore(&vms_lock, flags);
}

struct vm *vmm_find(const char *name)
{
    for (struct vm *vm = vms; vm; vm = vm->next)
        if (strcmp(vm->name, name) == 0)
            return vm;
    return NULL;
}

struct vm *vmm_first(void)
{
    return vms;
}

const char *vmm_unavailable(void)
{
    return backend ? NULL : unavailable;
}

const char *vmm_strerror(int err)
{
    switch (err) {
    case -E_NOENT: return "no such VM";
    case -E_EXIST: return "a VM with that name exists";
    case -E_BUSY: return "it is running (stop it first)";
    case -E_NOMEM: return "out of memory";
    case -E_NOSPC: return "no CPU (or address-space id) left to run it: VMs run on the application processors, at most 16 each, at most 15 at once";
    case -E_INVAL: return "invalid argument or state";
    case -E_TIMEDOUT: return "the vCPU did not stop in time";
    case -E_IO: return "the datastore could not be written";
    case -E_NOSYS: return vmm_unavailable() ? vmm_unavailable() : "not supported";
    default: return "error";
    }
}

const char *vmm_state_name(enum vm_state s)
{
    switch (s) {
    case VM_RUNNING: return "running";
    case VM_STOPPING: return "stopping";
    case VM_PAUSED: return "paused";
    default: return "stopped";
    }
}

int vmm_add(const struct vmdef *d, bool persistent, const uint8_t *image, size_t image_len)
{
    uint64_t mem = (uint64_t)d->mem_mib << 20;
    mem = (mem + VM_CHUNK - 1) & ~(VM_CHUNK - 1);
    if (image_len > mem - BOOT_GPA)
        return -E_INVAL;
    struct vm *vm = kzalloc(sizeof(*vm));
    if (!vm)
        return -E_NOMEM;
    strlcpy(vm->name, d->name, sizeof(vm->name));
    vm->def = *d;
    vm->persistent = persistent;
    vm->mem_bytes = mem;
    vm->image = image;
    vm->image_len = image_len;
    vm->load_gpa = vm->entry_rip = BOOT_GPA;
    vm->console.lock = (spinlock_t)SPINLOCK_INIT;
    vm->vcpu.vm = vm;
    vm->vcpu.cpu = -1;

    uint64_t f = vmm_lock();
    int rc = 0;
    if (vmm_find(d->name)) {
        rc = -E_EXIST;
    } else {
        struct vm **tail = &vms;        /* keep creation order for `vm list` */
        while (*tail)
            tail = &(*tail)->next;
        *tail = vm;
    }
    vmm_unlock(f);
    if (rc < 0)
        kfree(vm);
    else
        vmm_event(d->name, "defined", "");
    return rc;
}

int vmm_remove(const char *name)
{
    uint64_t f = vmm_lock();
    int rc = -E_NOENT;
    struct vm *gone = NULL;
    for (struct vm **p = &vms; *p; p = &(*p)->next) {
        if (strcmp((*p)->name, name) == 0) {
            if ((*p)->state != VM_STOPPED) {
                rc = -E_BUSY;
            } else {
                gone = *p;
                *p = gone->next;
                rc = 0;
            }
            break;
        }
    }
    vmm_unlock(f);
    if (gone) {
        vmm_event(name, "deleted", "");
        kfree(gone);
    }
    return rc;
}

int vm_create(const char *name, unsigned mem_mib, const void *image, size_t image_len)
{
    if (!name || !vmdef_name_ok(name) || mem_mib == 0 || mem_mib > 4096)
        return -E_INVAL;
    struct vmdef d;
    vmdef_init(&d, name);
    d.mem_mib = mem_mib;
    d.boot = VMDEF_BOOT_GUEST;
    strlcpy(d.guest, name, sizeof(d.guest));
    return vmm_add(&d, false, image, image_len);
}

int vm_clone(const char *src, const char *dst)
{
    if (!dst || !vmdef_name_ok(dst))
        return -E_INVAL;
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(src);
    struct vmdef d;
    const uint8_t *image = vm ? vm->image : NULL;
    size_t len = vm ? vm->image_len : 0;
    if (vm)
        d = vm->def;
    vmm_unlock(f);
    if (!vm)
        return -E_NOENT;
    strlcpy(d.name, dst, sizeof(d.name));
    d.autostart = false;
    return vmm_add(&d, false, image, len);       /* a clone lives until hv restarts */
}

int vm_destroy(const char *name)
{
    return vmm_remove(name);
}

/* Everything a running VM holds, returned (the order undoes boot's). */
static void teardown(struct vm *vm)
{
    if (vm->vcpu.arch)
        backend->destroy(&vm->vcpu);
    if (vm->arch)
        backend->vm_destroy(vm);
    vbios_detach(vm);
    vm_detach_disks(vm);
    vm_mem_free(vm);
}

/* The image a guest-booted VM runs: built-in guests by name. */
static int resolve_image(struct vm *vm)
{
    if (vm->def.boot != VMDEF_BOOT_GUEST || vm->image)
        return 0;
    const struct builtin_guest *g = builtin_guest_find(vm->def.guest);
    if (!g || g->start == g->end) {
        kprintf("vm %s: no built-in guest \"%s\"\n", vm->name, vm->def.guest);
        return -E_INVAL;
    }
    if ((size_t)(g->end - g->start) > vm->mem_bytes - BOOT_GPA)
        return -E_INVAL;
    vm->image = g->start;
    vm->image_len = (size_t)(g->end - g->start);
    return 0;
}

/* Memory, devices, backend state, BIOS, and onto a CPU.  The VM's state is
 * already RUNNING (ours).  On failure everything is returned. */
static int boot(struct vm *vm)
{
    struct vcpu *v = &vm->vcpu;
    int rc;
    vm->stop_reason[0] = 0;
    v->stop_request = false;
    vm->reset_request = false;
    vm->shutdown_deadline_ns = 0;
    v->ops = backend;
    for (unsigned k = 0; k < VM_EXIT_KINDS; k++)
        v->exits_before[k] += v->exits[k];
    memset(v->exits, 0, sizeof(v->exits));
    v->exits_total = 0;
    v->irqs_injected = 0;
    memset(&v->regs, 0, sizeof(v->regs));
    vm->console.line_len = 0;
    if (!vm->warm_start) {               /* typed ahead for an earlier run: not this one's */
        uint64_t f = spin_lock_irqsave(&vm->console.lock);
        vm->console.in_head = vm->console.in_tail;
        vm->console.keys_head = vm->console.keys_tail;
        spin_unlock_irqrestore(&vm->console.lock, f);
    }

    if (!sched_has_room())
        return -E_NOSPC;
    if ((rc = resolve_image(vm)) < 0)
        return rc;
    if ((rc = vm_mem_alloc(vm)) < 0 ||
        (rc = vm_write_guest(vm, vm->load_gpa, vm->image, vm->image_len)) < 0 ||
        (rc = vm_devices_init(vm)) < 0 ||
        (rc = backend->vm_init(vm)) < 0 ||
        (rc = backend->init(v)) < 0 ||
        (rc = vbios_attach(vm)) < 0) {
        teardown(vm);
        return rc;
    }
    if ((rc = sched_add(v)) < 0) {
        teardown(vm);
        return rc;
    }
    return 0;
}

/* On the AP, interrupts off, when the vCPU's VM has left the CPU. */
static void vcpu_finished(struct vcpu *v)
{
    struct vm *vm = v->vm;
    vm_console_flush(vm);
    teardown(vm);
    v->cpu = -1;
    if (vm->reset_request && !v->stop_request) {
        kprintf("vm %s: reset (%s)\n", vm->name, vm->stop_reason);
        return;                          /* vcpu_after starts it again */
    }
    vm->pause_request = false;
    vm->reset_request = false;
    kprintf("vm %s: stopped (%s)\n", vm->name, vm->stop_reason);
    vmm_event(vm->name, "stopped", vm->stop_reason);
    __atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
}

/* On the AP, interrupts on: a reset's second half. */
static void vcpu_after(struct vcpu *v)
{
    struct vm *vm = v->vm;
    if (vm->state == VM_STOPPED || !vm->reset_request)
        return;
    if (v->stop_request) {               /* stopped between the two halves of the reset */
        vm->reset_request = false;
        strlcpy(vm->stop_reason, "stopped by request", sizeof(vm->stop_reason));
        kprintf("vm %s: stopped (%s)\n", vm->name, vm->stop_reason);
        vmm_event(vm->name, "stopped", vm->stop_reason);
        __atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
        return;
    }
    vm->resets++;
    vm->warm_start = true;
    vm->pause_request = false;
    int rc = boot(vm);
    vm->warm_start = false;
    if (rc < 0) {
        vm_set_stop_reason(vm, "could not restart after the reset: %s", vmm_strerror(rc));
        kprintf("vm %s: stopped (%s)\n", vm->name, vm->stop_reason);
        vmm_event(vm->name, "stopped", vm->stop_reason);
        vm->reset_request = false;
        __atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
        return;
    }
    vmm_event(vm->name, "reset", "");
}

int vm_start(const char *name)
{
    if (!backend)
        return -E_NOSYS;
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);
    int rc = 0;
    if (!vm)
        rc = -E_NOENT;
    else if (vm->state != VM_STOPPED)
        rc = -E_BUSY;
    else
        vm->state = VM_RUNNING;         /* ours now: nobody else starts or deletes it */
    vmm_unlock(f);
    if (rc < 0)
        return rc;
    vm->pause_request = false;
    vm->warm_start = false;
    if ((rc = boot(vm)) < 0) {
        __atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
        return rc;
    }
    vm->starts++;
    kprintf("vm %s: started\n", vm->name);
    vmm_event(vm->name, "started", "");
    return 0;
}

/* Runs fn on the named VM under the list lock when its state is one of
 * `states` (a bit per enum vm_state); -E_NOENT, or -E_INVAL otherwise. */
static int with_vm(const char *name, unsigned states, void (*fn)(struct vm *vm, void *arg), void *arg)
{
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);
    int rc = !vm ? -E_NOENT : !(states & (1u << vm->state)) ? -E_INVAL : 0;
    if (rc == 0)
        fn(vm, arg);
    vmm_unlock(f);
    return rc;
}

#define LIVE ((1u << VM_RUNNING) | (1u << VM_PAUSED))

static void do_stop(struct vm *vm, void *arg)
{
    (void)arg;
    vm->state = VM_STOPPING;
    vm->vcpu.stop_request = true;
    vm->vcpu.wake_ns = 0;
}

int vm_request_stop(const char *name)
{
    int rc = with_vm(name, LIVE, do_stop, NULL);
    if (rc == 0)
        vmm_event(name, "stopping", "");
    return rc;
}

int vm_stop(const char *name)
{
    int rc = vm_request_stop(name);
    if (rc < 0)
        return rc;
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);          /* stays listed: only STOPPED VMs are removed */
    vmm_unlock(f);
    /* The vCPU sees the request at its next exit: the host tick forces one. */
    uint64_t end = timer_now_ns() + STOP_WAIT_MS * 1000000ull;
    while (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_STOPPED) {
        if (timer_now_ns() >= end)
            return -E_TIMEDOUT;
        cpu_hlt();
    }
    return 0;
}

static void do_pause(struct vm *vm, void *arg)
{
    (void)arg;
    vm->pause_request = true;
    vm->state = VM_PAUSED;
}

static void do_resume(struct vm *vm, void *arg)
{
    (void)arg;
    vm->pause_request = false;
    vm->state = VM_RUNNING;
    vm->vcpu.wake_ns = 0;                    /* let the scheduler look at it now */
}

static void do_reset(struct vm *vm, void *arg)
{
    (void)arg;
    vm->reset_request = true;
    vm->pause_request = false;
    vm->state = VM_RUNNING;
    vm->vcpu.wake_ns = 0;
}

int vm_pause(const char *name)
{
    int rc = with_vm(name, 1u << VM_RUNNING, do_pause, NULL);
    if (rc == 0) {
        kprintf("vm %s: paused\n", name);
        vmm_event(name, "paused", "");
    }
    return rc;
}

int vm_resume(const char *name)
{
    int rc = with_vm(name, 1u << VM_PAUSED, do_resume, NULL);
    if (rc == 0) {
        kprintf("vm %s: resumed\n", name);
        vmm_event(name, "resumed", "");
    }
    return rc;
}

int vm_reset(const char *name)
{
    return with_vm(name, LIVE, do_reset, NULL);
}

static void do_shutdown(struct vm *vm, void *arg)
{
    unsigned grace_ms = *(unsigned *)arg;
    vm->pause_request = false;
    vm->state = VM_RUNNING;
    if (!vm->shutdown_deadline_ns)
        vm->shutdown_deadline_ns = timer_now_ns() + (uint64_t)grace_ms * 1000000ull;
    vbios_power_button(vm);
    vm->vcpu.wake_ns = 0;
}

int vm_shutdown(const char *name, unsigned grace_ms)
{
    if (grace_ms == 0)
        grace_ms = VMM_SHUTDOWN_GRACE_MS;
    int rc = with_vm(name, LIVE, do_shutdown, &grace_ms);
    if (rc == 0) {
        kprintf("vm %s: power button pressed (stopped hard in %u s unless it powers off)\n", name,
                grace_ms / 1000);
        vmm_event(name, "shutting-down", "");
    }
    return rc;
}

static void do_input(struct vm *vm, void *arg)
{
    struct { const char *b; size_t n, done; } *in = arg;
    in->done = vm_console_queue_input(vm, in->b, in->n);
    vm->vcpu.wake_ns = 0;                    /* a halted guest waits for this byte */
}

static void do_keys(struct vm *vm, void *arg)
{
    struct { const char *b; size_t n, done; } *in = arg;
    in->done = vm_console_queue_keys(vm, in->b, in->n);
    vm->vcpu.wake_ns = 0;
}

long vm_console_keys(const char *name, const void *bytes, size_t n)
{
    struct { const char *b; size_t n, done; } in = { bytes, n, 0 };
    int rc = with_vm(name, LIVE, do_keys, &in);
    if (rc < 0)
        return rc;
    return n && !in.done ? -E_NOSPC : (long)in.done;
}

long vm_console_write(const char *name, const void *bytes, size_t n)
{
    struct { const char *b; size_t n, done; } in = { bytes, n, 0 };
    int rc = with_vm(name, LIVE | (1u << VM_STOPPING) | (1u << VM_STOPPED), do_input, &in);
    if (rc < 0)
        return rc;
    return n && !in.done ? -E_NOSPC : (long)in.done;
}

long vm_console_since(const char *name, uint64_t from, char *buf, size_t n, uint64_t *next,
                      uint64_t *first)
{
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);
    size_t got = vm ? vm_console_copy_since(vm, from, buf, n, next, first) : 0;
    vmm_unlock(f);
    return vm ? (long)got : -E_NOENT;
}

long vm_console(const char *name, char *buf, size_t n)
{
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);
    size_t got = vm ? vm_console_read(vm, buf, n) : 0;
    vmm_unlock(f);
    return vm ? (long)got : -E_NOENT;
}

static void define_builtin(const struct builtin_guest *g)
{
    if (g->start == g->end) {
        kprintf("hv: vmm: warning: built-in VM %s not defined: its guest was not built "
                "(tests/guests/build.mk)\n", g->name);
        return;
    }
    int rc = vm_create(g->name, g->mem_mib, g->start, (size_t)(g->end - g->start));
    if (rc < 0)
        kprintf("hv: vmm: warning: built-in VM %s not defined: %s\n", g->name, vmm_strerror(rc));
}

void vmm_init(void)
{
    const char *be = cpufeat_virt_backend();
    const struct vcpu_ops *ops = !be ? NULL : strcmp(be, "svm") == 0 ? &svm_vcpu_ops
                               : strcmp(be, "vmx") == 0 ? &vmx_vcpu_ops : NULL;
    int rc = ops ? ops->cpu_init() : 0;
    if (!ops) {
        unavailable = "no hardware virtualization on this CPU";
        kprintf("hv: vmm: %s; VMs will be refused\n", unavailable);
    } else if (rc < 0) {
        unavailable = ops == &svm_vcpu_ops ? "SVM could not be enabled" : "VMX could not be enabled";
        kprintf("hv: vmm: %s (%s); VMs will be refused\n", unavailable, vmm_strerror(rc));
    } else {
        sched_init(vcpu_finished, vcpu_after);
        backend = ops;
        kprintf("hv: vmm: backend %s\n", backend->name);
        const struct builtin_guest *g;
        for (unsigned i = 0; (g = builtin_guest_at(i)) != NULL; i++)
            define_builtin(g);
    }
    /* Definitions load either way, so `vm list` shows them and starting
     * one says why it cannot run. */
    vmm_load_definitions();
}
