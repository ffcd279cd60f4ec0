/* Entering a VMX guest and translating its exit into a vendor-neutral
 * struct vm_exit.  CR0/CR4 writes that touch the bits VMX forces are VMX's
 * own business and never reach the exit table (the guest sees its shadow
 * value; SVM has no such bits).
 * A failed VM entry stops the VM with the CPU's reason, decoded. */
#include "arch/x86_64/cpu.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "vmm/vm.h"
#include "vmm/vmx/vmcs.h"
#include "vmm/vmx/vmx.h"

#define PREEMPT_SLICE_TSC (1ull << 22)  /* a backstop; the host tick exits more often */
#define CR0_PE            (1ull << 0)
#define CR0_TS            (1ull << 3)
#define CR0_PG            (1ull << 31)
#define EFER_LME          (1ull << 8)
#define EFER_LMA          (1ull << 10)
#define BLOCK_STI_MOVSS   0x3u

static const char *const instr_errors[] = {
    [1] = "VMCALL in VMX root operation",
    [2] = "VMCLEAR with invalid physical address",
    [3] = "VMCLEAR with VMXON pointer",
    [4] = "VMLAUNCH with non-clear VMCS",
    [5] = "VMRESUME with non-launched VMCS",
    [6] = "VMRESUME after VMXOFF",
    [7] = "invalid control fields",
    [8] = "invalid host-state fields",
    [9] = "VMPTRLD with invalid physical address",
    [10] = "VMPTRLD with VMXON pointer",
    [11] = "VMPTRLD with wrong VMCS revision",
    [12] = "unsupported VMCS component",
    [13] = "VMWRITE to read-only component",
    [15] = "VMXON in VMX root operation",
    [16] = "invalid executive-VMCS pointer",
    [17] = "non-launched executive VMCS",
    [18] = "executive-VMCS pointer not VMXON pointer",
    [19] = "VMCALL with non-clear VMCS",
    [20] = "VMCALL with invalid VM-exit controls",
    [22] = "VMCALL with wrong MSEG revision",
    [23] = "VMXOFF under dual-monitor treatment",
    [24] = "VMCALL with invalid SMM-monitor features",
    [25] = "invalid controls in executive VMCS",
    [26] = "events blocked by MOV SS",
    [28] = "invalid operand to INVEPT/INVVPID",
};

static const char *instr_error_text(uint64_t n)
{
    const unsigned count = sizeof(instr_errors) / sizeof(instr_errors[0]);
    return n < count && instr_errors[n] ? instr_errors[n] : "unknown";
}

/* Exit reason 33: name what hv can check itself, else the CPU's numbers. */
static void bad_guest_state(struct vm *vm, uint64_t qual)
{
    uint64_t cr0 = vmread(VMCS_GUEST_CR0), cr4 = vmread(VMCS_GUEST_CR4);
    if (vmx_guest_cr0(cr0) != cr0)
        vm_set_stop_reason(vm, "invalid guest state: CR0 0x%lx against IA32_VMX_CR0_FIXED0/1", cr0);
    else if (vmx_guest_cr4(cr4) != cr4)
        vm_set_stop_reason(vm, "invalid guest state: CR4 0x%lx against IA32_VMX_CR4_FIXED0/1", cr4);
    else if ((cr0 & CR0_PG) && !(cr0 & CR0_PE))
        vm_set_stop_reason(vm, "invalid guest state: CR0.PG without CR0.PE");
    else
        vm_set_stop_reason(vm, "invalid guest state: exit reason 33, qualification %lu, rip 0x%lx",
                           qual, vmread(VMCS_GUEST_RIP));
}

static void entry_failed(struct vcpu *v, struct vm_exit *e, int rc, uint64_t reason)
{
    e->kind = VM_EXIT_INVALID;
    e->code = reason;
    if (rc == 1) {
        vm_set_stop_reason(v->vm, "VM entry failed: no current VMCS (VMfailInvalid)");
        return;
    }
    if (rc == 2) {
        uint64_t n = vmread(VMCS_INSTR_ERROR);
        e->info1 = n;
        vm_set_stop_reason(v->vm, "VM entry failed: VM-instruction error %lu (%s)", n,
                           instr_error_text(n));
        return;
    }
    uint64_t qual = vmread(VMCS_EXIT_QUALIFICATION);
    e->info1 = qual;
    switch (reason & 0xFFFF) {
    case EXIT_REASON_BAD_GUEST:
        bad_guest_state(v->vm, qual);
        break;
    case EXIT_REASON_MSR_LOADING:
        vm_set_stop_reason(v->vm, "invalid guest state: MSR load entry %lu failed", qual);
        break;
    case EXIT_REASON_MCE_ENTRY:
        vm_set_stop_reason(v->vm, "invalid guest state: machine check during VM entry");
        break;
    default:
        vm_set_stop_reason(v->vm, "invalid guest state: VM entry failed with exit reason %lu",
                           reason & 0xFFFF);
        break;
    }
}

