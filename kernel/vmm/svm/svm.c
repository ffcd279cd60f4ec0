/* The SVM backend: per-CPU enable, the VMCB of a real-mode guest, entering
 * it and translating #VMEXIT into a vendor-neutral struct vm_exit.
 *
 * QEMU's emulated SVM (our test platform) has no NRIP save and no decode
 * assists: RIP is advanced by known instruction lengths, except for I/O
 * exits where EXITINFO2 is the next RIP.  The I/O and MSR permission maps
 * are read on every intercept check, so they always point at real bitmaps:
 * one pair, all ones, shared by every VM (everything is intercepted). */
#include "vmm/svm/svm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "vmm/svm/vmcb.h"
#include "vmm/vm.h"

#define MSR_EFER        0xC0000080u
#define MSR_VM_HSAVE_PA 0xC0010117u
#define EFER_SVME       (1ull << 12)
#define EFER_GUEST_OK   ((1ull << 0) | (1ull << 8) | (1ull << 10) | (1ull << 11))  /* SCE LME LMA NXE */
#define CPUID_SVM_NRIP  (1u << 3)

#define IOPM_PAGES  3
#define MSRPM_PAGES 2
#define MAX_ASIDS   16          /* what QEMU offers; real CPUs have more */

struct svm_cpu {
    bool ready;
    uint64_t hsave_pa;          /* VM_HSAVE_PA: the CPU's own use */
    uint64_t host_save_pa;      /* our VMSAVE/VMLOAD area for host FS/GS/TR/... */
};

struct svm_vcpu {
    void *vmcb;
    uint64_t vmcb_pa;
    int last_cpu;               /* where it last ran; -1: never.  Another CPU: flush */
    uint64_t exit_rip;          /* RIP at the last exit; moved by hv: shadow is over */
};

static struct svm_cpu cpus[HV_MAX_CPUS];
static uint64_t iopm_pa, msrpm_pa;
static bool has_nrip;
static uint32_t asid_limit;
static uint32_t asid_used;      /* bitmap; ASID 0 belongs to the host */
static spinlock_t lock = SPINLOCK_INIT;

static uint64_t alloc_filled(size_t pages, int byte)
{
    uint64_t pa = pmm_alloc_pages(pages);
    if (pa)
        memset(phys_to_virt(pa), byte, pages * PAGE_SIZE);
    return pa;
}

/* The shared pieces, once: both bitmaps and the CPU's capabilities. */
static int svm_global_init(void)
{
    uint64_t f = spin_lock_irqsave(&lock);
    int rc = 0;
    if (!iopm_pa) {
        uint32_t a, b, c, d;
        cpuid(0x8000000Au, 0, &a, &b, &c, &d);
        has_nrip = d & CPUID_SVM_NRIP;
        asid_limit = b < MAX_ASIDS ? b : MAX_ASIDS;
        iopm_pa = alloc_filled(IOPM_PAGES, 0xFF);
        msrpm_pa = alloc_filled(MSRPM_PAGES, 0xFF);
        if (!iopm_pa || !msrpm_pa) {
            if (iopm_pa)
                pmm_free_pages(iopm_pa, IOPM_PAGES);
            if (msrpm_pa)
                pmm_free_pages(msrpm_pa, MSRPM_PAGES);
            iopm_pa = msrpm_pa = 0;
            rc = -E_NOMEM;
        }
    }
    spin_unlock_irqrestore(&lock, f);
    return rc;
}

static int svm_cpu_init(void)
{
    int rc = svm_global_init();
    if (rc < 0)
        return rc;
    struct svm_cpu *c = &cpus[this_cpu()->index % HV_MAX_CPUS];
    if (c->ready)
        return 0;
    c->hsave_pa = alloc_filled(1, 0);
    c->host_save_pa = alloc_filled(1, 0);
    if (!c->hsave_pa || !c->host_save_pa) {
        if (c->hsave_pa)
            pmm_free_pages(c->hsave_pa, 1);
        if (c->host_save_pa)
            pmm_free_pages(c->host_save_pa, 1);
        c->hsave_pa = c->host_save_pa = 0;
        return -E_NOMEM;
    }
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, c->hsave_pa);
    c->ready = true;
    return 0;
}

