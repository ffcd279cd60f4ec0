/*
 * Bitmap frame allocator.  One bit per 4 KiB frame: 32 KiB of bitmap per
 * GiB.  First fit from a hint that is never above the lowest free frame, so
 * single-page allocation skips the full words at the bottom quickly.
 */
#include "mm/frames.h"

static int test_bit(const struct frames *f, uint64_t i)
{
    return (f->bits[i / 64] >> (i % 64)) & 1;
}

void frames_init(struct frames *f, uint64_t *bits, uint64_t npages)
{
    f->bits = bits;
    f->npages = npages;
    f->nfree = 0;
    f->hint = npages;
    for (uint64_t w = 0; w < FRAMES_BITMAP_WORDS(npages); w++)
        bits[w] = ~0ull;
}

void frames_set_free(struct frames *f, uint64_t first, uint64_t n)
{
    for (uint64_t i = first; i < first + n && i < f->npages; i++) {
        if (test_bit(f, i)) {
            f->bits[i / 64] &= ~(1ull << (i % 64));
            f->nfree++;
        }
    }
    if (first < f->hint && n)
        f->hint = first;
}

void frames_set_used(struct frames *f, uint64_t first, uint64_t n)
{
    for (uint64_t i = first; i < first + n && i < f->npages; i++) {
        if (!test_bit(f, i)) {
            f->bits[i / 64] |= 1ull << (i % 64);
            f->nfree--;
        }
    }
}

static int64_t alloc_one(struct frames *f)
{
    for (uint64_t w = f->hint / 64; w < FRAMES_BITMAP_WORDS(f->npages); w++) {
        if (f->bits[w] == ~0ull)
            continue;
        uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(~f->bits[w]);
        if (i >= f->npages)
            break;
        f->hint = i + 1;
        frames_set_used(f, i, 1);
        return (int64_t)i;
    }
    f->hint = f->npages;
    return -1;
}

int64_t frames_alloc(struct frames *f, uint64_t n)
{
    if (n == 0 || n > f->nfree)
        return -1;
    if (n == 1)
        return alloc_one(f);
    uint64_t run = 0;
    for (uint64_t i = f->hint; i < f->npages; i++) {
        if (run == 0 && i % 64 == 0 && f->bits[i / 64] == ~0ull) {
            i += 63;              /* a full word: no run can start in it */
            continue;
        }
        if (test_bit(f, i)) {
            run = 0;
            continue;
        }
        if (++run == n) {
            uint64_t first = i + 1 - n;
            frames_set_used(f, first, n);
            return (int64_t)first;
        }
    }
    return -1;
}

int frames_free(struct frames *f, uint64_t first, uint64_t n)
{
    if (first >= f->npages || n > f->npages - first)
        return -1;
    for (uint64_t i = first; i < first + n; i++)
        if (!test_bit(f, i))
            return -1;
    frames_set_free(f, first, n);
    return 0;
}