static uint64_t *gpr_ref(struct vcpu *v, unsigned n)
{
    return &v->regs.gpr[n & 15];
}

/* MOV to/from CR, CLTS, LMSW on a bit hv owns (VMCS_CR0/4_MASK). */
static bool cr_access(struct vcpu *v, uint64_t qual)
{
    struct vmx_vcpu *xv = v->arch;
    unsigned cr = qual & 15, type = (qual >> 4) & 3;
    uint64_t *reg = gpr_ref(v, (unsigned)(qual >> 8));
    uint64_t val;
    switch (type) {
    case 0:                                             /* mov to cr */
        val = *reg;
        if (cr == 0)
            break;
        if (cr == 4) {
            xv->cr4_shadow = val;
            vmwrite(VMCS_CR4_SHADOW, val);
            vmwrite(VMCS_GUEST_CR4, vmx_guest_cr4(val));
            return true;
        }
        if (cr == 3) {
            vmwrite(VMCS_GUEST_CR3, val);
            return true;
        }
        return false;
    case 1:                                             /* mov from cr */
        if (cr != 3)
            return false;
        *reg = vmread(VMCS_GUEST_CR3);
        return true;
    case 2:                                             /* clts */
        val = xv->cr0_shadow & ~CR0_TS;
        break;
    default:                                            /* lmsw: PE can be set, not cleared */
        val = (xv->cr0_shadow & ~0xEull) | ((qual >> 16) & 0xF) | (xv->cr0_shadow & CR0_PE);
        break;
    }
    if (cr != 0)
        return false;
    xv->cr0_shadow = val;
    vmwrite(VMCS_CR0_SHADOW, val);
    vmwrite(VMCS_GUEST_CR0, vmx_guest_cr0(val));
    /* hv performed the write, so the long-mode switch the CPU would have
     * made is hv's too: LMA follows PG && LME, and the entry control LMA. */
    if (vmx_caps.entry & ENTRY_LOAD_EFER) {
        uint64_t efer = vmread(VMCS_GUEST_EFER), ctls = vmread(VMCS_ENTRY_CTLS);
        bool lma = (val & CR0_PG) && (efer & EFER_LME);
        vmwrite(VMCS_GUEST_EFER, lma ? efer | EFER_LMA : efer & ~EFER_LMA);
        vmwrite(VMCS_ENTRY_CTLS, lma ? ctls | ENTRY_IA32E_GUEST : ctls & ~(uint64_t)ENTRY_IA32E_GUEST);
    }
    return true;
}

#define VEC_UD 6

/* A #UD the guest raised (the only exception hv intercepts). */
static bool is_ud(uint32_t reason)
{
    uint64_t info = vmread(VMCS_EXIT_INTR_INFO);
    return reason == EXIT_REASON_EXCEPTION_NMI && (info & INTR_TYPE_MASK) == INTR_TYPE_HW_EXC &&
           (info & 0xFF) == VEC_UD;
}

/* AMD's VMMCALL raises #UD on Intel.  Taking it as the hypercall too (as
 * KVM does) lets the same guest binaries run on both backends.  Only for an
 * unpaged guest, whose linear addresses are guest-physical. */
static bool is_vmmcall(struct vcpu *v)
{
    static const uint8_t vmmcall[3] = { 0x0F, 0x01, 0xD9 };
    uint8_t b[3];
    if (vmread(VMCS_GUEST_CR0) & CR0_PG)
        return false;
    uint64_t lin = vmread(VMCS_GUEST_ES_BASE + 2 * SEG_CS) + v->regs.rip;
    return vm_read_guest(v->vm, lin & 0xFFFFFFFFull, b, 3) == 0 && memcmp(b, vmmcall, 3) == 0;
}

