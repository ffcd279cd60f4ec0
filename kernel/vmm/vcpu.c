/* The vendor-neutral exit table: one handler per enum vm_exit_kind.  A
 * handler returns EXIT_RESUME to re-enter the guest or EXIT_STOP after
 * recording the reason with vm_set_stop_reason.  Anything a guest does that
 * hv does not understand stops that VM, never hv. */
#include "vmm/vcpu.h"
#include "arch/x86_64/cpu.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "dev/timer.h"
#include "vmm/gwalk.h"
#include "vmm/irq.h"
#include "vmm/mmio_decode.h"
#include "vmm/vm.h"

enum { EXIT_RESUME, EXIT_STOP };

typedef int (*exit_handler_fn)(struct vcpu *v, const struct vm_exit *e);

#define VEC_GP 13
#define HC_CONSOLE_MAX 4096

static const char *const kind_names[VM_EXIT_KINDS] = {
    [VM_EXIT_CPUID] = "cpuid",   [VM_EXIT_MSR] = "msr",         [VM_EXIT_IO] = "io",
    [VM_EXIT_NPF] = "npf",       [VM_EXIT_HLT] = "hlt",         [VM_EXIT_HYPERCALL] = "hypercall",
    [VM_EXIT_INTR] = "intr",     [VM_EXIT_NMI] = "nmi",         [VM_EXIT_SHUTDOWN] = "shutdown",
    [VM_EXIT_INVALID] = "invalid", [VM_EXIT_OTHER] = "other", [VM_EXIT_IRQ_WINDOW] = "irq-window",
};

const char *vm_exit_kind_name(enum vm_exit_kind kind)
{
    return (unsigned)kind < VM_EXIT_KINDS ? kind_names[kind] : "?";
}

/* Past the instruction that exited.  The backend always knows the length
 * of the exits routed here (NRIP, EXITINFO2 or a fixed length). */
static void skip(struct vcpu *v, const struct vm_exit *e)
{
    v->regs.rip = e->next_rip;
}

static void set_low(uint64_t *reg, uint64_t val, unsigned size)
{
    if (size >= 4) {
        *reg = val & 0xFFFFFFFFull;     /* a 32-bit write zero-extends */
    } else {
        uint64_t mask = (1ull << (size * 8)) - 1;
        *reg = (*reg & ~mask) | (val & mask);
    }
}

static int on_cpuid(struct vcpu *v, const struct vm_exit *e)
{
    uint64_t *r = v->regs.gpr;
    uint32_t leaf = (uint32_t)r[VCPU_RAX], sub = (uint32_t)r[VCPU_RCX];
    uint32_t a = 0, b = 0, c = 0, d = 0;
    if ((leaf & 0xFFFFFF00u) == 0x40000000u) {
        if (leaf == 0x40000000u) {
            a = 0x40000000u;            /* the highest hypervisor leaf */
            memcpy(&b, HV_CPUID_SIGNATURE, 4);
            memcpy(&c, HV_CPUID_SIGNATURE + 4, 4);
            memcpy(&d, HV_CPUID_SIGNATURE + 8, 4);
        }
    } else {
        cpuid(leaf, sub, &a, &b, &c, &d);
        if (leaf == 1) {
            c &= ~((1u << 5) | (1u << 21) | (1u << 24));   /* VMX, x2APIC, TSC deadline */
            c |= 1u << 31;                                   /* "running under a hypervisor" */
            d |= 1u << 9;                                    /* the xAPIC of dev/lapic.c */
            b = (b & 0x00FFFFFFu) | v->vm->lapic.id << 24;   /* its initial APIC ID */
        } else if (leaf == 0x80000001u) {
            c &= ~(1u << 2);                                 /* SVM */
        } else if (leaf == 0x8000000Au) {
            a = b = c = d = 0;                               /* SVM features */
        }
    }
    r[VCPU_RAX] = a;
    r[VCPU_RBX] = b;
    r[VCPU_RCX] = c;
    r[VCPU_RDX] = d;
    skip(v, e);
    return EXIT_RESUME;
}

/* The allow-list.  Everything else raises #GP in the guest, which is what a
 * real CPU does for an MSR it does not have. */
