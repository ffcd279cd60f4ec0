/* PROPOSED ADDITION TO vmm/vmm.h (owner: vmm), declared here until it lands.
 *
 * The REST API needs two things vmm.h does not offer yet:
 *   - VM state as data (vm_list and vm_info only print to the console);
 *   - a stop that does not wait: vm_stop waits with hlt for the vCPU, and
 *     the API runs in the network stack's context, the BSP's timer tick with
 *     interrupts off, where that hlt would never wake up.
 * The references are weak: without the functions in the kernel the
 * endpoints that need them answer 501 naming what is missing.
 *
 * Landing it: vmm.h gains struct vm_status and the three functions (same
 * names and meanings) and `#define VMM_HAS_VM_STATUS 1`; vmm.c defines
 * them. Nothing in mgmt has to change at the same time; this header then
 * shrinks to the include, and goes. */
#ifndef HV_MGMT_VM_STATUS_H
#define HV_MGMT_VM_STATUS_H

#include <stdint.h>
#include "vmm/vmm.h"

#ifndef VMM_HAS_VM_STATUS
struct vm_status {
    char name[32];                         /* VM_NAME_MAX */
    const char *state;                     /* "stopped", "running", "stopping" (static) */
    unsigned mem_mib;
    int cpu;                               /* host CPU running its vCPU, -1 when stopped */
    unsigned starts;                       /* times started since boot */
    uint64_t exits;                        /* VM exits of the current or last run */
    char last_stop[96];                    /* why it last stopped, "" if never */
};
#endif

/* A snapshot of VM i in the VMM's list order: 0, or -E_NOENT past the end. */
int vm_status_at(unsigned i, struct vm_status *out) __attribute__((weak));
/* A snapshot of VM name: 0 or -E_NOENT. */
int vm_status(const char *name, struct vm_status *out) __attribute__((weak));
/* Asks a running VM to stop and returns at once (the state is "stopping"
 * until the vCPU has left, normally within one 20 ms quantum; then
 * "stopped" and the usual "vm <name>: stopped (<reason>)" line).
 * 0, -E_NOENT, -E_INVAL (not running). */
int vm_request_stop(const char *name) __attribute__((weak));

#endif