static int alloc_asid(void)
{
    uint64_t f = spin_lock_irqsave(&lock);
    int asid = -E_NOSPC;
    for (uint32_t i = 1; i < asid_limit && i < 32; i++) {
        if (!(asid_used & (1u << i))) {
            asid_used |= 1u << i;
            asid = (int)i;
            break;
        }
    }
    spin_unlock_irqrestore(&lock, f);
    return asid;
}

static void free_asid(uint32_t asid)
{
    uint64_t f = spin_lock_irqsave(&lock);
    asid_used &= ~(1u << asid);
    spin_unlock_irqrestore(&lock, f);
}

static int svm_vm_init(struct vm *vm)
{
    struct svm_vm *s = kzalloc(sizeof(*s));
    if (!s)
        return -E_NOMEM;
    int asid = alloc_asid();
    if (asid < 0) {
        kfree(s);
        return asid;
    }
    s->asid = (uint32_t)asid;
    int rc = svm_npt_build(vm, s);
    if (rc < 0) {
        free_asid(s->asid);
        kfree(s);
        return rc;
    }
    vm->arch = s;
    return 0;
}

static void svm_vm_destroy(struct vm *vm)
{
    struct svm_vm *s = vm->arch;
    if (!s)
        return;
    svm_npt_free(s);
    free_asid(s->asid);
    kfree(s);
    vm->arch = NULL;
}

static void set_seg(void *vmcb, unsigned seg, uint16_t sel, uint16_t attr, uint32_t limit, uint64_t base)
{
    vmcb_set16(vmcb, seg + SEG_SEL, sel);
    vmcb_set16(vmcb, seg + SEG_ATTR, attr);
    vmcb_set32(vmcb, seg + SEG_LIMIT, limit);
    vmcb_set64(vmcb, seg + SEG_BASE, base);
}

/* The state a PC's CPU has when a BIOS jumps to a boot sector. */
static void real_mode_state(void *vmcb, uint64_t rip)
{
    set_seg(vmcb, VMCB_CS, 0, 0x009B, 0xFFFF, 0);   /* present, code, readable, accessed */
    static const unsigned data[] = { VMCB_ES, VMCB_SS, VMCB_DS, VMCB_FS, VMCB_GS };
    for (unsigned i = 0; i < 5; i++)
        set_seg(vmcb, data[i], 0, 0x0093, 0xFFFF, 0);
    set_seg(vmcb, VMCB_GDTR, 0, 0, 0xFFFF, 0);
    set_seg(vmcb, VMCB_IDTR, 0, 0, 0x3FF, 0);       /* the real-mode IVT */
    set_seg(vmcb, VMCB_LDTR, 0, 0x0082, 0xFFFF, 0);
    set_seg(vmcb, VMCB_TR, 0, 0x008B, 0xFFFF, 0);
    vmcb_set8(vmcb, VMCB_CPL, 0);
    vmcb_set64(vmcb, VMCB_EFER, EFER_SVME);          /* VMRUN insists on SVME */
    vmcb_set64(vmcb, VMCB_CR0, 0x10);                /* ET; paging and protection off */
    vmcb_set64(vmcb, VMCB_CR3, 0);
    vmcb_set64(vmcb, VMCB_CR4, 0);
    vmcb_set64(vmcb, VMCB_DR6, 0xFFFF0FF0);
    vmcb_set64(vmcb, VMCB_DR7, 0x400);
    vmcb_set64(vmcb, VMCB_G_PAT, 0x0007040600070406ull);
    vmcb_set64(vmcb, VMCB_RFLAGS, 0x2);
    vmcb_set64(vmcb, VMCB_RIP, rip);
}