#define MSR_TSC      0x10u
#define MSR_MTRRCAP  0xFEu
static const uint32_t backend_msrs[] = {
    0x174, 0x175, 0x176,                 /* SYSENTER_CS/ESP/EIP */
    0x277,                               /* PAT */
    0xC0000080, 0xC0000081, 0xC0000082, 0xC0000083, 0xC0000084,   /* EFER STAR LSTAR CSTAR SFMASK */
    0xC0000100, 0xC0000101, 0xC0000102,  /* FS_BASE GS_BASE KERNEL_GS_BASE */
};

static bool msr_allowed(uint32_t msr)
{
    for (unsigned i = 0; i < sizeof(backend_msrs) / sizeof(backend_msrs[0]); i++)
        if (backend_msrs[i] == msr)
            return true;
    return false;
}

/* Values a CPU refuses with #GP for MSRs on the allow-list: in the guest
 * state they would make the next VM entry fail (VMRUN checks G_PAT, VM entry
 * the segment bases) instead of faulting where the guest can see it. */
static bool msr_value_ok(uint32_t msr, uint64_t val)
{
    switch (msr) {
    case 0xC0000082: case 0xC0000083:                      /* LSTAR CSTAR */
    case 0xC0000100: case 0xC0000101: case 0xC0000102: {   /* FS GS KERNEL_GS base */
        uint32_t a, b, c, d;
        cpuid(0x80000008u, 0, &a, &b, &c, &d);
        unsigned bits = (a >> 8) & 0xFF;                   /* linear address width */
        unsigned sh = (bits > 48 && bits < 64 ? bits : 48) - 1;
        uint64_t top = val >> sh;                          /* canonical: all 0s or all 1s */
        return top == 0 || top == UINT64_MAX >> sh;
    }
    case 0x277:                                            /* PAT: types 0 1 4 5 6 7 */
        for (unsigned i = 0; i < 64; i += 8) {
            uint64_t t = (val >> i) & 0xFF;
            if (t > 7 || t == 2 || t == 3)
                return false;
        }
        return true;
    default:
        return true;
    }
}

static int on_msr(struct vcpu *v, const struct vm_exit *e)
{
    uint64_t *r = v->regs.gpr;
    uint32_t msr = (uint32_t)r[VCPU_RCX];
    uint64_t val = (r[VCPU_RDX] << 32) | (uint32_t)r[VCPU_RAX];
    int rc = -E_NOENT;
    if (!e->msr.write) {
        if (msr == MSR_TSC) {
            val = rdtsc();
            rc = 0;
        } else if (msr == MSR_MTRRCAP) {
            val = 0;
            rc = 0;
        } else if (msr == VLAPIC_MSR_BASE) {
            val = vlapic_msr_read(&v->vm->lapic);
            rc = 0;
        } else if (msr_allowed(msr)) {
            rc = v->ops->msr_get(v, msr, &val);
        }
        if (rc == 0) {
            r[VCPU_RAX] = (uint32_t)val;
            r[VCPU_RDX] = val >> 32;
        }
    } else if (msr == VLAPIC_MSR_BASE) {
        rc = vlapic_msr_write(&v->vm->lapic, val);
    } else if (msr_allowed(msr)) {
        rc = msr_value_ok(msr, val) ? v->ops->msr_set(v, msr, val) : -E_INVAL;
    }
    if (rc < 0) {
        v->ops->inject_exception(v, VEC_GP, true, 0);
        return EXIT_RESUME;             /* a fault: RIP stays on the instruction */
    }
    skip(v, e);
    return EXIT_RESUME;
}

