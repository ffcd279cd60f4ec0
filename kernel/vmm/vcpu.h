/* A virtual CPU, vendor-neutral.  A backend (SVM today, VMX later) implements
 * struct vcpu_ops; everything above it -- the exit table, the hypercalls, the
 * VM life cycle -- sees only struct vcpu, struct vcpu_regs and struct
 * vm_exit.  The split follows Bao and Jailhouse: the backend enters the
 * guest and translates its exit into a vm_exit; vcpu.c decides what the exit
 * means.  See docs/vmm.md.  Owner: vmm.
 *
 * Usage (on the CPU that runs the vCPU, interrupts on):
 *     ops->cpu_init();  ops->init(v);
 *     vcpu_run_slice(v, until);  the scheduler's unit: returns at a stop, at
 *                                until_ns, or when the guest halts (sched.c)
 *     vcpu_run_loop(v);          or: until the VM stops; reason in vm->stop_reason
 *     ops->destroy(v);
 */
#ifndef HV_VMM_VCPU_H
#define HV_VMM_VCPU_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;

/* What made the guest leave, independent of the backend's exit codes. */
enum vm_exit_kind {
    VM_EXIT_CPUID,
    VM_EXIT_MSR,              /* rdmsr/wrmsr; the index is in RCX */
    VM_EXIT_IO,               /* in/out (and ins/outs, refused for now) */
    VM_EXIT_NPF,              /* nested page fault: a gpa not backed by RAM */
    VM_EXIT_HLT,
    VM_EXIT_HYPERCALL,        /* VMMCALL / VMCALL */
    VM_EXIT_INTR,             /* a host interrupt arrived while the guest ran */
    VM_EXIT_NMI,
    VM_EXIT_SHUTDOWN,         /* triple fault */
    VM_EXIT_INVALID,          /* the CPU refused the guest state (VMRUN failed) */
    VM_EXIT_OTHER,            /* any exit hv does not handle: stops the VM */
    VM_EXIT_IRQ_WINDOW,       /* the guest can take an interrupt now (ops->irq_window) */
    VM_EXIT_KINDS,
};

struct vm_exit {
    enum vm_exit_kind kind;
    uint64_t code;            /* the backend's own exit code, for messages */
    uint64_t info1, info2;    /* the backend's raw exit information */
    uint64_t next_rip;        /* RIP after the exiting instruction; 0: unknown */
    union {
        struct { uint16_t port; uint8_t size; bool in, string, rep; } io;
        struct { bool write; } msr;
        struct { uint64_t gpa; bool write, fetch; } npf;   /* the widest: vcpu.c clears it */
    };
};

/* General registers in instruction-encoding order (the order struct
 * mmio_regs and svm_run.S use). */
enum { VCPU_RAX, VCPU_RCX, VCPU_RDX, VCPU_RBX, VCPU_RSP, VCPU_RBP, VCPU_RSI, VCPU_RDI,
       VCPU_R8, VCPU_R9, VCPU_R10, VCPU_R11, VCPU_R12, VCPU_R13, VCPU_R14, VCPU_R15 };

/* The guest's registers as hv sees them between two runs: the backend loads
 * them before entering the guest and stores them after the exit, so exit
 * handlers read and write them directly (this is "get/set regs"). */
struct vcpu_regs {
    uint64_t gpr[16];
    uint64_t rip, rflags;
};

#define RFLAGS_IF (1ull << 9)

/* What fetching and decoding a guest instruction needs (MMIO emulation). */
struct vcpu_mode {
    uint64_t cs_base;
    uint64_t cr0, cr3, cr4, efer;
    bool cs_l, cs_db;         /* CS.L (64-bit code) and CS.D/B (32-bit default) */
};

/* Where a vCPU is, for the scheduler (kernel/vmm/sched.c) and `vm list`. */
enum vcpu_run_state { VCPU_READY, VCPU_ON_CPU, VCPU_HALTED };

