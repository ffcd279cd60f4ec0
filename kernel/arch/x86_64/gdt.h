/* Per-CPU GDT and TSS. Owner: kernel core. */
#ifndef HV_ARCH_GDT_H
#define HV_ARCH_GDT_H

#include <stdint.h>

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS   0x18

struct percpu;
/* Give the calling CPU its own GDT and TSS (with IST stacks for #DF/NMI/#MC)
 * and load them; kstack_top becomes RSP0. Allocates from the heap (APs);
 * the BSP (index 0, or pc == NULL before per-CPU data exists) uses static
 * storage, so kmain can call it before the heap.  Leaves FS/GS alone. */
void gdt_init_cpu(struct percpu *pc);

#endif
