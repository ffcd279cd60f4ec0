/*
 * Physical memory: the E820 map (mm/e820.c) decides what is RAM, a bitmap
 * (mm/frames.c) what is free.  The bitmap lives in the first usable RAM
 * below 4 GiB that is big enough, because until vm_init() only 0-4 GiB is in
 * the direct map.
 */
#include "mm/pmm.h"
#include "arch/x86_64/spinlock.h"
#include "hv/bootinfo.h"
#include "lib/kprintf.h"
#include "mm/e820.h"
#include "mm/frames.h"
#include "mm/vm.h"

#define MAX_RANGES (2 * HV_E820_MAX + 8)
#define LOW_RESERVED (1ull << 20)   /* BIOS data, boot stages, AP trampoline */
#define BOOT_MAP_LIMIT (4ull << 30) /* what entry.S's direct map covers */

extern char __kernel_phys_start[], __kernel_phys_end[];

static spinlock_t lock = SPINLOCK_INIT;
static struct frames frames;        /* guarded by lock */
static uint64_t usable_bytes;       /* constant after pmm_init */
static uint64_t max_phys;
static uint64_t bitmap_bytes;

void pmm_init(const struct hv_bootinfo *bi)
{
    static struct mem_range r[MAX_RANGES];
    size_t n = e820_usable(bi->e820, bi->e820_count, r, MAX_RANGES);
    if (n == 0)
        panic("pmm: the E820 map has no usable RAM");
    usable_bytes = ranges_total(r, n);
    n = ranges_align(r, n, PAGE_SIZE);
    if (n == 0)
        panic("pmm: the E820 map has no whole usable page");
    max_phys = r[n - 1].end;

    uint64_t kstart = (uint64_t)(uintptr_t)__kernel_phys_start;
    uint64_t kend = (uint64_t)(uintptr_t)__kernel_phys_end;
    n = ranges_remove(r, n, MAX_RANGES, 0, LOW_RESERVED);
    n = ranges_remove(r, n, MAX_RANGES, kstart, kend);

    uint64_t npages = max_phys / PAGE_SIZE;
    bitmap_bytes = (FRAMES_BITMAP_WORDS(npages) * 8 + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uint64_t bitmap_pa = ranges_find(r, n, bitmap_bytes, PAGE_SIZE, BOOT_MAP_LIMIT);
    if (bitmap_pa == 0)
        panic("pmm: no room below 4 GiB for the %lu KiB frame bitmap", bitmap_bytes / 1024);
    n = ranges_remove(r, n, MAX_RANGES, bitmap_pa, bitmap_pa + bitmap_bytes);

    frames_init(&frames, phys_to_virt(bitmap_pa), npages);
    for (size_t i = 0; i < n; i++)
        frames_set_free(&frames, r[i].base / PAGE_SIZE, (r[i].end - r[i].base) / PAGE_SIZE);
}

uint64_t pmm_alloc_pages(size_t n)
{
    uint64_t f = spin_lock_irqsave(&lock);
    int64_t first = frames_alloc(&frames, n);
    spin_unlock_irqrestore(&lock, f);
    return first < 0 ? 0 : (uint64_t)first * PAGE_SIZE;
}

uint64_t pmm_alloc_page(void)
{
    return pmm_alloc_pages(1);
}

void pmm_free_pages(uint64_t pa, size_t n)
{
    uint64_t f = spin_lock_irqsave(&lock);
    int r = (pa % PAGE_SIZE) ? -1 : frames_free(&frames, pa / PAGE_SIZE, n);
    spin_unlock_irqrestore(&lock, f);
    if (r < 0)
        panic("pmm: bad free of %zu pages at %016lx (not allocated)", n, pa);
}

uint64_t pmm_usable_bytes(void)
{
    return usable_bytes;
}

uint64_t pmm_free_bytes(void)
{
    uint64_t f = spin_lock_irqsave(&lock);
    uint64_t b = frames.nfree * PAGE_SIZE;
    spin_unlock_irqrestore(&lock, f);
    return b;
}

uint64_t pmm_max_phys(void)
{
    return max_phys;
}

uint64_t pmm_bitmap_bytes(void)
{
    return bitmap_bytes;
}
