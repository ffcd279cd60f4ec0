/* The "hv test device": 4 KiB of MMIO at a fixed guest-physical address that
 * behaves like memory (bytes read back what was written; at reset byte i
 * holds TESTDEV_PATTERN(i)) and counts the accesses.  It exists so test
 * guests can exercise the MMIO path (nested page fault -> decode -> device)
 * with known values.  The last 8 bytes are not memory: reading them gives
 * the number of writes (low 32 bits) and reads (high 32 bits) before this
 * access.  Owner: vmm.
 */
#ifndef HV_VMM_TESTDEV_H
#define HV_VMM_TESTDEV_H

#include <stdint.h>
#include "vmm/iobus.h"

#define TESTDEV_GPA      0xFEB00000ull
#define TESTDEV_SIZE     4096u
#define TESTDEV_COUNTERS (TESTDEV_SIZE - 8)
#define TESTDEV_PATTERN(i) ((uint8_t)((i) * 3u + 0x5Au))

struct testdev {
    uint8_t mem[TESTDEV_SIZE];
    uint32_t reads, writes;
};

void testdev_init(struct testdev *t);
int testdev_attach(struct testdev *t, struct iobus *bus);

#endif
