/* Nested page tables for SVM.  With the host in long mode the CPU walks them
 * as ordinary 4-level x86-64 tables; every entry needs P, RW and US because
 * nested walks are user accesses. */
#include "vmm/svm/svm.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "vmm/vm.h"

#define NPT_P     0x1ull
#define NPT_RW    0x2ull
#define NPT_US    0x4ull
#define NPT_PS    0x80ull
#define NPT_FLAGS (NPT_P | NPT_RW | NPT_US)
#define NPT_ADDR  0x000FFFFFFFFFF000ull

static uint64_t *table(uint64_t pa)
{
    return phys_to_virt(pa);
}

static uint64_t new_table(void)
{
    uint64_t pa = pmm_alloc_page();
    if (pa)
        memset(table(pa), 0, PAGE_SIZE);
    return pa;
}

/* The table below entry *e, made when missing; 0 when out of memory. */
static uint64_t child(uint64_t *e)
{
    if (!(*e & NPT_P)) {
        uint64_t pa = new_table();
        if (!pa)
            return 0;
        *e = pa | NPT_FLAGS;
    }
    return *e & NPT_ADDR;
}

static int map_chunk(uint64_t pml4, const struct vm_mem_chunk *c)
{
    uint64_t gpa = c->gpa;
    uint64_t pdpt = child(&table(pml4)[(gpa >> 39) & 511]);
    uint64_t pd = pdpt ? child(&table(pdpt)[(gpa >> 30) & 511]) : 0;
    if (!pd)
        return -E_NOMEM;
    uint64_t *pde = &table(pd)[(gpa >> 21) & 511];
    if (c->huge) {
        *pde = c->hpa | NPT_FLAGS | NPT_PS;
        return 0;
    }
    uint64_t pt = child(pde);
    if (!pt)
        return -E_NOMEM;
    for (unsigned i = 0; i < 512; i++)
        table(pt)[i] = (c->hpa + (uint64_t)i * PAGE_SIZE) | NPT_FLAGS;
    return 0;
}

int svm_npt_build(struct vm *vm, struct svm_vm *s)
{
    s->ncr3 = new_table();
    if (!s->ncr3)
        return -E_NOMEM;
    for (unsigned i = 0; i < vm->nchunks; i++) {
        if (map_chunk(s->ncr3, &vm->chunks[i]) < 0) {
            svm_npt_free(s);
            return -E_NOMEM;
        }
    }
    return 0;
}

/* Frees the tables below a table of the given level (4 = PML4). */
static void free_level(uint64_t pa, int level)
{
    if (level > 1) {
        uint64_t *t = table(pa);
        for (unsigned i = 0; i < 512; i++)
            if ((t[i] & NPT_P) && !(t[i] & NPT_PS))
                free_level(t[i] & NPT_ADDR, level - 1);
    }
    pmm_free_pages(pa, 1);
}

void svm_npt_free(struct svm_vm *s)
{
    if (s->ncr3)
        free_level(s->ncr3, 4);
    s->ncr3 = 0;
}
