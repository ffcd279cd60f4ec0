/*
 * E820 sanitizing.  Firmware maps can be unsorted, overlapping and
 * contradictory; we cut the address space at every entry boundary and judge
 * each piece on its own: usable only if some entry says usable and no entry
 * says anything else.  128 entries make at most 256 boundaries, so the
 * quadratic scan is cheap and obviously right.
 */
#include "mm/e820.h"

#define MAX_BOUNDS (2 * HV_E820_MAX)

static uint64_t entry_end(const struct hv_e820_entry *e)
{
    uint64_t end = e->base + e->length;
    return end < e->base ? UINT64_MAX : end;
}

static void sort_u64(uint64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

size_t e820_usable(const struct hv_e820_entry *e, size_t n, struct mem_range *out, size_t max)
{
    uint64_t b[MAX_BOUNDS];
    size_t nb = 0;
    if (n > HV_E820_MAX)
        n = HV_E820_MAX;
    for (size_t i = 0; i < n; i++) {
        if (e[i].length == 0)
            continue;
        b[nb++] = e[i].base;
        b[nb++] = entry_end(&e[i]);
    }
    sort_u64(b, nb);

    size_t count = 0;
    for (size_t k = 0; k + 1 < nb; k++) {
        uint64_t lo = b[k], hi = b[k + 1];
        if (lo == hi)
            continue;
        int usable = 0, other = 0;
        for (size_t i = 0; i < n; i++) {
            if (e[i].length == 0 || e[i].base > lo || entry_end(&e[i]) < hi)
                continue;     /* does not cover [lo, hi) */
            if (e[i].type == E820_USABLE)
                usable = 1;
            else
                other = 1;
        }
        if (!usable || other)
            continue;
        if (count > 0 && out[count - 1].end == lo)
            out[count - 1].end = hi;
        else if (count < max)
            out[count++] = (struct mem_range){ lo, hi };
    }
    return count;
}

size_t ranges_align(struct mem_range *r, size_t n, uint64_t align)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t base = r[i].base + (align - 1);
        if (base < r[i].base)
            continue;         /* rounding up ran past 2^64 */
        base &= ~(align - 1);
        uint64_t end = r[i].end & ~(align - 1);
        if (end > base)
            r[w++] = (struct mem_range){ base, end };
    }
    return w;
}

size_t ranges_remove(struct mem_range *r, size_t n, size_t max, uint64_t base, uint64_t end)
{
    if (end <= base)
        return n;
    for (size_t i = 0; i < n; i++) {
        if (r[i].end <= base || r[i].base >= end)
            continue;
        if (r[i].base < base && r[i].end > end) {      /* split in two */
            if (n < max) {
                for (size_t j = n; j > i + 1; j--)
                    r[j] = r[j - 1];
                r[i + 1] = (struct mem_range){ end, r[i].end };
                n++;
            }
            r[i].end = base;
            return n;
        }
        if (r[i].base < base) {
            r[i].end = base;
        } else if (r[i].end > end) {
            r[i].base = end;
        } else {                                       /* wholly inside: drop */
            for (size_t j = i; j + 1 < n; j++)
                r[j] = r[j + 1];
            n--;
            i--;
        }
    }
    return n;
}

uint64_t ranges_total(const struct mem_range *r, size_t n)
{
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += r[i].end - r[i].base;
    return t;
}

uint64_t ranges_find(const struct mem_range *r, size_t n, uint64_t size, uint64_t align, uint64_t limit)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t base = (r[i].base + align - 1) & ~(align - 1);
        if (base < r[i].base)
            continue;
        if (base == 0)
            base = align;
        if (base + size < base || base + size > r[i].end || base + size > limit)
            continue;
        return base;
    }
    return 0;
}