/* Exits handled here, without the exit table; true: enter again. */
static bool handled_inside(struct vcpu *v, uint32_t reason)
{
    if (is_ud(reason) && !is_vmmcall(v)) {
        vmwrite(VMCS_ENTRY_INTR_INFO, VEC_UD | INTR_TYPE_HW_EXC | INTR_INFO_VALID);
        return true;                    /* the guest's own #UD */
    }
    if (reason == EXIT_REASON_CR_ACCESS && cr_access(v, vmread(VMCS_EXIT_QUALIFICATION))) {
        v->regs.rip += vmread(VMCS_EXIT_INSTR_LEN);
        return true;
    }
    return false;
}

static void decode_exit(struct vcpu *v, uint32_t reason, struct vm_exit *e)
{
    uint64_t qual = vmread(VMCS_EXIT_QUALIFICATION);
    uint64_t next = v->regs.rip + vmread(VMCS_EXIT_INSTR_LEN);
    e->code = reason;
    e->info1 = qual;
    switch (reason) {
    case EXIT_REASON_CPUID:
        e->kind = VM_EXIT_CPUID;
        e->next_rip = next;
        break;
    case EXIT_REASON_RDMSR:
    case EXIT_REASON_WRMSR:
        e->kind = VM_EXIT_MSR;
        e->msr.write = reason == EXIT_REASON_WRMSR;
        e->next_rip = next;
        break;
    case EXIT_REASON_IO:
        e->kind = VM_EXIT_IO;
        e->io.size = (uint8_t)((qual & 7) + 1);
        e->io.in = (qual >> 3) & 1;
        e->io.string = (qual >> 4) & 1;
        e->io.rep = (qual >> 5) & 1;
        e->io.port = (uint16_t)(qual >> 16);
        e->next_rip = next;
        break;
    case EXIT_REASON_EPT_VIOLATION:
        e->kind = VM_EXIT_NPF;
        e->info2 = e->npf.gpa = vmread(VMCS_GUEST_PHYS_ADDR);
        e->npf.write = (qual >> 1) & 1;
        e->npf.fetch = (qual >> 2) & 1;
        break;
    case EXIT_REASON_HLT:
        e->kind = VM_EXIT_HLT;
        e->next_rip = next;
        break;
    case EXIT_REASON_VMCALL:
        e->kind = VM_EXIT_HYPERCALL;
        e->next_rip = next;
        break;
    case EXIT_REASON_EXT_INT:
    case EXIT_REASON_PREEMPT_TIMER:
        e->kind = VM_EXIT_INTR;
        break;
    case EXIT_REASON_INTR_WINDOW:
        e->kind = VM_EXIT_IRQ_WINDOW;
        break;
    case EXIT_REASON_TRIPLE_FAULT:
        e->kind = VM_EXIT_SHUTDOWN;
        break;
    case EXIT_REASON_EXCEPTION_NMI:
        e->info2 = vmread(VMCS_EXIT_INTR_INFO);
        if (is_ud(reason)) {            /* VMMCALL, see is_vmmcall */
            e->kind = VM_EXIT_HYPERCALL;
            e->next_rip = v->regs.rip + 3;
            break;
        }
        if ((e->info2 & INTR_TYPE_MASK) == INTR_TYPE_NMI) {
            e->kind = VM_EXIT_NMI;
            __asm__ volatile("int $2");     /* the NMI was the host's: hand it over */
            break;
        }
        e->kind = VM_EXIT_OTHER;
        break;
    case EXIT_REASON_EPT_MISCONFIG:
        e->info2 = vmread(VMCS_GUEST_PHYS_ADDR);
        e->kind = VM_EXIT_OTHER;
        break;
    default:
        e->kind = VM_EXIT_OTHER;
        break;
    }
}

