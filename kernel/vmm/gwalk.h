/* A guest page-table walk, for what hv must read through the guest's own
 * paging (the instruction behind an MMIO exit): 32-bit (with 4 MiB pages
 * when CR4.PSE), PAE and 4-level long mode, chosen from CR0/CR4/EFER as the
 * CPU does.  Guest memory is read through a callback, so host unit tests run
 * it on page tables built in a byte array.  Only translation: accessed and
 * dirty bits are not set, permissions are not checked (the CPU already
 * executed or faulted on the access).  Owner: vmm.
 *
 * Usage:
 *     struct gwalk_mem mem = { read_fn, ctx, ram_bytes };
 *     rc = gwalk_translate(&mem, &paging, lin, &gpa);
 *     n = gwalk_fetch(&mem, &paging, lin, buf, 15, &rc);   page by page
 */
#ifndef HV_VMM_GWALK_H
#define HV_VMM_GWALK_H

#include <stddef.h>
#include <stdint.h>

/* Reads len bytes of guest-physical memory; 0 or negative when outside RAM. */
struct gwalk_mem {
    int (*read)(void *ctx, uint64_t gpa, void *dst, size_t len);
    void *ctx;
};

/* The registers that select and root the walk. */
struct gwalk_paging {
    uint64_t cr0, cr3, cr4, efer;
};

enum gwalk_err {
    GWALK_ENOTPRESENT = 1,    /* an entry on the way has P = 0 (a #PF on hardware) */
    GWALK_ERESERVED,          /* an entry has a reserved bit set (also a #PF) */
    GWALK_ERANGE,             /* a table or the page lies outside guest RAM */
    GWALK_EBADARG,
};

/* The guest-physical address of linear address lin.  Paging off: lin itself
 * (truncated to 32 bits).  0 or -enum gwalk_err. */
int gwalk_translate(const struct gwalk_mem *mem, const struct gwalk_paging *p, uint64_t lin,
                    uint64_t *gpa);

/* Up to max bytes from linear address lin, translating each page on its
 * own (an instruction may cross into a page mapped elsewhere).  Returns the
 * bytes copied; when fewer than max, *err says why (else 0). */
size_t gwalk_fetch(const struct gwalk_mem *mem, const struct gwalk_paging *p, uint64_t lin,
                   uint8_t *buf, size_t max, int *err);

const char *gwalk_strerror(int err);

#endif
