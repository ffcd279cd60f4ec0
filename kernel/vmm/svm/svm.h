/* The AMD-V backend of the vCPU interface.  Owner: vmm (SVM backend). */
#ifndef HV_VMM_SVM_SVM_H
#define HV_VMM_SVM_SVM_H

#include <stdint.h>
#include "vmm/vcpu.h"

extern const struct vcpu_ops svm_vcpu_ops;

/* Per-VM state: the nested page tables and the address-space id. */
struct svm_vm {
    uint64_t ncr3;            /* physical address of the nested PML4 */
    uint32_t asid;            /* 1 .. svm_max_asid-1 */
};

/* svm_npt.c: 4-level nested tables mapping the VM's chunks (P|RW|US, 2 MiB
 * pages for aligned chunks).  0 or -E_NOMEM (nothing kept). */
int svm_npt_build(struct vm *vm, struct svm_vm *s);
void svm_npt_free(struct svm_vm *s);

/* svm_run.S: CLGI, VMSAVE host, VMLOAD guest, VMRUN, VMSAVE guest, VMLOAD
 * host, STGI.  gpr: all guest registers but RAX and RSP (which live in the
 * VMCB), in vcpu_regs order. */
void svm_vmrun(uint64_t *gpr, uint64_t guest_vmcb_pa, uint64_t host_save_pa);

#endif