static int svm_vcpu_init(struct vcpu *v)
{
    struct svm_vm *s = v->vm->arch;
    struct svm_vcpu *sv = kzalloc(sizeof(*sv));
    if (!sv)
        return -E_NOMEM;
    sv->vmcb_pa = alloc_filled(1, 0);
    if (!sv->vmcb_pa) {
        kfree(sv);
        return -E_NOMEM;
    }
    void *vmcb = sv->vmcb = phys_to_virt(sv->vmcb_pa);

    vmcb_set32(vmcb, VMCB_INTERCEPT_MISC1, MISC1_INTR | MISC1_NMI | MISC1_VINTR | MISC1_CPUID |
               MISC1_INVD | MISC1_HLT | MISC1_IOIO | MISC1_MSR | MISC1_SHUTDOWN);
    /* VMRUN must be intercepted or VMRUN fails; the other SVM instructions
     * would let a guest touch state that is not its own. */
    vmcb_set32(vmcb, VMCB_INTERCEPT_MISC2, MISC2_VMRUN | MISC2_VMMCALL | MISC2_VMLOAD |
               MISC2_VMSAVE | MISC2_STGI | MISC2_CLGI | MISC2_SKINIT | MISC2_MONITOR |
               MISC2_MWAIT);
    vmcb_set64(vmcb, VMCB_IOPM_BASE, iopm_pa);
    vmcb_set64(vmcb, VMCB_MSRPM_BASE, msrpm_pa);
    vmcb_set32(vmcb, VMCB_ASID, s->asid);
    vmcb_set64(vmcb, VMCB_INT_CTL, INT_CTL_V_INTR_MASKING);
    vmcb_set64(vmcb, VMCB_NP_ENABLE, 1);
    vmcb_set64(vmcb, VMCB_NCR3, s->ncr3);
    real_mode_state(vmcb, v->vm->entry_rip);

    memset(&v->regs, 0, sizeof(v->regs));
    v->regs.rip = v->vm->entry_rip;
    v->regs.rflags = 0x2;
    v->regs.gpr[VCPU_RSP] = v->vm->entry_rip;       /* a stack below the boot sector */
    sv->last_cpu = -1;
    sv->exit_rip = v->regs.rip;
    v->arch = sv;
    return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    struct svm_vcpu *sv = v->arch;
    if (!sv)
        return;
    pmm_free_pages(sv->vmcb_pa, 1);
    kfree(sv);
    v->arch = NULL;
}

/* Without NRIP save, the lengths of the instructions that exit here. */
static uint64_t next_rip(void *vmcb, uint64_t rip, unsigned len)
{
    return has_nrip ? vmcb_u64(vmcb, VMCB_NRIP) : rip + len;
}

static void decode_exit(void *vmcb, const struct vcpu *v, struct vm_exit *e)
{
    uint64_t code = vmcb_u64(vmcb, VMCB_EXITCODE);
    uint64_t i1 = vmcb_u64(vmcb, VMCB_EXITINFO1), i2 = vmcb_u64(vmcb, VMCB_EXITINFO2);
    uint64_t rip = v->regs.rip;
    e->code = code;
    e->info1 = i1;
    e->info2 = i2;
    switch (code) {
    case SVM_EXIT_CPUID:
        e->kind = VM_EXIT_CPUID;
        e->next_rip = next_rip(vmcb, rip, 2);
        break;
    case SVM_EXIT_MSR:
        e->kind = VM_EXIT_MSR;
        e->msr.write = i1 & 1;
        e->next_rip = next_rip(vmcb, rip, 2);
        break;
    case SVM_EXIT_IOIO:
        e->kind = VM_EXIT_IO;
        e->io.in = i1 & 1;
        e->io.string = (i1 >> 2) & 1;
        e->io.rep = (i1 >> 3) & 1;
        e->io.size = (i1 & (1u << 4)) ? 1 : (i1 & (1u << 5)) ? 2 : 4;
        e->io.port = (uint16_t)(i1 >> 16);
        e->next_rip = i2;                           /* architectural, NRIP or not */
        break;
    case SVM_EXIT_NPF:
        e->kind = VM_EXIT_NPF;
        e->npf.gpa = i2;
        e->npf.write = (i1 >> 1) & 1;
        e->npf.fetch = (i1 >> 4) & 1;
        break;
    case SVM_EXIT_HLT:
        e->kind = VM_EXIT_HLT;
        e->next_rip = next_rip(vmcb, rip, 1);
        break;
    case SVM_EXIT_VMMCALL:
        e->kind = VM_EXIT_HYPERCALL;
        e->next_rip = next_rip(vmcb, rip, 3);
        break;
    case SVM_EXIT_INTR:
        e->kind = VM_EXIT_INTR;
        break;
    case SVM_EXIT_NMI:
        e->kind = VM_EXIT_NMI;
        break;
    case SVM_EXIT_VINTR:
        e->kind = VM_EXIT_IRQ_WINDOW;
        break;
    case SVM_EXIT_SHUTDOWN:
        e->kind = VM_EXIT_SHUTDOWN;
        break;
    case SVM_EXIT_INVALID:
        e->kind = VM_EXIT_INVALID;
        break;
    default:
        e->kind = VM_EXIT_OTHER;
        break;
    }
}

