/* The VMX backend: per-CPU VMXON, the controls hv runs with (computed from
 * the capability MSRs, never assumed), one VMCS per vCPU holding a
 * real-mode guest under "unrestricted guest", VPIDs, and the ops table.
 * Entering the guest and decoding exits is vmx_exit.c; EPT is vmx_ept.c. */
#include "vmm/vmx/vmx.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/spinlock.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "vmm/vm.h"
#include "vmm/vmx/vmcs.h"

#define MSR_EFER          0xC0000080u
#define MSR_PAT           0x277u
#define MSR_FS_BASE       0xC0000100u
#define MSR_GS_BASE       0xC0000101u
#define EFER_LMA          (1ull << 10)
#define EFER_GUEST_OK     ((1ull << 0) | (1ull << 8) | (1ull << 10) | (1ull << 11))  /* SCE LME LMA NXE */
#define CR0_PE            (1ull << 0)
#define CR0_PG            (1ull << 31)
#define CR0_ET            (1ull << 4)
#define CR4_VMXE          (1ull << 13)
#define MAX_VPIDS         64

struct vmx_caps vmx_caps;

struct vmx_cpu {
    bool ready;
    uint64_t vmxon_pa;
    uint64_t current;           /* the VMCS VMPTRLD last made current here */
};

static struct vmx_cpu cpus[HV_MAX_CPUS];
static bool caps_ready;
static uint64_t io_bitmaps_pa, msr_bitmap_pa;
static uint64_t vpid_used = 1;          /* bit 0: VPID 0 is the host's */
static spinlock_t lock = SPINLOCK_INIT;

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

/* A control word from its capability MSR: the low dword holds the bits that
 * must be 1, the high dword those that may be 1.  `need` must be allowed,
 * `want` is taken where allowed.  -E_NOSYS names the first missing bit. */
static int control(const char *what, uint32_t msr, uint32_t need, uint32_t want, uint32_t *out)
{
    uint64_t cap = rdmsr(msr);
    uint32_t must = (uint32_t)cap, may = (uint32_t)(cap >> 32);
    if (need & ~may) {
        kprintf("hv: vmx: the CPU does not allow %s control bit %u (MSR 0x%x = 0x%lx)\n", what,
                __builtin_ctz(need & ~may), msr, cap);
        return -E_NOSYS;
    }
    *out = must | need | (want & may);
    return 0;
}

