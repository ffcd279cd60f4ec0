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
/* After the ready line: starts the VMs whose definition says autostart,
 * logging "vm <name>: autostart" and why one could not start. */
void vmm_autostart(void);

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
/* For metrics: the VM's exits by kind (index: enum vm_exit_kind, vcpu.h)
 * since hv booted, all runs together, into counts[0..n): the number of
 * kinds filled, or -E_NOENT.  And the time its vCPU spent on host CPUs
 * (guest mode plus exit handling): 0 and *ns, or -E_NOENT. */
int vm_exit_counts(const char *name, uint64_t *counts, unsigned n);
int vm_cpu_time_ns(const char *name, uint64_t *ns);
/* Asks a running VM to stop and returns at once ("stopping" until the vCPU
 * has left, then "stopped").  For callers that cannot wait (the API runs in
 * the timer tick).  0, -E_NOENT, -E_INVAL (not running). */
int vm_request_stop(const char *name);

/* ---- VM definitions (VMS/<name>.vm on the datastore, vmm/vmdef.h) ----
 * These write the datastore: call them where sleeping on its lock is fine
 * (the shell).  From interrupt context they may return -E_BUSY when the
 * datastore is in use (try again).  err gets a message on failure. */
struct vmdef;
/* A new persistent VM: -E_EXIST, -E_INVAL (err says which field), -E_IO
 * (could not write its file; nothing defined), -E_NOSYS (no datastore). */
int vm_define(const struct vmdef *d, char *err, size_t errlen);
/* Changes one key of a stopped VM's definition, on disk and in memory:
 * -E_NOENT, -E_BUSY (running), -E_INVAL (err), -E_IO. */
int vm_set(const char *name, const char *key, const char *value, char *err, size_t errlen);
/* Removes a stopped VM and its definition file (its disks stay). */
int vm_delete(const char *name);
/* A copy of the VM's definition: 0 or -E_NOENT.  Built-in test VMs have one
 * too (boot = guest:<name>, not persistent). */
int vm_get_def(const char *name, struct vmdef *out);

/* ---- life cycle beyond start/stop (none of these wait; safe from the tick) ----
 * Each returns 0, -E_NOENT, or -E_INVAL when the VM is not in a state that
 * allows it (the message says which: vmm_strerror). */
/* Hard reset: the VM restarts from its BIOS/boot image with fresh devices
 * and RAM, as a reset button does.  Running or paused VMs only. */
int vm_reset(const char *name);
/* Pause keeps the VM in memory but gives its vCPU no CPU time; resume
 * continues it where it was. */
int vm_pause(const char *name);
int vm_resume(const char *name);
/* ACPI-style soft stop: presses the VM's power button (PM1 PWRBTN_STS + SCI)
 * and lets the guest power itself off; after grace_ms without that, the VM
 * is stopped hard (reason says so).  grace_ms 0: VMM_SHUTDOWN_GRACE_MS. */
#define VMM_SHUTDOWN_GRACE_MS 30000
int vm_shutdown(const char *name, unsigned grace_ms);

/* ---- the VM's serial console ----
 * Bytes for the guest's COM1 receiver (typed input); -E_NOSPC when its
 * input queue is full (bytes taken is returned otherwise). */
long vm_console_write(const char *name, const void *bytes, size_t n);
/* The same text typed on the VM's keyboard (i8042 scan codes, US layout,
 * '\n' is Enter): for guests that read the keyboard, not COM1. */
long vm_console_keys(const char *name, const void *bytes, size_t n);
/* Output from byte offset `from` of everything the VM ever printed (since
 * boot of hv): copies at most n bytes into buf, sets *next to the offset
 * after them and *first to the oldest offset still in the ring (output
 * older than that was overwritten).  Returns bytes copied or -E_NOENT. */
long vm_console_since(const char *name, uint64_t from, char *buf, size_t n,
                      uint64_t *next, uint64_t *first);

/* ---- VM state changes, for GET /events ----
 * Every change of a VM's state (defined, started, paused, resumed, reset,
 * stopping, stopped (with reason), deleted) gets a sequence number.
 * vmm_event_get copies event seq into *out: 0, -E_NOENT when it has not
 * happened yet, -E_RANGE when it was overwritten (the ring keeps 256). */
struct vmm_event {
    uint64_t seq;
    uint64_t time_ns;                      /* timer_now_ns() when it happened */
    char vm[32];
    const char *what;                      /* "defined", "started", "paused", ... (static) */
    char detail[96];                       /* the stop reason, or "" */
};
int vmm_event_get(uint64_t seq, struct vmm_event *out);
uint64_t vmm_event_next_seq(void);         /* the seq the next event will get */

/* The message for a negative return of the functions above. */
const char *vmm_strerror(int err);

#endif
