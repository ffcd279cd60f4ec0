/* The Intel VT-x backend of the vCPU interface (docs/vmx.md).
 * Owner: vmm (VMX backend). */
#ifndef HV_VMM_VMX_VMX_H
#define HV_VMM_VMX_VMX_H

#include <stdbool.h>
#include <stdint.h>
#include "vmm/vcpu.h"

extern const struct vcpu_ops vmx_vcpu_ops;

/* What the CPU lets hv use, read once from the capability MSRs. */
struct vmx_caps {
    uint32_t revision;                  /* IA32_VMX_BASIC[30:0], first dword of VMXON/VMCS regions */
    uint32_t pin, proc, proc2, exit, entry;     /* the controls hv runs with */
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint64_t ept_vpid;                  /* IA32_VMX_EPT_VPID_CAP */
    unsigned preempt_shift;             /* timer ticks = TSC >> this */
    bool ept_2m;
};
extern struct vmx_caps vmx_caps;

/* Per-VM state: EPT and the address-space tag. */
struct vmx_vm {
    uint64_t pml4;            /* physical address of the EPT PML4 */
    uint64_t eptp;
    uint16_t vpid;            /* 0: VPID not in use */
};

/* Per-vCPU state. */
struct vmx_vcpu {
    uint64_t vmcs_pa;
    int cpu;                  /* host CPU the VMCS is current on, -1: none yet */
    bool launched;            /* VMRESUME from now on */
    uint64_t exit_rip;        /* RIP at the last exit; moved by hv: the STI/MOV SS shadow is over */
    uint64_t syscall_msrs[5]; /* STAR LSTAR CSTAR SFMASK KERNEL_GS_BASE, loaded around entry */
    uint64_t efer;            /* when the CPU cannot load/save EFER itself */
    uint64_t cr0_shadow, cr4_shadow;
};

/* vmx_ept.c: 4-level EPT over the VM's chunks (RWX, write-back, 2 MiB
 * pages for aligned chunks when the CPU has them).  0 or -E_NOMEM. */
int vmx_ept_build(struct vm *vm, struct vmx_vm *x);
void vmx_ept_free(struct vmx_vm *x);

/* vmx.c */
/* Makes v's VMCS the current one on this CPU (several vCPUs share an AP;
 * a vCPU never changes CPU, sched.h); the first time, writes every field. */
int vmx_vmcs_load(struct vcpu *v);
/* Real CR0/CR4 for what the guest asked for (fixed bits forced; with
 * unrestricted guest PE and PG stay the guest's). */
uint64_t vmx_guest_cr0(uint64_t want);
uint64_t vmx_guest_cr4(uint64_t want);

/* vmx_exit.c: the run op. */
void vmx_vcpu_run(struct vcpu *v, struct vm_exit *e);

/* vmx_run.S: loads the guest GPRs (all but RSP, which the VMCS holds),
 * VMLAUNCH or VMRESUME, and stores them at the exit.  0 after a VM exit,
 * 1 VMfailInvalid, 2 VMfailValid (VM-instruction error field). */
int vmx_enter(uint64_t *gpr, int launched);
void vmx_exit_stub(void);

#endif