static int read_caps(void)
{
    struct vmx_caps *c = &vmx_caps;
    uint64_t basic = rdmsr(MSR_VMX_BASIC);
    bool true_ctls = basic & VMX_BASIC_TRUE_CTLS;
    c->revision = (uint32_t)basic & 0x7FFFFFFFu;
    c->cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
    c->cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
    c->cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
    c->cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
    c->preempt_shift = (unsigned)(rdmsr(MSR_VMX_MISC) & 0x1F);

    /* Host interrupts and NMIs must leave the guest: the host tick is what
     * preempts a vCPU (as SVM's INTR intercept); the preemption timer, when
     * there is one, bounds a slice even so. */
    int rc = control("pin-based", true_ctls ? MSR_VMX_TRUE_PINBASED : MSR_VMX_PINBASED,
                     PIN_EXT_INT_EXIT | PIN_NMI_EXIT, PIN_PREEMPT_TIMER, &c->pin);
    if (rc == 0)
        rc = control("processor-based", true_ctls ? MSR_VMX_TRUE_PROCBASED : MSR_VMX_PROCBASED,
                     PROC_HLT | PROC_SECONDARY | PROC_MWAIT | PROC_MONITOR,
                     PROC_IO_BITMAPS | PROC_MSR_BITMAPS, &c->proc);
    if (rc == 0)
        rc = control("secondary", MSR_VMX_PROCBASED2, PROC2_EPT | PROC2_UNRESTRICTED,
                     PROC2_VPID, &c->proc2);
    if (rc == 0)
        rc = control("VM-exit", true_ctls ? MSR_VMX_TRUE_EXIT : MSR_VMX_EXIT, EXIT_HOST_64,
                     EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_PAT | EXIT_LOAD_PAT, &c->exit);
    if (rc == 0)
        rc = control("VM-entry", true_ctls ? MSR_VMX_TRUE_ENTRY : MSR_VMX_ENTRY, 0,
                     ENTRY_LOAD_EFER | ENTRY_LOAD_PAT, &c->entry);
    if (rc < 0)
        return rc;
    /* The guest starts in real mode, whatever the CPU's default says. */
    c->entry &= ~ENTRY_IA32E_GUEST;
    if (!(c->proc & PROC_IO_BITMAPS))
        c->proc |= PROC_UNCOND_IO;     /* every port exits either way */
    /* Save and load go in pairs, or the guest would see the host's value. */
    if (!(c->exit & EXIT_SAVE_EFER) || !(c->exit & EXIT_LOAD_EFER) || !(c->entry & ENTRY_LOAD_EFER)) {
        c->exit &= ~(EXIT_SAVE_EFER | EXIT_LOAD_EFER);
        c->entry &= ~ENTRY_LOAD_EFER;
    }
    if (!(c->exit & EXIT_SAVE_PAT) || !(c->exit & EXIT_LOAD_PAT) || !(c->entry & ENTRY_LOAD_PAT)) {
        c->exit &= ~(EXIT_SAVE_PAT | EXIT_LOAD_PAT);
        c->entry &= ~ENTRY_LOAD_PAT;
    }

    c->ept_vpid = rdmsr(MSR_VMX_EPT_VPID_CAP);
    if (!(c->ept_vpid & EPTCAP_WALK4) || !(c->ept_vpid & EPTCAP_WB)) {
        kprintf("hv: vmx: EPT lacks 4-level walks or write-back (cap 0x%lx)\n", c->ept_vpid);
        return -E_NOSYS;
    }
    c->ept_2m = c->ept_vpid & EPTCAP_2M;
    if ((c->proc2 & PROC2_VPID) && !(c->ept_vpid & VPIDCAP_INVVPID))
        c->proc2 &= ~PROC2_VPID;        /* a VPID we could not flush is worse than none */
    return 0;
}

static uint64_t alloc_filled(size_t pages, int byte)
{
    uint64_t pa = pmm_alloc_pages(pages);
    if (pa)
        memset(phys_to_virt(pa), byte, pages * PAGE_SIZE);
    return pa;
}

/* Capabilities and the shared bitmaps (all ones: every port and MSR exits). */
static int global_init(void)
{
    uint64_t f = spin_lock_irqsave(&lock);
    int rc = 0;
    if (!caps_ready) {
        rc = read_caps();
        if (rc == 0) {
            io_bitmaps_pa = alloc_filled(2, 0xFF);
            msr_bitmap_pa = alloc_filled(1, 0xFF);
            if (!io_bitmaps_pa || !msr_bitmap_pa) {
                if (io_bitmaps_pa)
                    pmm_free_pages(io_bitmaps_pa, 2);
                if (msr_bitmap_pa)
                    pmm_free_pages(msr_bitmap_pa, 1);
                io_bitmaps_pa = msr_bitmap_pa = 0;
                rc = -E_NOMEM;
            }
        }
        caps_ready = rc == 0;
    }
    spin_unlock_irqrestore(&lock, f);
    return rc;
}

