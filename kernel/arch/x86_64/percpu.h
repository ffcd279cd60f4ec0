/* Per-CPU data. Each CPU's GS base points at its struct percpu, so
 * this_cpu() is one load and needs no lock. Owner: smp (percpu.c). */
#ifndef HV_ARCH_PERCPU_H
#define HV_ARCH_PERCPU_H

#include <stdint.h>
#include <stdbool.h>

#define HV_MAX_CPUS 64

struct percpu {
    struct percpu *self;        /* at offset 0: this_cpu() reads %gs:0 */
    uint32_t index;             /* 0 = bootstrap CPU, dense 0..cpu_count()-1 */
    uint32_t apic_id;           /* local APIC id from the MADT */
    uint64_t kstack_top;        /* top of this CPU's kernel stack */
    volatile uint64_t ticks;    /* local timer interrupts taken; written only by this CPU */
    volatile bool online;       /* set by the CPU itself when it reaches its idle loop */
    void *arch;                 /* gdt/tss block of this CPU (gdt.c) */
};

/* The calling CPU's data; valid after percpu_init_bsp()/on an AP after its start. */
static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}

void percpu_init_bsp(void);                 /* BSP: index 0, sets GS base */
struct percpu *percpu_get(unsigned index);  /* NULL when out of range */
unsigned cpu_count(void);                   /* CPUs online (BSP included) */
/* smp.c: the next dense slot for a CPU about to start (NULL when full), and
 * giving it back when that CPU did not start; percpu_set_gs loads GS base. */
struct percpu *percpu_alloc(uint32_t apic_id);
void percpu_free_last(struct percpu *pc);
void percpu_set_gs(struct percpu *pc);

#endif
