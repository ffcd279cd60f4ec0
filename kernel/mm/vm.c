/*
 * The kernel address space (one set of page tables shared by all CPUs):
 *   0x0000000000000000  nothing: the lower half stays unmapped, so stray
 *                       low pointers (NULL) fault (smp.c gives the AP
 *                       trampoline its own identity tables)
 *   0xFFFF800000000000  direct map of 0 .. max(4 GiB, end of RAM), 1 GiB
 *                       pages when the CPU has them, else 2 MiB
 *   0xFFFFC00000000000  uncached MMIO mappings (vm_map_mmio), 4 KiB pages
 *   0xFFFFFFFF80000000  the kernel image: text read-only, the rest no-execute
 * Page-table pages come from the pmm and are reached through the direct map.
 */
#include "mm/vm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/spinlock.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/pmm.h"

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_PS   (1ull << 7)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

#define GIB (1ull << 30)
#define MMIO_BASE 0xFFFFC00000000000ull
#define MMIO_SIZE (512 * GIB)

extern char __text_start[], __text_end[], __kernel_end[];
extern char __kernel_phys_start[];

static spinlock_t lock = SPINLOCK_INIT;
static uint64_t kernel_cr3;         /* 0 until vm_init switched to our tables */
static uint64_t direct_size = 4 * GIB;   /* mapped at DIRECT_MAP_BASE */
static uint64_t mmio_next = MMIO_BASE;   /* guarded by lock */
static uint64_t table_pages;        /* page-table pages taken from the pmm */
static uint64_t nx_bit;             /* PTE_NX when EFER.NXE is on, else 0 */

static uint64_t *table_virt(uint64_t entry)
{
    return phys_to_virt(entry & PTE_ADDR);
}

static uint64_t new_table(void)
{
    uint64_t pa = pmm_alloc_page();
    if (pa == 0)
        return 0;
    /* Before the switch only entry.S's 0-4 GiB direct map exists. */
    if (!kernel_cr3 && pa >= 4 * GIB)
        panic("vm: page table page %016lx above 4 GiB during vm_init", pa);
    memset(phys_to_virt(pa), 0, PAGE_SIZE);
    table_pages++;
    return pa;
}

/* The entry at level (3 = PML4 .. 0 = PT) for va, creating tables on the
 * way; NULL when out of memory or a large page is in the way. */
static uint64_t *walk_create(uint64_t root, uint64_t va, int level)
{
    uint64_t *t = phys_to_virt(root);
    for (int l = 3; l > level; l--) {
        uint64_t *e = &t[(va >> (12 + 9 * l)) & 511];
        if (!(*e & PTE_P)) {
            uint64_t pa = new_table();
            if (!pa)
                return NULL;
            *e = pa | PTE_P | PTE_W;
        } else if (*e & PTE_PS) {
            return NULL;
        }
        t = table_virt(*e);
    }
    return &t[(va >> (12 + 9 * level)) & 511];
}

static int map_range(uint64_t root, uint64_t va, uint64_t pa, uint64_t len, uint64_t flags)
{
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *e = walk_create(root, va + off, 0);
        if (!e)
            return -E_NOMEM;
        *e = (pa + off) | flags;
    }
    return 0;
}

static uint64_t pte_flags(unsigned flags)
{
    uint64_t f = PTE_P;
    if (flags & VM_WRITE)
        f |= PTE_W;
    if (flags & VM_NOCACHE)
        f |= PTE_PCD | PTE_PWT;
    if (!(flags & VM_EXEC))
        f |= nx_bit;
    return f;
}

static void map_direct(uint64_t root, int gib_pages)
{
    for (uint64_t pa = 0; pa < direct_size; pa += gib_pages ? GIB : (2ull << 20)) {
        uint64_t *e = walk_create(root, DIRECT_MAP_BASE + pa, gib_pages ? 2 : 1);
        if (!e)
            panic("vm: out of memory building the direct map");
        *e = pa | PTE_P | PTE_W | PTE_PS | nx_bit;
    }
}

