/* Per-CPU blocks: a static array indexed by the dense CPU index, one cache
 * line apart so one CPU's tick counter does not bounce another's line. */
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/cpu.h"
#include "lib/string.h"

#define MSR_GS_BASE        0xC0000101u
#define MSR_KERNEL_GS_BASE 0xC0000102u

static struct {
    struct percpu pc;
} __attribute__((aligned(64))) cpus[HV_MAX_CPUS];

/* Slots handed out by percpu_alloc (BSP only, during smp_init). */
static unsigned cpu_slots = 1;

void percpu_set_gs(struct percpu *pc)
{
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)pc);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void percpu_init_bsp(void)
{
    struct percpu *pc = &cpus[0].pc;
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    pc->self = pc;
    pc->index = 0;
    pc->apic_id = b >> 24;          /* the xAPIC id; lapic_init may refine it */
    pc->online = true;
    percpu_set_gs(pc);
}

struct percpu *percpu_alloc(uint32_t apic_id)
{
    if (cpu_slots == HV_MAX_CPUS)
        return NULL;
    struct percpu *pc = &cpus[cpu_slots].pc;
    memset(pc, 0, sizeof(*pc));
    pc->self = pc;
    pc->index = cpu_slots++;
    pc->apic_id = apic_id;
    return pc;
}

void percpu_free_last(struct percpu *pc)
{
    if (cpu_slots > 1 && pc == &cpus[cpu_slots - 1].pc)
        cpu_slots--;
}

struct percpu *percpu_get(unsigned index)
{
    return index < cpu_slots ? &cpus[index].pc : NULL;
}

unsigned cpu_count(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < cpu_slots; i++)
        n += __atomic_load_n(&cpus[i].pc.online, __ATOMIC_ACQUIRE);
    return n;
}
