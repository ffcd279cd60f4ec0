/* Shared by the VMM device tests: a deterministic PRNG and a loop that fires
 * random port accesses at a bus, so ASan/UBSan see any out-of-bounds access
 * or overflow a hostile guest could provoke. */
#ifndef TEST_VMM_HAMMER_H
#define TEST_VMM_HAMMER_H

#include <stdint.h>
#include "vmm/iobus.h"

static inline uint64_t hammer_rand(uint64_t *s)
{
    uint64_t x = *s;          /* xorshift64 */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* n accesses to ports in [lo, hi] (sizes 1/2/4, reads and writes, values
 * biased to the interesting bytes); tick() runs between accesses when set. */
static inline void hammer(struct iobus *bus, uint64_t seed, unsigned n, unsigned lo,
                          unsigned hi, void (*tick)(void *ctx, uint64_t r), void *ctx)
{
    static const unsigned sizes[] = { 1, 1, 1, 2, 4 };
    for (unsigned i = 0; i < n; i++) {
        uint64_t r = hammer_rand(&seed);
        unsigned port = lo + (unsigned)(r % (hi - lo + 1));
        unsigned size = sizes[(r >> 20) % 5];
        uint64_t v = hammer_rand(&seed);
        if ((r >> 30) & 1)
            v &= 0xFF;
        if (port + size - 1 > 0xFFFF)
            size = 1;
        if ((r >> 40) & 1) {
            uint64_t out;
            iobus_read(bus, IOBUS_PIO, port, size, &out);
        } else {
            iobus_write(bus, IOBUS_PIO, port, size, v);
        }
        if (tick)
            tick(ctx, r);
    }
}

#endif
