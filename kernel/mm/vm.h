/* Kernel virtual memory. Owner: kernel core.
 *   0xFFFF800000000000  direct map of physical memory (all RAM and 0-4 GiB)
 *   0xFFFFC00000000000  uncached MMIO mappings (vm_map_mmio)
 *   0xFFFFFFFF80000000  the kernel image (physical 0 + offset)
 *   the lower half is not mapped
 */
#ifndef HV_MM_VM_H
#define HV_MM_VM_H

#include <stdint.h>
#include <stddef.h>

#define KERNEL_VBASE     0xFFFFFFFF80000000ull
#define DIRECT_MAP_BASE  0xFFFF800000000000ull

static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE); }
uint64_t virt_to_phys(const void *va);          /* direct map or kernel image */
#define VM_NOT_MAPPED (~0ull)                   /* virt_to_phys of an unmapped address */

#define VM_WRITE   (1u << 0)
#define VM_NOCACHE (1u << 1)   /* MMIO: PCD|PWT */
#define VM_EXEC    (1u << 2)

void vm_init(void);   /* builds the final kernel page tables, switches CR3 */
/* Map [pa, pa+len) at va in the kernel address space (4 KiB granularity). */
int vm_map(uint64_t va, uint64_t pa, size_t len, unsigned flags);
/* An uncached mapping of device registers; NULL on failure. */
void *vm_map_mmio(uint64_t pa, size_t len);
/* Bytes of page tables vm_init and vm_map took from the pmm. */
uint64_t vm_table_bytes(void);

#endif