void vm_init(void)
{
    uint32_t a, b, c, d;
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    if (d & (1u << 20))
        nx_bit = PTE_NX;          /* entry.S turned on EFER.NXE */
    int gib_pages = (d >> 26) & 1;

    uint64_t top = pmm_max_phys() > 4 * GIB ? pmm_max_phys() : 4 * GIB;
    direct_size = (top + GIB - 1) & ~(GIB - 1);

    uint64_t root = new_table();
    if (!root)
        panic("vm: out of memory for the kernel page tables");
    map_direct(root, gib_pages);

    uint64_t kstart = (uint64_t)(uintptr_t)__kernel_phys_start;
    uint64_t text = (uint64_t)(uintptr_t)__text_start, etext = (uint64_t)(uintptr_t)__text_end;
    uint64_t kend = (uint64_t)(uintptr_t)__kernel_end;
    int r = map_range(root, KERNEL_VBASE + kstart, kstart, text - KERNEL_VBASE - kstart,
                      pte_flags(VM_WRITE));
    r |= map_range(root, text, text - KERNEL_VBASE, etext - text, pte_flags(VM_EXEC));
    r |= map_range(root, etext, etext - KERNEL_VBASE, kend - etext, pte_flags(VM_WRITE));
    if (r)
        panic("vm: out of memory mapping the kernel");

    write_cr3(root);
    kernel_cr3 = root;
}

int vm_map(uint64_t va, uint64_t pa, size_t len, unsigned flags)
{
    if ((va | pa) & (PAGE_SIZE - 1) || len == 0)
        return -E_INVAL;
    len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uint64_t f = spin_lock_irqsave(&lock);
    int r = map_range(read_cr3() & PTE_ADDR, va, pa, len, pte_flags(flags));
    spin_unlock_irqrestore(&lock, f);
    for (uint64_t off = 0; off < len; off += PAGE_SIZE)
        invlpg(va + off);
    return r;
}

void *vm_map_mmio(uint64_t pa, size_t len)
{
    uint64_t off = pa & (PAGE_SIZE - 1);
    uint64_t size = (off + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (len == 0 || size < len)
        return NULL;
    uint64_t f = spin_lock_irqsave(&lock);
    uint64_t va = mmio_next;
    if (size > MMIO_BASE + MMIO_SIZE - va) {
        spin_unlock_irqrestore(&lock, f);
        return NULL;
    }
    mmio_next += size;
    spin_unlock_irqrestore(&lock, f);
    if (vm_map(va, pa - off, size, VM_WRITE | VM_NOCACHE) < 0)
        return NULL;
    return (void *)(uintptr_t)(va + off);
}

uint64_t virt_to_phys(const void *p)
{
    uint64_t va = (uint64_t)(uintptr_t)p;
    if (va >= KERNEL_VBASE && va < (uint64_t)(uintptr_t)__kernel_end)
        return va - KERNEL_VBASE;
    if (va >= DIRECT_MAP_BASE && va - DIRECT_MAP_BASE < direct_size)
        return va - DIRECT_MAP_BASE;
    /* Anything else: ask the page tables. */
    uint64_t *t = phys_to_virt(read_cr3() & PTE_ADDR);
    for (int l = 3; l >= 0; l--) {
        uint64_t e = t[(va >> (12 + 9 * l)) & 511];
        if (!(e & PTE_P))
            return VM_NOT_MAPPED;
        if (l == 0 || (e & PTE_PS)) {
            uint64_t mask = (1ull << (12 + 9 * l)) - 1;
            return ((e & PTE_ADDR) & ~mask) | (va & mask);
        }
        t = table_virt(e);
    }
    return VM_NOT_MAPPED;
}

uint64_t vm_table_bytes(void)
{
    return table_pages * PAGE_SIZE;
}
