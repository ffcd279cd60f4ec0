/* The emulated 8254 PIT (ports 0x40-0x43) and port 0x61 (speaker gate and
 * channel 2's output, which guests use to calibrate their clocks).
 * Time comes from a clock callback, so counters are a pure function of
 * "ticks since the count was loaded" and tests control time exactly.
 * See docs/vmm-devices.md.  Owner: vmm.
 *
 * Usage:
 *     vpit_init(&pit, clock, irq0);  vpit_attach(&pit, &bus);
 *     before each VM entry: vpit_update(&pit);   raises IRQ0 when due
 *     the vCPU may sleep until vpit_next_deadline(&pit)
 */
#ifndef HV_VMM_DEV_PIT_H
#define HV_VMM_DEV_PIT_H

#include "vmm/dev/vdev.h"
#include "vmm/iobus.h"

#define VPIT_HZ_NUM 3579545ull   /* the PIT runs at 3579545 / 3 Hz (~1.193182 MHz) */
#define VPIT_HZ_DEN 3ull

struct vpit_channel {
    uint32_t count;           /* reload value, 1..65536 (binary) or 1..10000 (BCD) */
    uint64_t load;            /* tick when counting (re)started from count */
    uint64_t frozen;          /* ticks elapsed when paused by the gate */
    uint16_t latch;           /* latched count */
    uint8_t latch_state;      /* 0 none, else which bytes of latch remain (RW_*) */
    uint8_t status;           /* latched status byte */
    bool status_latched;
    uint8_t mode;             /* 0..5 */
    uint8_t rw;               /* RW_LSB, RW_MSB, RW_WORD */
    uint8_t read_state, write_state;
    uint8_t write_lsb;        /* first byte of a two-byte count */
    bool bcd;
    bool gate;
    bool armed;               /* a count has been written since the control word */
    bool running;             /* counting (armed, gate allows, triggered for 1/5) */
    bool null_count;          /* count written but not yet in the counter */
};

struct vpit {
    struct vpit_channel ch[3];
    struct vdev_clock clock;
    struct vdev_irq irq0;     /* channel 0's output */
    uint64_t irq_seen;        /* channel 0 edges signalled since its count was loaded */
    uint64_t missed;          /* edges coalesced because updates came late */
    bool speaker;             /* port 0x61 bit 1: speaker data enable */
};

void vpit_init(struct vpit *pit, struct vdev_clock clock, struct vdev_irq irq0);

/* Registers 0x40-0x43 and 0x61.  Returns 0 or the bus error. */
int vpit_attach(struct vpit *pit, struct iobus *bus);

/* Signals channel 0 edges that happened since the last call as IRQ0 pulses
 * (several late edges coalesce into one, counted in missed). */
void vpit_update(struct vpit *pit);

/* Clock time (ns) of channel 0's next IRQ0 edge, or VDEV_NO_DEADLINE. */
uint64_t vpit_next_deadline(struct vpit *pit);

/* Channel n's OUT pin now (n 0..2; false for others). */
bool vpit_out(struct vpit *pit, unsigned n);

/* Converts between clock nanoseconds and PIT ticks (exported for tests). */
uint64_t vpit_ns_to_ticks(uint64_t ns);
uint64_t vpit_ticks_to_ns(uint64_t ticks);

#endif
