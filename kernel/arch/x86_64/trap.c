/*
 * Interrupt and exception dispatch.  isr.S saves a struct trap_frame and
 * calls trap_dispatch(); registered handlers run for their vector, and an
 * exception nobody handles is fatal: a full register dump, a stack trace,
 * then panic().
 */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "lib/backtrace.h"
#include "lib/kprintf.h"

static trap_handler_fn handlers[256];
/* Per CPU: inside the fatal-exception report, so a fault while reporting
 * goes straight to panic instead of recursing. */
static volatile uint8_t reporting[HV_MAX_CPUS];

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
    "#OF overflow", "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS", "#NP segment not present",
    "#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
    "#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
    "#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
    "reserved 24", "reserved 25", "reserved 26", "reserved 27",
    "#HV hypervisor injection", "#VC VMM communication", "#SX security", "reserved 31",
};

void trap_set_handler(uint8_t vector, trap_handler_fn fn)
{
    __atomic_store_n(&handlers[vector], fn, __ATOMIC_RELEASE);
}

static void dump_frame(const struct trap_frame *tf)
{
    kprintf("hv: exception %s (vector %lu), error code 0x%lx, on cpu %u\n",
            exception_names[tf->vector & 31], tf->vector, tf->error_code, this_cpu()->index);
    kprintf("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
    kprintf("  rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->rsp);
    kprintf("  r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx\n", tf->r8, tf->r9, tf->r10, tf->r11);
    kprintf("  r12=%016lx r13=%016lx r14=%016lx r15=%016lx\n", tf->r12, tf->r13, tf->r14, tf->r15);
    kprintf("  rip=%016lx rflags=%016lx cs=%04lx ss=%04lx\n", tf->rip, tf->rflags, tf->cs, tf->ss);
    kprintf("  cr2=%016lx cr3=%016lx\n", read_cr2(), read_cr3());
}

void trap_dispatch(struct trap_frame *tf);
void trap_dispatch(struct trap_frame *tf)
{
    unsigned v = (unsigned)tf->vector;
    trap_handler_fn fn = __atomic_load_n(&handlers[v], __ATOMIC_ACQUIRE);
    if (fn) {
        fn(tf);
        return;
    }
    if (v < 32) {
        unsigned cpu = this_cpu()->index % HV_MAX_CPUS;
        if (reporting[cpu])
            panic("exception %s at %016lx while reporting an exception", exception_names[v], tf->rip);
        reporting[cpu] = 1;
        dump_frame(tf);
        backtrace_print(tf->rip, tf->rbp);
        panic("unhandled exception %s at %016lx", exception_names[v], tf->rip);
    }
    /* Spurious interrupts take no EOI; the masked 8259s may still raise
     * their spurious IRQ 7/15. */
    if (v == VEC_SPURIOUS || (v >= 32 && v < 48))
        return;
    kprintf("hv: warning: unexpected interrupt vector %u on cpu %u\n", v, this_cpu()->index);
    lapic_eoi();
}
