/* The emulated MC146818 RTC and its 128 bytes of CMOS RAM (index port 0x70
 * with the NMI-disable bit, data port 0x71).  The clock callback returns
 * nanoseconds since the Unix epoch; the guest's own setting of the clock is
 * kept as an offset from it.  IRQ8 carries the periodic, alarm and
 * update-ended interrupts.  See docs/vmm-devices.md.  Owner: vmm.
 *
 * Usage:
 *     vcmos_init(&c, wallclock, irq8, ram_below_4g, ram_above_4g);
 *     vcmos_attach(&c, &bus);
 *     before each VM entry: vcmos_update(&c); sleep until vcmos_next_deadline()
 */
#ifndef HV_VMM_DEV_CMOS_H
#define HV_VMM_DEV_CMOS_H

#include "vmm/dev/vdev.h"
#include "vmm/iobus.h"

#define VCMOS_SIZE 128

struct vcmos {
    uint8_t ram[VCMOS_SIZE];  /* every register; 0x00-0x09 and 0x32 hold the
                               * time only while frozen (register B SET) */
    uint8_t index;            /* selected by port 0x70, 0..127 */
    bool nmi_disabled;        /* port 0x70 bit 7 */
    struct vdev_clock clock;  /* ns since 1970-01-01 00:00 UTC */
    int64_t offset;           /* guest clock minus host clock, seconds */
    uint64_t last_second;     /* host second of the last update cycle seen */
    uint64_t last_period;     /* periodic-interrupt periods seen */
    bool irq_level;
    struct vdev_irq irq8;
};

/* Fills the memory-size fields from the guest's RAM below and above 4 GiB
 * (bytes): 0x15-0x16 base KiB, 0x17-0x18 and 0x30-0x31 KiB above 1 MiB
 * (max 0xFFFF), 0x34-0x35 64 KiB blocks above 16 MiB (below 4 GiB),
 * 0x5B-0x5D 64 KiB blocks above 4 GiB, and the 0x10-0x2D checksum. */
void vcmos_init(struct vcmos *c, struct vdev_clock wallclock, struct vdev_irq irq8,
                uint64_t ram_below_4g, uint64_t ram_above_4g);

/* Registers 0x70-0x71.  Returns 0 or the bus error. */
int vcmos_attach(struct vcmos *c, struct iobus *bus);

/* Sets register C flags for periods and seconds that passed; raises IRQ8
 * when an enabled one is new. */
void vcmos_update(struct vcmos *c);

/* Clock time (ns) of the next event that would raise IRQ8, or
 * VDEV_NO_DEADLINE. */
uint64_t vcmos_next_deadline(struct vcmos *c);

/* For the VMM: boot flags and the like in RAM bytes 0x0E-0x7F. */
void vcmos_set_ram(struct vcmos *c, unsigned idx, uint8_t val);

#endif
