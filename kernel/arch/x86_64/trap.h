/* Interrupts and exceptions. Owner: kernel core (idt.c, trap.c, isr.S). */
#ifndef HV_ARCH_TRAP_H
#define HV_ARCH_TRAP_H

#include <stdint.h>

/* Saved by the common entry stub, lowest address first. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;             /* error_code 0 when the CPU pushes none */
    uint64_t rip, cs, rflags, rsp, ss;       /* pushed by the CPU */
};

/* Vectors: 0-31 exceptions, 32-47 the (masked) legacy PIC, then these. */
#define VEC_IRQ_BASE    0x30    /* IOAPIC GSI n is delivered at VEC_IRQ_BASE + n */
#define VEC_LAPIC_TIMER 0xF0
#define VEC_IPI_HALT    0xF1    /* stop this CPU (panic, poweroff) */
#define VEC_SPURIOUS    0xFF

typedef void (*trap_handler_fn)(struct trap_frame *tf);

void idt_init(void);              /* BSP: build the shared IDT */
void idt_load(void);              /* every CPU: lidt */
/* Handler for an interrupt vector (>= 32). Exceptions (< 32) without a
 * handler print a register dump and a stack trace, then panic. */
void trap_set_handler(uint8_t vector, trap_handler_fn fn);

/* Interrupt handlers call this when done (the LAPIC EOI); set by lapic.c. */
void lapic_eoi(void);

#endif
