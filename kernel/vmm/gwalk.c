/* The walk (see gwalk.h).  Levels differ only in entry width, index bits
 * and which levels may map a large page, so one loop serves all modes. */
#include "vmm/gwalk.h"

#define CR0_PG    (1ull << 31)
#define CR4_PSE   (1ull << 4)
#define CR4_PAE   (1ull << 5)
#define EFER_LMA  (1ull << 10)
#define PTE_P     (1ull << 0)
#define PTE_PS    (1ull << 7)
#define ADDR_MASK 0x000FFFFFFFFFF000ull   /* 52-bit physical addresses */

static int read_entry(const struct gwalk_mem *mem, uint64_t gpa, unsigned width, uint64_t *e)
{
    uint64_t v = 0;
    if (mem->read(mem->ctx, gpa, &v, width) < 0)
        return -GWALK_ERANGE;
    *e = v;                     /* little-endian host: the low bytes are filled */
    return 0;
}

int gwalk_translate(const struct gwalk_mem *mem, const struct gwalk_paging *p, uint64_t lin,
                    uint64_t *gpa)
{
    if (!mem || !mem->read || !p || !gpa)
        return -GWALK_EBADARG;
    if (!(p->cr0 & CR0_PG)) {
        *gpa = lin & 0xFFFFFFFFull;
        return 0;
    }
    unsigned levels, width;
    uint64_t table;
    if (p->efer & EFER_LMA) {
        levels = 4;
        width = 8;
        table = p->cr3 & ADDR_MASK;
    } else if (p->cr4 & CR4_PAE) {
        /* The four PDPTEs sit at CR3[31:5]; the CPU loaded them at the MOV
         * to CR3, hv rereads them (the same unless the guest changed them
         * without reloading CR3, which it must not rely on). */
        lin &= 0xFFFFFFFFull;
        uint64_t pdpte;
        int rc = read_entry(mem, (p->cr3 & 0xFFFFFFE0ull) + ((lin >> 30) & 3) * 8, 8, &pdpte);
        if (rc < 0)
            return rc;
        if (!(pdpte & PTE_P))
            return -GWALK_ENOTPRESENT;
        if (pdpte & 0x1E6ull)   /* PDPTE reserved bits 1-2, 5-8 */
            return -GWALK_ERESERVED;
        levels = 2;
        width = 8;
        table = pdpte & ADDR_MASK;
    } else {
        lin &= 0xFFFFFFFFull;
        levels = 2;
        width = 4;
        table = p->cr3 & 0xFFFFF000ull;
    }
    unsigned idx_bits = width == 8 ? 9 : 10;
    for (unsigned lvl = levels; lvl >= 1; lvl--) {
        unsigned shift = 12 + (lvl - 1) * idx_bits;
        uint64_t idx = (lin >> shift) & ((1ull << idx_bits) - 1);
        uint64_t e;
        int rc = read_entry(mem, table + idx * width, width, &e);
        if (rc < 0)
            return rc;
        if (!(e & PTE_P))
            return -GWALK_ENOTPRESENT;
        int large = lvl > 1 && (e & PTE_PS) &&
                    (width == 8 ? lvl <= 3 : (p->cr4 & CR4_PSE) != 0);
        if (large) {
            uint64_t size = 1ull << shift;
            uint64_t base;
            if (width == 4) {   /* PSE: bits 31:22, and PSE-36 bits 20:13 -> 39:32 */
                base = (e & 0xFFC00000ull) | ((e >> 13) & 0xFFull) << 32;
            } else {
                base = e & ADDR_MASK & ~(size - 1);
                if (e & (size - 1) & ~0x1FFFull & ADDR_MASK)
                    return -GWALK_ERESERVED;   /* address bits below the page size */
            }
            *gpa = base + (lin & (size - 1));
            return 0;
        }
        table = width == 8 ? e & ADDR_MASK : e & 0xFFFFF000ull;
    }
    *gpa = table + (lin & 0xFFF);
    return 0;
}

size_t gwalk_fetch(const struct gwalk_mem *mem, const struct gwalk_paging *p, uint64_t lin,
                   uint8_t *buf, size_t max, int *err)
{
    size_t n = 0;
    int rc = 0;
    while (n < max) {
        uint64_t gpa;
        rc = gwalk_translate(mem, p, lin + n, &gpa);
        if (rc < 0)
            break;
        size_t piece = 4096 - ((lin + n) & 0xFFF);
        if (piece > max - n)
            piece = max - n;
        /* Byte by byte: the page may end inside guest RAM's last chunk. */
        size_t got = 0;
        while (got < piece && mem->read(mem->ctx, gpa + got, buf + n + got, 1) == 0)
            got++;
        n += got;
        if (got < piece) {
            rc = -GWALK_ERANGE;
            break;
        }
    }
    if (err)
        *err = n < max ? rc : 0;
    return n;
}

const char *gwalk_strerror(int err)
{
    switch (err < 0 ? -err : err) {
    case 0: return "ok";
    case GWALK_ENOTPRESENT: return "page not present";
    case GWALK_ERESERVED: return "reserved bit in a page-table entry";
    case GWALK_ERANGE: return "page or page table outside RAM";
    case GWALK_EBADARG: return "bad argument";
    default: return "unknown error";
    }
}
