/* A bitmap of page frames: the allocation logic of the pmm without locks or
 * memory maps, so the host unit tests can drive it. Owner: kernel core. */
#ifndef HV_MM_FRAMES_H
#define HV_MM_FRAMES_H

#include <stddef.h>
#include <stdint.h>

struct frames {
    uint64_t *bits;               /* bit set = frame in use (or not RAM) */
    uint64_t npages;              /* frames the bitmap describes: 0 .. npages-1 */
    uint64_t nfree;               /* clear bits */
    uint64_t hint;                /* no free frame below this one */
};

#define FRAMES_BITMAP_WORDS(npages) (((npages) + 63) / 64)

/* Every frame starts in use; the caller frees what the memory map allows. */
void frames_init(struct frames *f, uint64_t *bits, uint64_t npages);
void frames_set_free(struct frames *f, uint64_t first, uint64_t n);
void frames_set_used(struct frames *f, uint64_t first, uint64_t n);
/* n contiguous free frames, the lowest such run; returns its first frame
 * or -1.  Marks them used. */
int64_t frames_alloc(struct frames *f, uint64_t n);
/* Returns 0, or -1 if the range is out of bounds or not all in use
 * (a double free): then nothing changes. */
int frames_free(struct frames *f, uint64_t first, uint64_t n);

#endif