static void svm_vcpu_run(struct vcpu *v, struct vm_exit *e)
{
    struct svm_vcpu *sv = v->arch;
    void *vmcb = sv->vmcb;
    int me = (int)(this_cpu()->index % HV_MAX_CPUS);
    struct svm_cpu *c = &cpus[me];

    /* An exit handler that moved RIP emulated the instruction after STI or
     * MOV SS, so that instruction's interrupt shadow is over. */
    if (v->regs.rip != sv->exit_rip)
        vmcb_set64(vmcb, VMCB_INT_SHADOW, 0);
    vmcb_set64(vmcb, VMCB_RAX, v->regs.gpr[VCPU_RAX]);
    vmcb_set64(vmcb, VMCB_RSP, v->regs.gpr[VCPU_RSP]);
    vmcb_set64(vmcb, VMCB_RIP, v->regs.rip);
    vmcb_set64(vmcb, VMCB_RFLAGS, v->regs.rflags);
    /* No flush-by-ASID on QEMU: flush everything on the first entry (the
     * ASID may have belonged to an earlier VM) and on each move to another
     * CPU (whose TLB may hold this ASID's translations from before). */
    vmcb_set8(vmcb, VMCB_TLB_CONTROL, sv->last_cpu == me ? 0 : 1);
    sv->last_cpu = me;

    svm_vmrun(v->regs.gpr, sv->vmcb_pa, c->host_save_pa);

    v->regs.gpr[VCPU_RAX] = vmcb_u64(vmcb, VMCB_RAX);
    v->regs.gpr[VCPU_RSP] = vmcb_u64(vmcb, VMCB_RSP);
    v->regs.rip = vmcb_u64(vmcb, VMCB_RIP);
    v->regs.rflags = vmcb_u64(vmcb, VMCB_RFLAGS);
    sv->exit_rip = v->regs.rip;

    /* An event whose delivery the exit interrupted is delivered again. */
    uint64_t pending = vmcb_u64(vmcb, VMCB_EXITINTINFO);
    vmcb_set64(vmcb, VMCB_EVENTINJ, (pending & EVT_VALID) ? pending : 0);
    decode_exit(vmcb, v, e);
}

static void svm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
    struct svm_vcpu *sv = v->arch;
    bool protected_mode = vmcb_u64(sv->vmcb, VMCB_CR0) & 1;
    uint64_t ev = vector | EVT_TYPE_EXC | EVT_VALID;
    if (has_error && protected_mode)                 /* real mode pushes no error code */
        ev |= EVT_ERR_VALID | ((uint64_t)error << 32);
    vmcb_set64(sv->vmcb, VMCB_EVENTINJ, ev);
}

static void svm_inject_irq(struct vcpu *v, uint8_t vector)
{
    struct svm_vcpu *sv = v->arch;
    vmcb_set64(sv->vmcb, VMCB_EVENTINJ, vector | EVT_TYPE_INTR | EVT_VALID);
}

static bool svm_irq_ready(struct vcpu *v)
{
    struct svm_vcpu *sv = v->arch;
    bool shadow = v->regs.rip == sv->exit_rip &&
                  (vmcb_u64(sv->vmcb, VMCB_INT_SHADOW) & INT_SHADOW_ACTIVE);
    return (v->regs.rflags & RFLAGS_IF) && !shadow &&
           !(vmcb_u64(sv->vmcb, VMCB_EVENTINJ) & EVT_VALID);
}

/* A virtual interrupt the guest is never given: with VINTR intercepted,
 * the CPU exits at the moment it would take it, and hv injects the real
 * one from the PIC. */