static int on_io(struct vcpu *v, const struct vm_exit *e)
{
    struct vm *vm = v->vm;
    if (e->io.string) {
        vm_set_stop_reason(vm, "killed: string I/O (ins/outs) to port 0x%x is not emulated",
                           e->io.port);
        return EXIT_STOP;
    }
    uint64_t *rax = &v->regs.gpr[VCPU_RAX];
    int rc;
    if (e->io.in) {
        uint64_t val = 0;
        rc = iobus_read(&vm->bus, IOBUS_PIO, e->io.port, e->io.size, &val);
        if (rc == 0)
            set_low(rax, val, e->io.size);
    } else {
        uint64_t mask = e->io.size >= 4 ? 0xFFFFFFFFull : (1ull << (e->io.size * 8)) - 1;
        rc = iobus_write(&vm->bus, IOBUS_PIO, e->io.port, e->io.size, *rax & mask);
    }
    if (rc == -E_NOENT) {
        vm_set_stop_reason(vm, "killed: I/O to unclaimed port 0x%x", e->io.port);
        return EXIT_STOP;
    }
    if (rc < 0) {
        vm_set_stop_reason(vm, "killed: bad I/O access (port 0x%x size %u)", e->io.port, e->io.size);
        return EXIT_STOP;
    }
    skip(v, e);
    /* A guest that resets the machine restarts (vmm.c): the slice ends here. */
    if (vm->reset_request) {
        vm_set_stop_reason(vm, "reset by the guest");
        return EXIT_STOP;
    }
    return EXIT_RESUME;
}

#define CR0_PE (1ull << 0)
#define EFER_LMA (1ull << 10)
#define RFLAGS_VM (1ull << 17)

static int guest_read(void *ctx, uint64_t gpa, void *dst, size_t len)
{
    return vm_read_guest(ctx, gpa, dst, len);
}

/* Up to 15 bytes at CS:RIP, through the guest's page tables when paging is
 * on (page by page: the instruction may cross into another page), as far as
 * guest RAM and the mappings go.  *err: why fewer than 15. */
static size_t fetch_insn(struct vcpu *v, const struct vcpu_mode *m, bool long64, uint8_t *buf,
                         int *err)
{
    uint64_t lin = m->cs_base + v->regs.rip;
    if (!long64)
        lin &= 0xFFFFFFFFull;
    struct gwalk_mem mem = { guest_read, v->vm };
    struct gwalk_paging p = { m->cr0, m->cr3, m->cr4, m->efer };
    return gwalk_fetch(&mem, &p, lin, buf, MMIO_MAX_LEN, err);
}

/* The access hit a device's MMIO range: fetch the instruction (through the
 * guest's paging when it is on), decode it, let the device do the read
 * and/or write, and step over it. */
static int on_mmio(struct vcpu *v, const struct vm_exit *e, const struct iobus_range *dev)
{
    struct vm *vm = v->vm;
    uint64_t gpa = e->npf.gpa;
    struct vcpu_mode m;
    if (!v->ops->get_mode) {
        vm_set_stop_reason(vm, "killed: MMIO to %s at gpa 0x%lx: not emulated with %s", dev->name,
                           gpa, v->ops->name);
        return EXIT_STOP;
    }
    v->ops->get_mode(v, &m);
    bool long64 = (m.efer & EFER_LMA) && m.cs_l;
    enum mmio_mode mode = !(m.cr0 & CR0_PE) || (v->regs.rflags & RFLAGS_VM) ? MMIO_MODE_REAL16
                          : long64 ? MMIO_MODE_LONG64
                          : m.cs_db ? MMIO_MODE_PROT32 : MMIO_MODE_PROT16;
    uint8_t bytes[MMIO_MAX_LEN];
    int ferr = 0;
    size_t n = fetch_insn(v, &m, long64, bytes, &ferr);
    if (n == 0) {
        vm_set_stop_reason(vm, "killed: MMIO to %s at gpa 0x%lx: rip 0x%lx unreadable: %s",
                           dev->name, gpa, v->regs.rip, gwalk_strerror(ferr));
        return EXIT_STOP;
    }
    struct mmio_insn insn;
    int rc = mmio_decode(bytes, n, mode, &insn);
    if (rc < 0) {
        char hex[3 * MMIO_MAX_LEN + 1] = "";
        unsigned shown = rc == -MMIO_ETRUNC ? (unsigned)n : insn.len;
        for (unsigned i = 0; i < shown && i < n; i++)
            ksnprintf(hex + 3 * i, 4, "%02x ", bytes[i]);
        vm_set_stop_reason(vm, "killed: MMIO to %s at gpa 0x%lx by %s (%s) at rip 0x%lx",
                           dev->name, gpa, mmio_strerror(rc), n ? hex : "no bytes in RAM",
                           v->regs.rip);
        return EXIT_STOP;
    }
    struct mmio_regs r;
    memcpy(r.gpr, v->regs.gpr, sizeof(r.gpr));
    r.rflags = v->regs.rflags;
    uint64_t val = 0;
    if (insn.dir != MMIO_WRITE)
        rc = iobus_read(&vm->bus, IOBUS_MMIO, gpa, insn.size, &val);
    if (rc == 0)
        rc = mmio_emulate(&insn, &r, &val);
    if (rc == 0 && insn.dir != MMIO_READ)
        rc = iobus_write(&vm->bus, IOBUS_MMIO, gpa, insn.size, val);
    if (rc < 0) {
        vm_set_stop_reason(vm, "killed: MMIO to %s at gpa 0x%lx (%u bytes) failed: %s", dev->name,
                           gpa, insn.size, rc == -E_NOENT ? "crosses the end of the device" :
                           "bad access");
        return EXIT_STOP;
    }
    memcpy(v->regs.gpr, r.gpr, sizeof(r.gpr));
    v->regs.rflags = r.rflags;
    v->regs.rip += insn.len;
    if (mode == MMIO_MODE_PROT32)
        v->regs.rip &= 0xFFFFFFFFull;
    else if (mode != MMIO_MODE_LONG64)
        v->regs.rip &= 0xFFFF;
    return EXIT_RESUME;
}

