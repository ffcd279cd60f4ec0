/*
 * Per-CPU GDT and TSS.  Each CPU gets its own GDT because the TSS descriptor
 * holds the busy bit and the TSS holds the IST stacks: a #DF, NMI or #MC runs
 * on a known-good stack even when the kernel stack overflowed.
 *
 * The BSP uses static storage, so it can load its GDT/TSS before the heap
 * exists (kmain calls gdt_init_cpu(NULL) first, then again with its
 * struct percpu once that exists).
 */
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"

#define IST_STACK_SIZE 8192
#define IST_COUNT 3               /* 1: #DF, 2: NMI, 3: #MC (see idt.c) */

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct gdt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

struct cpu_gdt {
    uint64_t gdt[5];              /* null, kernel code, kernel data, TSS (2 slots) */
    struct tss tss;
    uint8_t *ist_stacks;          /* IST_COUNT stacks of IST_STACK_SIZE */
};

static struct cpu_gdt bsp_gdt;
static uint8_t bsp_ist_stacks[IST_COUNT * IST_STACK_SIZE] __attribute__((aligned(16)));

static void fill_gdt(struct cpu_gdt *g, uint64_t rsp0)
{
    memset(&g->tss, 0, sizeof(g->tss));
    g->tss.rsp[0] = rsp0;
    for (int i = 0; i < IST_COUNT; i++)
        g->tss.ist[i] = (uint64_t)(uintptr_t)(g->ist_stacks + (uint64_t)(i + 1) * IST_STACK_SIZE);
    g->tss.iomap_base = sizeof(struct tss);   /* no I/O bitmap */

    uint64_t base = (uint64_t)(uintptr_t)&g->tss;
    uint64_t limit = sizeof(struct tss) - 1;
    g->gdt[0] = 0;
    g->gdt[1] = 0x00AF9A000000FFFFull;        /* 64-bit code, DPL 0 */
    g->gdt[2] = 0x00CF92000000FFFFull;        /* data, DPL 0 */
    /* Available 64-bit TSS (type 9): rewritten each time, which also clears
     * the busy bit so ltr may run again. */
    g->gdt[3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
                (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    g->gdt[4] = base >> 32;
}

static void load_gdt(struct cpu_gdt *g)
{
    struct gdt_ptr p = { sizeof(g->gdt) - 1, (uint64_t)(uintptr_t)g->gdt };
    /* Reload CS with a far return; leave FS/GS alone: writing a selector
     * there would clear the GS base that this_cpu() depends on. */
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movl %2, %%eax\n\t"
        "movl %%eax, %%ds\n\t"
        "movl %%eax, %%es\n\t"
        "movl %%eax, %%ss\n\t"
        "ltr %w3"
        : : "m"(p), "i"(SEL_KCODE), "i"(SEL_KDATA), "r"((uint16_t)SEL_TSS)
        : "rax", "memory");
}

void gdt_init_cpu(struct percpu *pc)
{
    struct cpu_gdt *g;
    if (pc == NULL || pc->index == 0) {
        g = &bsp_gdt;
        g->ist_stacks = bsp_ist_stacks;
    } else {
        g = kzalloc(sizeof(*g));
        uint8_t *stacks = kmalloc(IST_COUNT * IST_STACK_SIZE);
        if (g == NULL || stacks == NULL)
            panic("gdt: out of memory for the GDT of cpu %u", pc->index);
        g->ist_stacks = stacks;
    }
    fill_gdt(g, pc ? pc->kstack_top : 0);
    load_gdt(g);
    if (pc)
        pc->arch = g;
}