static int vmx_cpu_init(void)
{
    int rc = global_init();
    if (rc < 0)
        return rc;
    unsigned me = this_cpu()->index % HV_MAX_CPUS;
    struct vmx_cpu *c = &cpus[me];
    if (c->ready)
        return 0;

    uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
    if (!(fc & FEATCTL_LOCK)) {
        wrmsr(MSR_FEATURE_CONTROL, fc | FEATCTL_LOCK | FEATCTL_VMX_OUTSIDE_SMX);
    } else if (!(fc & FEATCTL_VMX_OUTSIDE_SMX)) {
        kprintf("hv: vmx: cpu %u: VMX is disabled by the firmware (IA32_FEATURE_CONTROL "
                "0x%lx is locked without VMX); enable VT-x in the BIOS setup\n", me, fc);
        return -E_NOSYS;
    }

    c->vmxon_pa = alloc_filled(1, 0);
    if (!c->vmxon_pa)
        return -E_NOMEM;
    *(uint32_t *)phys_to_virt(c->vmxon_pa) = vmx_caps.revision;

    write_cr0((read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1);
    write_cr4((read_cr4() | vmx_caps.cr4_fixed0 | CR4_VMXE) & vmx_caps.cr4_fixed1);
    uint8_t failed;
    __asm__ volatile("vmxon %1; setbe %0" : "=q"(failed) : "m"(c->vmxon_pa) : "cc", "memory");
    if (failed) {
        kprintf("hv: vmx: cpu %u: VMXON failed\n", me);
        write_cr4(read_cr4() & ~CR4_VMXE);
        pmm_free_pages(c->vmxon_pa, 1);
        c->vmxon_pa = 0;
        return -E_IO;
    }
    c->ready = true;
    return 0;
}

static int alloc_vpid(void)
{
    if (!(vmx_caps.proc2 & PROC2_VPID))
        return 0;
    uint64_t f = spin_lock_irqsave(&lock);
    int vpid = -E_NOSPC;
    for (unsigned i = 1; i < MAX_VPIDS; i++) {
        if (!(vpid_used & (1ull << i))) {
            vpid_used |= 1ull << i;
            vpid = (int)i;
            break;
        }
    }
    spin_unlock_irqrestore(&lock, f);
    return vpid;
}

static void free_vpid(uint16_t vpid)
{
    if (!vpid)
        return;
    uint64_t f = spin_lock_irqsave(&lock);
    vpid_used &= ~(1ull << vpid);
    spin_unlock_irqrestore(&lock, f);
}

static int vmx_vm_init(struct vm *vm)
{
    struct vmx_vm *x = kzalloc(sizeof(*x));
    if (!x)
        return -E_NOMEM;
    int vpid = alloc_vpid();
    if (vpid < 0) {
        kfree(x);
        return vpid;
    }
    x->vpid = (uint16_t)vpid;
    int rc = vmx_ept_build(vm, x);
    if (rc < 0) {
        free_vpid(x->vpid);
        kfree(x);
        return rc;
    }
    vm->arch = x;
    return 0;
}

static void vmx_vm_destroy(struct vm *vm)
{
    struct vmx_vm *x = vm->arch;
    if (!x)
        return;
    vmx_ept_free(x);
    free_vpid(x->vpid);
    kfree(x);
    vm->arch = NULL;
}

uint64_t vmx_guest_cr0(uint64_t want)
{
    uint64_t must = vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG);   /* unrestricted guest */
    return ((want | must | CR0_ET) & vmx_caps.cr0_fixed1) | (want & (CR0_PE | CR0_PG));
}

