/* CPU features hv cares about. Owner: platform. */
#ifndef HV_ARCH_CPUFEAT_H
#define HV_ARCH_CPUFEAT_H

#include <stdbool.h>

struct cpu_features {
    char vendor[13];
    char brand[49];
    bool svm, npt, vmx, ept, unrestricted_guest;
    bool x2apic, invariant_tsc;
    bool svm_disabled;          /* VM_CR.SVMDIS: the BIOS turned SVM off */
    bool vmx_disabled;          /* IA32_FEATURE_CONTROL locked without VMX */
};

void cpufeat_detect(void);
const struct cpu_features *cpufeat_get(void);
/* "svm" / "vmx" when hv can run VMs here, NULL otherwise. */
const char *cpufeat_virt_backend(void);

#endif