/* The first entry of a vCPU: its VPID and EPT may have served another VM. */
static void flush_tlb(const struct vmx_vm *x)
{
    struct { uint64_t a, b; } desc;
    uint64_t cap = vmx_caps.ept_vpid;
    if (cap & EPTCAP_INVEPT) {
        uint64_t type = (cap & EPTCAP_INVEPT_SINGLE) ? 1 : 2;
        desc.a = x->eptp;
        desc.b = 0;
        if (cap & (EPTCAP_INVEPT_SINGLE | EPTCAP_INVEPT_ALL))
            __asm__ volatile("invept %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
    }
    if (x->vpid && (cap & (VPIDCAP_INVVPID_SINGLE | VPIDCAP_INVVPID_ALL))) {
        uint64_t type = (cap & VPIDCAP_INVVPID_SINGLE) ? 1 : 2;
        desc.a = x->vpid;
        desc.b = 0;
        __asm__ volatile("invvpid %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
    }
}

static const uint32_t syscall_msr_ids[5] = { 0xC0000081u, 0xC0000082u, 0xC0000083u, 0xC0000084u,
                                             0xC0000102u };

/* VMX does not switch the syscall MSRs; hv does, only for a guest that set them. */
static bool swap_syscall_msrs(uint64_t *load, uint64_t *save)
{
    bool any = false;
    for (unsigned i = 0; i < 5; i++)
        any |= load[i] != 0;
    if (!any)
        return false;
    for (unsigned i = 0; i < 5; i++) {
        save[i] = rdmsr(syscall_msr_ids[i]);
        wrmsr(syscall_msr_ids[i], load[i]);
    }
    return true;
}

void vmx_vcpu_run(struct vcpu *v, struct vm_exit *e)
{
    struct vmx_vcpu *xv = v->arch;
    if (vmx_vmcs_load(v) < 0) {
        e->kind = VM_EXIT_INVALID;
        vm_set_stop_reason(v->vm, "VM entry failed: could not load the VMCS on this CPU");
        return;
    }
    for (;;) {
        if (xv->launched && v->regs.rip != xv->exit_rip) {  /* an instruction was skipped */
            uint64_t blk = vmread(VMCS_GUEST_INTERRUPTIBILITY);
            if (blk & BLOCK_STI_MOVSS)
                vmwrite(VMCS_GUEST_INTERRUPTIBILITY, blk & ~(uint64_t)BLOCK_STI_MOVSS);
        }
        vmwrite(VMCS_GUEST_RSP, v->regs.gpr[VCPU_RSP]);
        vmwrite(VMCS_GUEST_RIP, v->regs.rip);
        vmwrite(VMCS_GUEST_RFLAGS, v->regs.rflags);
        if (vmx_caps.pin & PIN_PREEMPT_TIMER)
            vmwrite(VMCS_PREEMPT_TIMER, PREEMPT_SLICE_TSC >> vmx_caps.preempt_shift);
        if (!xv->launched)
            flush_tlb(v->vm->arch);

        uint64_t flags = cpu_save_flags();
        cpu_cli();
        uint64_t host_msrs[5];
        bool swapped = swap_syscall_msrs(xv->syscall_msrs, host_msrs);
        int rc = vmx_enter(v->regs.gpr, xv->launched);
        if (swapped) {
            for (unsigned i = 0; i < 5; i++)
                xv->syscall_msrs[i] = rdmsr(syscall_msr_ids[i]);
            swap_syscall_msrs(host_msrs, host_msrs);
        }
        cpu_restore_flags(flags);       /* a host interrupt behind the exit is taken here */

        if (rc != 0) {
            entry_failed(v, e, rc, 0);
            return;
        }
        uint32_t reason = (uint32_t)vmread(VMCS_EXIT_REASON);
        if (reason & EXIT_REASON_ENTRY_FAILED) {
            entry_failed(v, e, 0, reason);
            return;
        }
        xv->launched = true;
        v->regs.gpr[VCPU_RSP] = vmread(VMCS_GUEST_RSP);
        v->regs.rip = vmread(VMCS_GUEST_RIP);
        v->regs.rflags = vmread(VMCS_GUEST_RFLAGS);
        xv->exit_rip = v->regs.rip;

        /* An event whose delivery the exit interrupted is delivered again. */
        uint64_t idt = vmread(VMCS_IDT_VECTORING_INFO);
        if (idt & INTR_INFO_VALID) {
            if (idt & INTR_INFO_ERR_VALID)
                vmwrite(VMCS_ENTRY_EXC_ERROR, vmread(VMCS_IDT_VECTORING_ERROR));
            vmwrite(VMCS_ENTRY_INSTR_LEN, vmread(VMCS_EXIT_INSTR_LEN));
            vmwrite(VMCS_ENTRY_INTR_INFO, idt & ~(1ull << 12));
        }
        uint32_t basic = reason & 0xFFFF;
        if (handled_inside(v, basic)) {
            if (!v->stop_request)
                continue;
            e->kind = VM_EXIT_INTR;     /* let the loop see the stop request */
            e->code = basic;
            return;
        }
        decode_exit(v, basic, e);
        return;
    }
}