struct vcpu_ops {
    const char *name;                                   /* "svm" */
    /* The calling CPU: turn virtualization on; idempotent.  0 or -E_*. */
    int (*cpu_init)(void);
    /* The VM's second-level page tables over vm->mem, and its address-space
     * tag (ASID/VPID).  0 or -E_NOMEM / -E_NOSPC. */
    int (*vm_init)(struct vm *vm);
    void (*vm_destroy)(struct vm *vm);
    /* A vCPU at its reset state: real mode, CS base 0, IP = vm->entry_rip. */
    int (*init)(struct vcpu *v);
    /* Enter the guest until the next exit; fills *exit and v->regs. */
    void (*run)(struct vcpu *v, struct vm_exit *exit);
    /* Deliver at the next entry.  An error code is dropped in real mode. */
    void (*inject_exception)(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);
    void (*inject_irq)(struct vcpu *v, uint8_t vector);
    /* MSRs whose value lives in the backend's guest state (EFER, STAR, FS
     * base, PAT, ...).  -E_NOENT when the backend does not hold msr. */
    int (*msr_get)(struct vcpu *v, uint32_t msr, uint64_t *value);
    int (*msr_set)(struct vcpu *v, uint32_t msr, uint64_t value);
    void (*destroy)(struct vcpu *v);
    /* Added for interrupt injection (kernel/vmm/irq.c); a backend that leaves
     * them NULL gets no device interrupts.  irq_ready: the guest would take
     * an external interrupt at the next entry (RFLAGS.IF, no interrupt
     * shadow, no event already waiting for injection).  irq_window(on):
     * make the guest exit (VM_EXIT_IRQ_WINDOW) as soon as it would. */
    bool (*irq_ready)(struct vcpu *v);
    void (*irq_window)(struct vcpu *v, bool on);
    /* CS base, control registers and CS.L/D of the guest (for MMIO). */
    void (*get_mode)(struct vcpu *v, struct vcpu_mode *m);
};

struct vcpu {
    struct vm *vm;
    unsigned id;
    const struct vcpu_ops *ops;
    void *arch;                           /* the backend's state (the VMCB) */
    struct vcpu_regs regs;
    volatile bool stop_request;           /* set by vm_stop on another CPU */
    int cpu;                              /* host CPU index running it, -1: none */
    uint64_t exits[VM_EXIT_KINDS];
    uint64_t exits_total;
    /* Scheduling (added): the guest executed HLT with IF=1 and waits for
     * an interrupt; wake_ns is the device deadline it sleeps until. */
    bool halted;
    uint64_t wake_ns;
    volatile enum vcpu_run_state run_state;
    uint64_t irqs_injected;
    uint64_t exits_before[VM_EXIT_KINDS]; /* earlier runs' exits (exits[] is this run's) */
    uint64_t cpu_ns;                      /* time on a host CPU since hv booted, all runs */
};

/* Why vcpu_run_slice returned. */
enum vcpu_slice { VCPU_SLICE_STOPPED, VCPU_SLICE_PREEMPTED, VCPU_SLICE_HALTED };

/* Runs the guest, dispatching each exit through the exit table, until a
 * handler or a stop request ends it.  The reason is in the VM's stop_reason. */
void vcpu_run_loop(struct vcpu *v);

/* Runs the guest until it stops (reason recorded), until_ns (timer_now_ns)
 * has passed at an exit (the host tick guarantees one), or it halts waiting
 * for an interrupt (then v->wake_ns says until when; VDEV_NO_DEADLINE:
 * until a stop request).  Call again to continue. */
enum vcpu_slice vcpu_run_slice(struct vcpu *v, uint64_t until_ns);

/* "cpuid", "msr", ... for counters and messages. */
const char *vm_exit_kind_name(enum vm_exit_kind kind);

/* The hypercall ABI (docs/vmm.md): RAX = number, arguments in RBX, RCX, RDX;
 * the result comes back in RAX (negative error codes as two's complement). */
#define HC_VERSION        0       /* -> HC_ABI_VERSION */
#define HC_CONSOLE_WRITE  1       /* RBX = guest-physical address, RCX = length (<= 4096) -> bytes */
#define HC_POWER_OFF      2       /* stops the VM: "guest powered off" */
#define HC_ABI_VERSION    1

/* CPUID 0x40000000: EBX ECX EDX spell this (12 bytes). */
#define HV_CPUID_SIGNATURE "hv hv hv    "

#endif
