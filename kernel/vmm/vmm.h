/* The VMM as the shell (and later the management API) sees it: VMs by name.
 * Owner: vmm.
 *
 * Scheduling (vmm/sched.h): each running VM's vCPU is pinned to one
 * application processor, which time-shares its vCPUs with a 20 ms quantum.
 * The bootstrap CPU never runs guests, so the shell stays responsive
 * whatever a guest does.  Without an AP, vm_start says so.
 */
#ifndef HV_VMM_VMM_H
#define HV_VMM_VMM_H

#include <stddef.h>
#include <stdint.h>

#define VEC_VMM_RUN 0xE0        /* IPI: "run the vCPU assigned to you" */

/* Boot, hypervisor mode only, after smp_init: picks the backend, turns it on
 * on the BSP, defines the built-in test VMs.  Prints "hv: vmm: backend svm". */
void vmm_init(void);

/* NULL when VMs can run; otherwise why not ("no hardware virtualization on
 * this CPU", "VMs run only in hypervisor mode"). */
const char *vmm_unavailable(void);

/* A VM with mem_mib MiB of RAM (rounded up to 2 MiB) that boots image at
 * 0x7C00 in real mode.  image must stay valid.  0, -E_EXIST, -E_INVAL, -E_NOMEM. */
int vm_create(const char *name, unsigned mem_mib, const void *image, size_t image_len);
/* A new VM dst with src's memory size and image (to run several copies of
 * one guest side by side).  0, -E_NOENT (no src), -E_EXIST, -E_INVAL, -E_NOMEM. */
int vm_clone(const char *src, const char *dst);
/* Stopped VMs only; -E_BUSY while it runs. */
int vm_destroy(const char *name);
/* 0, -E_NOENT, -E_BUSY (running), -E_NOSPC (no AP or ASID), -E_NOMEM, -E_NOSYS (no VMM).
 * Logs "vm <name>: started" and, later, "vm <name>: stopped (<reason>)". */
int vm_start(const char *name);
/* Asks the vCPU to stop and waits for it (up to a second).  0, -E_NOENT,
 * -E_INVAL (not running), -E_TIMEDOUT. */
int vm_stop(const char *name);
/* One line per VM to the console. */
void vm_list(void);
/* Exit counters and state of one VM.  0 or -E_NOENT. */
int vm_info(const char *name);
/* The VM's console ring, NUL-terminated.  bytes copied or -E_NOENT. */
long vm_console(const char *name, char *buf, size_t n);
/* A VM's state as data, for the management API. */
#define VMM_HAS_VM_STATUS 1
struct vm_status {
    char name[32];                         /* VM_NAME_MAX */
    const char *state;                     /* "stopped", "running", "stopping" (static) */
    unsigned mem_mib;
    int cpu;                               /* host CPU running its vCPU, -1 when stopped */
    unsigned starts;                       /* times started since boot */
    uint64_t exits;                        /* VM exits of the current or last run */
    char last_stop[96];                    /* why it last stopped, "" if never */
};
/* A snapshot of VM i in list order: 0, or -E_NOENT past the end. */
int vm_status_at(unsigned i, struct vm_status *out);
/* A snapshot of VM name: 0 or -E_NOENT. */
int vm_status(const char *name, struct vm_status *out);
/* Asks a running VM to stop and returns at once ("stopping" until the vCPU
 * has left, then "stopped").  For callers that cannot wait (the API runs in
 * the timer tick).  0, -E_NOENT, -E_INVAL (not running). */
int vm_request_stop(const char *name);

/* The message for a negative return of the functions above. */
const char *vmm_strerror(int err);

#endif