uint64_t vmx_guest_cr4(uint64_t want)
{
    return (want | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1;
}

/* The VMCS is made current on the CPU that runs the vCPU (init runs on the
 * CPU that starts the VM); everything below is written there. */
static int vmx_vcpu_init(struct vcpu *v)
{
    struct vmx_vcpu *xv = kzalloc(sizeof(*xv));
    if (!xv)
        return -E_NOMEM;
    xv->vmcs_pa = alloc_filled(1, 0);
    if (!xv->vmcs_pa) {
        kfree(xv);
        return -E_NOMEM;
    }
    *(uint32_t *)phys_to_virt(xv->vmcs_pa) = vmx_caps.revision;
    xv->cpu = -1;
    xv->exit_rip = v->vm->entry_rip;
    xv->cr0_shadow = CR0_ET;
    memset(&v->regs, 0, sizeof(v->regs));
    v->regs.rip = v->vm->entry_rip;
    v->regs.rflags = 0x2;
    v->regs.gpr[VCPU_RSP] = v->vm->entry_rip;       /* a stack below the boot sector */
    v->arch = xv;
    return 0;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *xv = v->arch;
    if (!xv)
        return;
    unsigned me = this_cpu()->index % HV_MAX_CPUS;
    if (xv->cpu == (int)me) {
        __asm__ volatile("vmclear %0" : : "m"(xv->vmcs_pa) : "cc", "memory");
        if (cpus[me].current == xv->vmcs_pa)
            cpus[me].current = 0;
    }
    pmm_free_pages(xv->vmcs_pa, 1);
    kfree(xv);
    v->arch = NULL;
}

static void guest_seg(unsigned seg, uint16_t sel, uint32_t ar, uint32_t limit, uint64_t base)
{
    vmwrite(VMCS_GUEST_ES_SEL + 2 * seg, sel);
    vmwrite(VMCS_GUEST_ES_AR + 2 * seg, ar);
    vmwrite(VMCS_GUEST_ES_LIMIT + 2 * seg, limit);
    vmwrite(VMCS_GUEST_ES_BASE + 2 * seg, base);
}

/* The state a PC's CPU has when a BIOS jumps to a boot sector. */
static void real_mode_state(struct vcpu *v)
{
    struct vmx_vcpu *xv = v->arch;
    guest_seg(SEG_CS, 0, 0x9B, 0xFFFF, 0);
    static const unsigned data[] = { SEG_ES, SEG_SS, SEG_DS, SEG_FS, SEG_GS };
    for (unsigned i = 0; i < 5; i++)
        guest_seg(data[i], 0, 0x93, 0xFFFF, 0);
    guest_seg(SEG_LDTR, 0, 0x10000, 0xFFFF, 0);      /* unusable */
    guest_seg(SEG_TR, 0, 0x8B, 0xFFFF, 0);           /* busy TSS: entry insists */
    vmwrite(VMCS_GUEST_GDTR_BASE, 0);
    vmwrite(VMCS_GUEST_GDTR_LIMIT, 0xFFFF);
    vmwrite(VMCS_GUEST_IDTR_BASE, 0);
    vmwrite(VMCS_GUEST_IDTR_LIMIT, 0x3FF);           /* the real-mode IVT */
    vmwrite(VMCS_GUEST_CR0, vmx_guest_cr0(xv->cr0_shadow));
    vmwrite(VMCS_GUEST_CR3, 0);
    vmwrite(VMCS_GUEST_CR4, vmx_guest_cr4(xv->cr4_shadow));
    vmwrite(VMCS_GUEST_DR7, 0x400);
    vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
    vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
    vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
    vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
    vmwrite(VMCS_GUEST_ACTIVITY, 0);
    vmwrite(VMCS_LINK_POINTER, ~0ull);
    if (vmx_caps.entry & ENTRY_LOAD_EFER)
        vmwrite(VMCS_GUEST_EFER, 0);
    if (vmx_caps.entry & ENTRY_LOAD_PAT)
        vmwrite(VMCS_GUEST_PAT, 0x0007040600070406ull);
}

static uint16_t read_sel(int which)
{
    uint16_t s = 0;
    switch (which) {
    case 0: __asm__ volatile("mov %%cs, %0" : "=r"(s)); break;
    case 1: __asm__ volatile("mov %%ss, %0" : "=r"(s)); break;
    case 2: __asm__ volatile("mov %%ds, %0" : "=r"(s)); break;
    case 3: __asm__ volatile("mov %%es, %0" : "=r"(s)); break;
    case 4: __asm__ volatile("mov %%fs, %0" : "=r"(s)); break;
    case 5: __asm__ volatile("mov %%gs, %0" : "=r"(s)); break;
    default: __asm__ volatile("str %0" : "=r"(s)); break;
    }
    return s;
}

/* What the CPU restores at every exit: this CPU's descriptor tables, TSS,
 * per-CPU GS base and page tables, and the exit stub with interrupts off. */
static void host_state(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } gdtr, idtr;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    __asm__ volatile("sidt %0" : "=m"(idtr));
    uint16_t tr = read_sel(6);
    const uint64_t *gdt = (const uint64_t *)gdtr.base;
    uint64_t lo = gdt[tr >> 3], hi = gdt[(tr >> 3) + 1];
    uint64_t tr_base = ((lo >> 16) & 0xFFFFFF) | (((lo >> 56) & 0xFF) << 24) | (hi << 32);

    vmwrite(VMCS_HOST_CR0, read_cr0());
    vmwrite(VMCS_HOST_CR3, read_cr3());
    vmwrite(VMCS_HOST_CR4, read_cr4());
    vmwrite(VMCS_HOST_CS_SEL, read_sel(0) & ~7u);
    vmwrite(VMCS_HOST_SS_SEL, read_sel(1) & ~7u);
    vmwrite(VMCS_HOST_DS_SEL, read_sel(2) & ~7u);
    vmwrite(VMCS_HOST_ES_SEL, read_sel(3) & ~7u);
    vmwrite(VMCS_HOST_FS_SEL, read_sel(4) & ~7u);
    vmwrite(VMCS_HOST_GS_SEL, read_sel(5) & ~7u);
    vmwrite(VMCS_HOST_TR_SEL, tr & ~7u);
    vmwrite(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
    vmwrite(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
    vmwrite(VMCS_HOST_TR_BASE, tr_base);
    vmwrite(VMCS_HOST_GDTR_BASE, gdtr.base);
    vmwrite(VMCS_HOST_IDTR_BASE, idtr.base);
    vmwrite(VMCS_HOST_SYSENTER_CS, rdmsr(0x174));
    vmwrite(VMCS_HOST_SYSENTER_ESP, rdmsr(0x175));
    vmwrite(VMCS_HOST_SYSENTER_EIP, rdmsr(0x176));
    if (vmx_caps.exit & EXIT_LOAD_EFER)
        vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
    if (vmx_caps.exit & EXIT_LOAD_PAT)
        vmwrite(VMCS_HOST_PAT, rdmsr(MSR_PAT));
    vmwrite(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_stub);
}

int vmx_vmcs_load(struct vcpu *v)
{
    struct vmx_vcpu *xv = v->arch;
    struct vmx_vm *x = v->vm->arch;
    int me = (int)(this_cpu()->index % HV_MAX_CPUS);
    uint8_t failed = 0;
    if (xv->cpu == me) {
        if (cpus[me].current != xv->vmcs_pa) {
            __asm__ volatile("vmptrld %1; setbe %0" : "=q"(failed) : "m"(xv->vmcs_pa) : "cc", "memory");
            if (failed)
                return -E_IO;
            cpus[me].current = xv->vmcs_pa;
        }
        return 0;
    }
    if (xv->cpu >= 0)
        return -E_INVAL;                /* a vCPU never moves between CPUs (sched.h) */
    __asm__ volatile("vmclear %1; setbe %0" : "=q"(failed) : "m"(xv->vmcs_pa) : "cc", "memory");
    if (!failed)
        __asm__ volatile("vmptrld %1; setbe %0" : "=q"(failed) : "m"(xv->vmcs_pa) : "cc", "memory");
    if (failed)
        return -E_IO;
    cpus[me].current = xv->vmcs_pa;
    xv->cpu = me;
    xv->launched = false;

    const struct vmx_caps *c = &vmx_caps;
    vmwrite(VMCS_PIN_CTLS, c->pin);
    vmwrite(VMCS_PROC_CTLS, c->proc);
    vmwrite(VMCS_PROC2_CTLS, c->proc2);
    vmwrite(VMCS_EXIT_CTLS, c->exit);
    vmwrite(VMCS_ENTRY_CTLS, c->entry);
    /* The guest handles its own faults, but #UD: it may be AMD's VMMCALL
     * (vmx_exit.c, is_vmmcall). */
    vmwrite(VMCS_EXCEPTION_BITMAP, 1u << 6);
    vmwrite(VMCS_CR3_TARGET_COUNT, 0);
    vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
    vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
    vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
    vmwrite(VMCS_ENTRY_INTR_INFO, 0);
    if (c->proc & PROC_IO_BITMAPS) {
        vmwrite(VMCS_IO_BITMAP_A, io_bitmaps_pa);
        vmwrite(VMCS_IO_BITMAP_B, io_bitmaps_pa + PAGE_SIZE);
    }
    if (c->proc & PROC_MSR_BITMAPS)
        vmwrite(VMCS_MSR_BITMAP, msr_bitmap_pa);
    vmwrite(VMCS_EPTP, x->eptp);
    if (c->proc2 & PROC2_VPID)
        vmwrite(VMCS_VPID, x->vpid);
    /* CR0/CR4 bits the CPU forces are hv's: the guest reads its own value
     * (the shadow), and writing a different value to them exits. */
    vmwrite(VMCS_CR0_MASK, (c->cr0_fixed0 | ~c->cr0_fixed1) & ~(CR0_PE | CR0_PG));
    vmwrite(VMCS_CR4_MASK, c->cr4_fixed0 | ~c->cr4_fixed1);
    vmwrite(VMCS_CR0_SHADOW, xv->cr0_shadow);
    vmwrite(VMCS_CR4_SHADOW, xv->cr4_shadow);
    real_mode_state(v);
    host_state();
    return 0;
}

/* The ops below run on the vCPU's CPU between two runs, possibly after
 * another vCPU's VMCS was made current there. */
static void current(struct vcpu *v)
{
    if (vmx_vmcs_load(v) < 0)
        panic("vmx: the VMCS of a running vCPU cannot be made current");
}

static void vmx_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
    current(v);
    uint32_t info = vector | INTR_TYPE_HW_EXC | INTR_INFO_VALID;
    if (has_error && (vmread(VMCS_GUEST_CR0) & CR0_PE)) {   /* real mode pushes no error code */
        info |= INTR_INFO_ERR_VALID;
        vmwrite(VMCS_ENTRY_EXC_ERROR, error);
    }
    vmwrite(VMCS_ENTRY_INTR_INFO, info);
}

static void vmx_inject_irq(struct vcpu *v, uint8_t vector)
{
    current(v);
    vmwrite(VMCS_ENTRY_INTR_INFO, vector | INTR_TYPE_EXT | INTR_INFO_VALID);
}

#define BLOCK_STI_MOVSS 0x3u

static bool vmx_irq_ready(struct vcpu *v)
{
    struct vmx_vcpu *xv = v->arch;
    current(v);
    bool shadow = xv->launched && v->regs.rip == xv->exit_rip &&
                  (vmread(VMCS_GUEST_INTERRUPTIBILITY) & BLOCK_STI_MOVSS);
    return (v->regs.rflags & RFLAGS_IF) && !shadow &&
           !(vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID);
}

/* Interrupt-window exiting: the guest exits as soon as it could take one. */
static void vmx_irq_window(struct vcpu *v, bool on)
{
    current(v);
    uint64_t p = vmread(VMCS_PROC_CTLS);
    uint64_t n = on ? (p | PROC_INTR_WINDOW) : (p & ~(uint64_t)PROC_INTR_WINDOW);
    if (n != p)
        vmwrite(VMCS_PROC_CTLS, n);
}

static void vmx_get_mode(struct vcpu *v, struct vcpu_mode *m)
{
    struct vmx_vcpu *xv = v->arch;
    current(v);
    uint64_t mask0 = vmread(VMCS_CR0_MASK), mask4 = vmread(VMCS_CR4_MASK);
    uint64_t ar = vmread(VMCS_GUEST_ES_AR + 2 * SEG_CS);
    m->cs_base = vmread(VMCS_GUEST_ES_BASE + 2 * SEG_CS);
    m->cr0 = (vmread(VMCS_GUEST_CR0) & ~mask0) | (xv->cr0_shadow & mask0);   /* as the guest sees it */
    m->cr3 = vmread(VMCS_GUEST_CR3);
    m->cr4 = (vmread(VMCS_GUEST_CR4) & ~mask4) | (xv->cr4_shadow & mask4);
    m->efer = (vmx_caps.entry & ENTRY_LOAD_EFER) ? vmread(VMCS_GUEST_EFER) : xv->efer;
    m->cs_l = ar & (1u << 13);
    m->cs_db = ar & (1u << 14);
}

static const uint32_t syscall_msrs[5] = { 0xC0000081u, 0xC0000082u, 0xC0000083u, 0xC0000084u,
                                          0xC0000102u };

static int vmcs_msr_field(uint32_t msr)
{
    switch (msr) {
    case 0x174: return VMCS_GUEST_SYSENTER_CS;
    case 0x175: return VMCS_GUEST_SYSENTER_ESP;
    case 0x176: return VMCS_GUEST_SYSENTER_EIP;
    case MSR_FS_BASE: return VMCS_GUEST_ES_BASE + 2 * SEG_FS;
    case MSR_GS_BASE: return VMCS_GUEST_ES_BASE + 2 * SEG_GS;
    case MSR_PAT: return (vmx_caps.entry & ENTRY_LOAD_PAT) ? (int)VMCS_GUEST_PAT : -1;
    default: return -1;
    }
}

static int vmx_msr_get(struct vcpu *v, uint32_t msr, uint64_t *value)
{
    struct vmx_vcpu *xv = v->arch;
    current(v);
    if (msr == MSR_EFER) {
        *value = (vmx_caps.entry & ENTRY_LOAD_EFER) ? vmread(VMCS_GUEST_EFER) : xv->efer;
        return 0;
    }
    for (unsigned i = 0; i < 5; i++) {
        if (syscall_msrs[i] == msr) {
            *value = xv->syscall_msrs[i];
            return 0;
        }
    }
    int f = vmcs_msr_field(msr);
    if (f < 0)
        return -E_NOENT;
    *value = vmread((uint32_t)f);
    return 0;
}

static int vmx_msr_set(struct vcpu *v, uint32_t msr, uint64_t value)
{
    struct vmx_vcpu *xv = v->arch;
    current(v);
    if (msr == MSR_EFER) {
        if (value & ~EFER_GUEST_OK)
            return -E_INVAL;
        if (!(vmx_caps.entry & ENTRY_LOAD_EFER)) {
            if (value & ~1ull)
                return -E_INVAL;        /* without EFER loading only SCE is safe */
            xv->efer = value;
            return 0;
        }
        uint64_t lma = vmread(VMCS_GUEST_EFER) & EFER_LMA;
        vmwrite(VMCS_GUEST_EFER, (value & ~EFER_LMA) | lma);
        return 0;
    }
    for (unsigned i = 0; i < 5; i++) {
        if (syscall_msrs[i] == msr) {
            xv->syscall_msrs[i] = value;
            return 0;
        }
    }
    int f = vmcs_msr_field(msr);
    if (f < 0)
        return -E_NOENT;
    vmwrite((uint32_t)f, value);
    return 0;
}

const struct vcpu_ops vmx_vcpu_ops = {
    .name = "vmx",
    .cpu_init = vmx_cpu_init,
    .vm_init = vmx_vm_init,
    .vm_destroy = vmx_vm_destroy,
    .init = vmx_vcpu_init,
    .run = vmx_vcpu_run,
    .inject_exception = vmx_inject_exception,
    .inject_irq = vmx_inject_irq,
    .msr_get = vmx_msr_get,
    .msr_set = vmx_msr_set,
    .destroy = vmx_vcpu_destroy,
    .irq_ready = vmx_irq_ready,
    .irq_window = vmx_irq_window,
    .get_mode = vmx_get_mode,
};