static void svm_irq_window(struct vcpu *v, bool on)
{
    struct svm_vcpu *sv = v->arch;
    uint64_t ctl = vmcb_u64(sv->vmcb, VMCB_INT_CTL) & ~(INT_CTL_V_IRQ | INT_CTL_V_INTR_PRIO |
                                                        INT_CTL_V_IGN_TPR);
    if (on)
        ctl |= INT_CTL_V_IRQ | INT_CTL_V_INTR_PRIO | INT_CTL_V_IGN_TPR;
    vmcb_set64(sv->vmcb, VMCB_INT_CTL, ctl);
}

static void svm_get_mode(struct vcpu *v, struct vcpu_mode *m)
{
    void *vmcb = ((struct svm_vcpu *)v->arch)->vmcb;
    uint16_t attr = *(volatile uint16_t *)vmcb_at(vmcb, VMCB_CS + SEG_ATTR);
    m->cs_base = vmcb_u64(vmcb, VMCB_CS + SEG_BASE);
    m->cr0 = vmcb_u64(vmcb, VMCB_CR0);
    m->cr3 = vmcb_u64(vmcb, VMCB_CR3);
    m->cr4 = vmcb_u64(vmcb, VMCB_CR4);
    m->efer = vmcb_u64(vmcb, VMCB_EFER) & ~EFER_SVME;
    m->cs_l = attr & (1u << 9);         /* VMCB attribute: bits 8-11 are AVL L D/B G */
    m->cs_db = attr & (1u << 10);
}

static int msr_offset(uint32_t msr)
{
    switch (msr) {
    case 0x174: return VMCB_SYSENTER_CS;
    case 0x175: return VMCB_SYSENTER_ESP;
    case 0x176: return VMCB_SYSENTER_EIP;
    case 0x277: return VMCB_G_PAT;
    case 0xC0000081u: return VMCB_STAR;
    case 0xC0000082u: return VMCB_LSTAR;
    case 0xC0000083u: return VMCB_CSTAR;
    case 0xC0000084u: return VMCB_SFMASK;
    case 0xC0000100u: return VMCB_FS + SEG_BASE;
    case 0xC0000101u: return VMCB_GS + SEG_BASE;
    case 0xC0000102u: return VMCB_KERNEL_GS_BASE;
    default: return -1;
    }
}

static int svm_msr_get(struct vcpu *v, uint32_t msr, uint64_t *value)
{
    struct svm_vcpu *sv = v->arch;
    if (msr == MSR_EFER) {
        *value = vmcb_u64(sv->vmcb, VMCB_EFER) & ~EFER_SVME;   /* SVME is ours */
        return 0;
    }
    int off = msr_offset(msr);
    if (off < 0)
        return -E_NOENT;
    *value = vmcb_u64(sv->vmcb, (unsigned)off);
    return 0;
}

static int svm_msr_set(struct vcpu *v, uint32_t msr, uint64_t value)
{
    struct svm_vcpu *sv = v->arch;
    if (msr == MSR_EFER) {
        if (value & ~EFER_GUEST_OK)
            return -E_INVAL;
        uint64_t lma = vmcb_u64(sv->vmcb, VMCB_EFER) & (1ull << 10);
        vmcb_set64(sv->vmcb, VMCB_EFER, (value & ~(1ull << 10)) | lma | EFER_SVME);
        return 0;
    }
    int off = msr_offset(msr);
    if (off < 0)
        return -E_NOENT;
    vmcb_set64(sv->vmcb, (unsigned)off, value);
    return 0;
}

const struct vcpu_ops svm_vcpu_ops = {
    .name = "svm",
    .cpu_init = svm_cpu_init,
    .vm_init = svm_vm_init,
    .vm_destroy = svm_vm_destroy,
    .init = svm_vcpu_init,
    .run = svm_vcpu_run,
    .inject_exception = svm_inject_exception,
    .inject_irq = svm_inject_irq,
    .msr_get = svm_msr_get,
    .msr_set = svm_msr_set,
    .destroy = svm_vcpu_destroy,
    .irq_ready = svm_irq_ready,
    .irq_window = svm_irq_window,
    .get_mode = svm_get_mode,
};
