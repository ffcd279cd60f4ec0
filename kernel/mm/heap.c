/*
 * The kernel heap: power-of-two size classes from 32 to 2048 bytes carved out
 * of whole pages, and anything larger straight from the pmm as contiguous
 * pages.  Every block starts with a 16-byte header that says which it is, so
 * kfree needs no size and catches bad pointers.  Small pages are never given
 * back: the kernel's small objects are long-lived.
 */
#include "mm/heap.h"
#include "arch/x86_64/spinlock.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include <stdint.h>

#define HDR_SIZE 16
#define MIN_SHIFT 5                 /* 32-byte blocks */
#define MAX_SHIFT 11                /* 2048-byte blocks */
#define NCLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define MAGIC_USED 0x48454150u      /* "HEAP" */
#define MAGIC_FREE 0x46524545u      /* "FREE" */
#define CLASS_LARGE 0xFFu

struct block {
    uint32_t magic;
    uint32_t cls;                   /* size class index, or CLASS_LARGE */
    union {
        uint64_t npages;            /* CLASS_LARGE: pages of this allocation */
        struct block *next;         /* free small block: next in its list */
    };
};

_Static_assert(sizeof(struct block) == HDR_SIZE, "the header keeps payloads 16-byte aligned");

static spinlock_t lock = SPINLOCK_INIT;
static struct block *free_list[NCLASSES];   /* guarded by lock */
static size_t used_bytes;                   /* handed out, headers included */
static uint64_t heap_pages;                 /* pages taken from the pmm */

void heap_init(void)
{
    for (int i = 0; i < NCLASSES; i++)
        free_list[i] = NULL;
}

static int class_of(size_t n)
{
    size_t need = n + HDR_SIZE;
    for (int c = 0; c < NCLASSES; c++)
        if (need <= (1ul << (MIN_SHIFT + c)))
            return c;
    return -1;
}

/* With the lock held: one more page cut into blocks of class c. */
static int refill(int c)
{
    uint64_t pa = pmm_alloc_page();
    if (!pa)
        return -1;
    heap_pages++;
    size_t bs = 1ul << (MIN_SHIFT + c);
    char *page = phys_to_virt(pa);
    for (size_t off = 0; off + bs <= PAGE_SIZE; off += bs) {
        struct block *b = (struct block *)(page + off);
        b->magic = MAGIC_FREE;
        b->cls = (uint32_t)c;
        b->next = free_list[c];
        free_list[c] = b;
    }
    return 0;
}

static void *alloc_large(size_t n)
{
    uint64_t pages = (n + HDR_SIZE + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t pa = pmm_alloc_pages(pages);
    if (!pa)
        return NULL;
    struct block *b = phys_to_virt(pa);
    b->magic = MAGIC_USED;
    b->cls = CLASS_LARGE;
    b->npages = pages;
    uint64_t f = spin_lock_irqsave(&lock);
    used_bytes += pages * PAGE_SIZE;
    heap_pages += pages;
    spin_unlock_irqrestore(&lock, f);
    return (char *)b + HDR_SIZE;
}

void *kmalloc(size_t n)
{
    if (n == 0)
        n = 1;
    int c = class_of(n);
    if (c < 0)
        return n > (1ull << 46) ? NULL : alloc_large(n);
    uint64_t f = spin_lock_irqsave(&lock);
    if (!free_list[c] && refill(c) < 0) {
        spin_unlock_irqrestore(&lock, f);
        return NULL;
    }
    struct block *b = free_list[c];
    free_list[c] = b->next;
    b->magic = MAGIC_USED;
    b->npages = 0;
    used_bytes += 1ul << (MIN_SHIFT + c);
    spin_unlock_irqrestore(&lock, f);
    return (char *)b + HDR_SIZE;
}

void *kzalloc(size_t n)
{
    void *p = kmalloc(n);
    if (p)
        memset(p, 0, n);
    return p;
}

void kfree(void *p)
{
    if (!p)
        return;
    struct block *b = (struct block *)((char *)p - HDR_SIZE);
    if (((uintptr_t)p & 15) || b->magic != MAGIC_USED ||
        (b->cls >= NCLASSES && b->cls != CLASS_LARGE))
        panic("kfree: %p is not a live heap block", p);
    if (b->cls == CLASS_LARGE) {
        uint64_t pages = b->npages;
        b->magic = MAGIC_FREE;
        uint64_t f = spin_lock_irqsave(&lock);
        used_bytes -= pages * PAGE_SIZE;
        heap_pages -= pages;
        spin_unlock_irqrestore(&lock, f);
        pmm_free_pages(virt_to_phys(b), pages);
        return;
    }
    uint64_t f = spin_lock_irqsave(&lock);
    b->magic = MAGIC_FREE;
    b->next = free_list[b->cls];
    free_list[b->cls] = b;
    used_bytes -= 1ul << (MIN_SHIFT + b->cls);
    spin_unlock_irqrestore(&lock, f);
}

size_t heap_used_bytes(void)
{
    return used_bytes;
}

size_t heap_reserved_bytes(void)
{
    return heap_pages * PAGE_SIZE;
}
