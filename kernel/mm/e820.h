/* Turning the firmware's E820 map into clean usable ranges. Pure code (no
 * kernel services), unit-tested on the host. Owner: kernel core. */
#ifndef HV_MM_E820_H
#define HV_MM_E820_H

#include <stddef.h>
#include <stdint.h>
#include "hv/bootinfo.h"

#define E820_USABLE 1

struct mem_range {
    uint64_t base;
    uint64_t end;                 /* exclusive */
};

/* The usable RAM of the map: sorted, disjoint, adjacent ranges merged.
 * Where a usable entry overlaps any other type, the other type wins (the
 * BIOS may list a reserved hole inside a usable range); entries of length 0
 * are ignored, and one that runs past 2^64 is clipped.  Byte exact (no page
 * rounding).  Returns the number of ranges written (at most max). */
size_t e820_usable(const struct hv_e820_entry *e, size_t n, struct mem_range *out, size_t max);

/* Shrink every range to whole pages of size align (a power of two),
 * dropping those left empty.  Returns the new count. */
size_t ranges_align(struct mem_range *r, size_t n, uint64_t align);

/* Take [base, end) out of the sorted list r (capacity max: splitting a range
 * needs one more slot; if there is none the upper part is dropped).
 * Returns the new count. */
size_t ranges_remove(struct mem_range *r, size_t n, size_t max, uint64_t base, uint64_t end);

uint64_t ranges_total(const struct mem_range *r, size_t n);

/* The lowest base of size bytes, aligned to align, inside one range and
 * ending at or below limit; 0 when there is none (page 0 is never usable). */
uint64_t ranges_find(const struct mem_range *r, size_t n, uint64_t size, uint64_t align, uint64_t limit);

#endif
