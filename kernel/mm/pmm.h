/* Physical page frames from the E820 map. Owner: kernel core. Thread-safe. */
#ifndef HV_MM_PMM_H
#define HV_MM_PMM_H

#include <stdint.h>
#include <stddef.h>

#define PAGE_SIZE 4096ull

struct hv_bootinfo;
/* All usable RAM (above 4 GiB too), minus the first MiB, the kernel image and
 * the allocator's own bitmap. */
void pmm_init(const struct hv_bootinfo *bi);
uint64_t pmm_alloc_page(void);                 /* physical address, 0 when out of memory */
uint64_t pmm_alloc_pages(size_t n);            /* n contiguous pages, 0 when none */
void pmm_free_pages(uint64_t pa, size_t n);
uint64_t pmm_usable_bytes(void);               /* usable RAM per the E820 map */
uint64_t pmm_free_bytes(void);
uint64_t pmm_max_phys(void);                   /* end of the highest usable RAM */
uint64_t pmm_bitmap_bytes(void);               /* the allocator's own bitmap */

#endif