static int on_npf(struct vcpu *v, const struct vm_exit *e)
{
    /* Guest RAM is mapped in full, so a fault is outside it: a device's
     * MMIO range, or nothing at all. */
    const struct iobus_range *dev = iobus_find(&v->vm->bus, IOBUS_MMIO, e->npf.gpa);
    if (dev && !e->npf.fetch)
        return on_mmio(v, e, dev);
    vm_set_stop_reason(v->vm, "killed: access outside its memory at gpa 0x%lx (%s)",
                       e->npf.gpa, e->npf.fetch ? "fetch" : e->npf.write ? "write" : "read");
    return EXIT_STOP;
}

static int on_hlt(struct vcpu *v, const struct vm_exit *e)
{
    skip(v, e);
    if (!(v->regs.rflags & RFLAGS_IF)) {
        vm_set_stop_reason(v->vm, "halted with interrupts disabled");
        return EXIT_STOP;
    }
    /* vcpu_run_slice gives the CPU away until an interrupt is due. */
    v->halted = true;
    return EXIT_RESUME;
}

static int64_t hc_console_write(struct vcpu *v)
{
    uint64_t gpa = v->regs.gpr[VCPU_RBX], len = v->regs.gpr[VCPU_RCX];
    if (len > HC_CONSOLE_MAX)
        return -E_INVAL;
    /* All or nothing: an error means none of it was printed. */
    if (len && (gpa >= v->vm->mem_bytes || len > v->vm->mem_bytes - gpa))
        return -E_RANGE;
    char buf[256];
    for (uint64_t done = 0; done < len;) {
        size_t piece = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf);
        if (vm_read_guest(v->vm, gpa + done, buf, piece) < 0)
            return -E_RANGE;
        vm_console_put(v->vm, buf, piece);
        done += piece;
    }
    return (int64_t)len;
}

static int on_hypercall(struct vcpu *v, const struct vm_exit *e)
{
    uint64_t nr = v->regs.gpr[VCPU_RAX];
    int64_t ret;
    skip(v, e);
    switch (nr) {
    case HC_VERSION:
        ret = HC_ABI_VERSION;
        break;
    case HC_CONSOLE_WRITE:
        ret = hc_console_write(v);
        break;
    case HC_POWER_OFF:
        vm_set_stop_reason(v->vm, "guest powered off");
        return EXIT_STOP;
    default:
        ret = -E_NOSYS;
        break;
    }
    v->regs.gpr[VCPU_RAX] = (uint64_t)ret;
    return EXIT_RESUME;
}

/* The host took the interrupt already (after STGI / with IF set): nothing
 * to do but notice stop requests, which the loop does. */
static int on_host_event(struct vcpu *v, const struct vm_exit *e)
{
    (void)v;
    (void)e;
    return EXIT_RESUME;
}

