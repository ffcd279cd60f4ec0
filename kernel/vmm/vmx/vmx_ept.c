/* Extended page tables: the guest-physical map of a VM.  The same shape as
 * svm_npt.c (4 levels, a 2 MiB page per aligned chunk), with EPT's entry
 * format: R/W/X permission bits and a memory type in the leaves. */
#include "vmm/vmx/vmx.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "vmm/vm.h"
#include "vmm/vmx/vmcs.h"

#define EPT_RWX    0x7ull
#define EPT_WB     (6ull << 3)        /* leaf memory type: write-back */
#define EPT_LARGE  0x80ull
#define EPT_ADDR   0x000FFFFFFFFFF000ull
#define EPTP_WB    6ull
#define EPTP_WALK4 (3ull << 3)        /* page-walk length minus one */

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

static uint64_t child(uint64_t *e)
{
    if (!(*e & EPT_RWX)) {
        uint64_t pa = new_table();
        if (!pa)
            return 0;
        *e = pa | EPT_RWX;
    }
    return *e & EPT_ADDR;
}

static int map_chunk(uint64_t pml4, const struct vm_mem_chunk *c)
{
    uint64_t gpa = c->gpa;
    uint64_t pdpt = child(&table(pml4)[(gpa >> 39) & 511]);
    uint64_t pd = pdpt ? child(&table(pdpt)[(gpa >> 30) & 511]) : 0;
    if (!pd)
        return -E_NOMEM;
    uint64_t *pde = &table(pd)[(gpa >> 21) & 511];
    if (c->huge && vmx_caps.ept_2m) {
        *pde = c->hpa | EPT_RWX | EPT_WB | EPT_LARGE;
        return 0;
    }
    uint64_t pt = child(pde);
    if (!pt)
        return -E_NOMEM;
    for (unsigned i = 0; i < 512; i++)
        table(pt)[i] = (c->hpa + (uint64_t)i * PAGE_SIZE) | EPT_RWX | EPT_WB;
    return 0;
}

int vmx_ept_build(struct vm *vm, struct vmx_vm *x)
{
    x->pml4 = new_table();
    if (!x->pml4)
        return -E_NOMEM;
    for (unsigned i = 0; i < vm->nchunks; i++) {
        if (map_chunk(x->pml4, &vm->chunks[i]) < 0) {
            vmx_ept_free(x);
            return -E_NOMEM;
        }
    }
    x->eptp = x->pml4 | EPTP_WALK4 | EPTP_WB;
    return 0;
}

static void free_level(uint64_t pa, int level)
{
    if (level > 1) {
        uint64_t *t = table(pa);
        for (unsigned i = 0; i < 512; i++)
            if ((t[i] & EPT_RWX) && !(t[i] & EPT_LARGE))
                free_level(t[i] & EPT_ADDR, level - 1);
    }
    pmm_free_pages(pa, 1);
}

void vmx_ept_free(struct vmx_vm *x)
{
    if (x->pml4)
        free_level(x->pml4, 4);
    x->pml4 = x->eptp = 0;
}