static int on_shutdown(struct vcpu *v, const struct vm_exit *e)
{
    (void)e;
    vm_set_stop_reason(v->vm, "triple fault");
    return EXIT_STOP;
}

static int on_invalid(struct vcpu *v, const struct vm_exit *e)
{
    vm_set_stop_reason(v->vm, "invalid guest state: the CPU refused to enter it (exit code 0x%lx)",
                       e->code);
    return EXIT_STOP;
}

static int on_other(struct vcpu *v, const struct vm_exit *e)
{
    vm_set_stop_reason(v->vm, "killed: unhandled exit code 0x%lx (info1 0x%lx, info2 0x%lx) at rip 0x%lx",
                       e->code, e->info1, e->info2, v->regs.rip);
    return EXIT_STOP;
}

static const exit_handler_fn exit_table[VM_EXIT_KINDS] = {
    [VM_EXIT_CPUID] = on_cpuid,
    [VM_EXIT_MSR] = on_msr,
    [VM_EXIT_IO] = on_io,
    [VM_EXIT_NPF] = on_npf,
    [VM_EXIT_HLT] = on_hlt,
    [VM_EXIT_HYPERCALL] = on_hypercall,
    [VM_EXIT_INTR] = on_host_event,
    [VM_EXIT_NMI] = on_host_event,
    [VM_EXIT_SHUTDOWN] = on_shutdown,
    [VM_EXIT_INVALID] = on_invalid,
    [VM_EXIT_OTHER] = on_other,
    [VM_EXIT_IRQ_WINDOW] = on_host_event,   /* vcpu_irq_prepare injects at the next entry */
};

enum vcpu_slice vcpu_run_slice(struct vcpu *v, uint64_t until_ns)
{
    struct vm_exit e;
    for (;;) {
        if (v->stop_request) {
            vm_set_stop_reason(v->vm, "stopped by request");
            return VCPU_SLICE_STOPPED;
        }
        if (v->vm->reset_request) {
            vm_set_stop_reason(v->vm, "reset by request");
            return VCPU_SLICE_STOPPED;
        }
        if (v->vm->shutdown_deadline_ns && timer_now_ns() >= v->vm->shutdown_deadline_ns) {
            vm_set_stop_reason(v->vm, "stopped hard: the guest did not power off after the power button");
            return VCPU_SLICE_STOPPED;
        }
        if (v->vm->pause_request)
            return VCPU_SLICE_PREEMPTED;         /* the scheduler skips it until resumed */
        vm_take_async(v->vm);
        if (v->halted) {
            /* HLT with IF=1: wait for the PIC.  The guest already is past
             * its HLT, so an interrupt simply resumes it. */
            vm_irq_update(v->vm);
            if (!vm_irq_pending(v->vm) || !v->ops->irq_ready) {
                v->wake_ns = vm_irq_deadline(v->vm);
                return VCPU_SLICE_HALTED;
            }
            v->halted = false;
        }
        vcpu_irq_prepare(v);
        /* Field by field, not memset: this runs at every exit, and the
         * widest union member (npf) covers the io and msr ones. */
        e.kind = VM_EXIT_OTHER;
        e.code = e.info1 = e.info2 = e.next_rip = 0;
        e.npf.gpa = 0;
        e.npf.write = e.npf.fetch = false;
        v->ops->run(v, &e);
        unsigned k = (unsigned)e.kind < VM_EXIT_KINDS ? (unsigned)e.kind : VM_EXIT_OTHER;
        v->exits[k]++;
        v->exits_total++;
        if (exit_table[k](v, &e) == EXIT_STOP)
            return VCPU_SLICE_STOPPED;
        if (timer_now_ns() >= until_ns)
            return VCPU_SLICE_PREEMPTED;
    }
}

void vcpu_run_loop(struct vcpu *v)
{
    for (;;) {
        enum vcpu_slice r = vcpu_run_slice(v, UINT64_MAX);
        if (r == VCPU_SLICE_STOPPED)
            return;
        /* Halted: sleep on the host tick until the device deadline. */
        while (!v->stop_request && timer_now_ns() < v->wake_ns)
            cpu_hlt();
    }
}
