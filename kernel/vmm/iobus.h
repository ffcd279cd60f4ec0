/* A per-VM I/O bus: the VMM's exit handlers hand every port or MMIO access to
 * iobus_read/iobus_write, which find the device that registered the address.
 * Devices see only (dev, address, size, value): they never know which backend
 * (SVM or VMX) runs them, so host unit tests drive them the same way.
 * See docs/vmm-devices.md.  Pure code, no heap: the caller owns the struct.
 * Owner: vmm.
 *
 * Usage:
 *     struct iobus bus;  iobus_init(&bus);
 *     iobus_register(&bus, IOBUS_PIO, 0x3F8, 8, &uart_ops, &uart, 1, "uart");
 *     rc = iobus_read(&bus, IOBUS_PIO, port, size, &val);
 *     if (rc == -E_NOENT) stop the VM: "unclaimed port"
 */
#ifndef HV_VMM_IOBUS_H
#define HV_VMM_IOBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IOBUS_MAX_RANGES 64        /* per space; 4 virtio disks + the PC devices use ~30 ports ranges */

enum iobus_space {
    IOBUS_PIO,                /* x86 I/O ports: addresses 0..0xFFFF, sizes 1, 2, 4 */
    IOBUS_MMIO,               /* guest-physical memory: sizes 1, 2, 4, 8 */
    IOBUS_NSPACES,
};

/* A device's handlers.  addr is the absolute port or guest-physical address
 * (not an offset), so a device with several ranges needs one ops table.
 * size is 1, 2, 4 or 8 and [addr, addr+size) lies inside one registered
 * range.  read returns the value in the low size bytes; write gets the value
 * with bits above size*8 zero. */
struct iobus_ops {
    uint64_t (*read)(void *dev, uint64_t addr, unsigned size);
    void (*write)(void *dev, uint64_t addr, unsigned size, uint64_t value);
};

struct iobus_range {
    uint64_t base;
    uint64_t len;             /* >= 1; base + len does not wrap */
    const struct iobus_ops *ops;
    void *dev;                /* first argument of ops->read/write */
    uint8_t width;            /* 0: any size; 1: the bus splits wider accesses into bytes */
    const char *name;         /* for messages: "pic-master", "uart" */
    uint64_t accesses;        /* reads + writes dispatched here, for statistics */
};

struct iobus_space_tab {
    struct iobus_range r[IOBUS_MAX_RANGES];   /* sorted by base, never overlapping */
    unsigned n;
    uint64_t unclaimed;       /* accesses that hit no range */
};

struct iobus {
    struct iobus_space_tab space[IOBUS_NSPACES];
};

void iobus_init(struct iobus *bus);

/* Claims [base, base+len) for a device.  width 1 is for byte-wide ISA
 * devices: a 2- or 4-byte access is split into byte accesses, each dispatched
 * on its own, as the ISA bus does (inw 0x20 reads 0x20 then 0x21).
 * Returns 0, -E_INVAL (bad space, len 0, wraps, a port range beyond 0xFFFF,
 * no ops or width not 0/1), -E_EXIST (overlaps a registered range) or
 * -E_NOSPC (IOBUS_MAX_RANGES reached). */
int iobus_register(struct iobus *bus, enum iobus_space space, uint64_t base, uint64_t len,
                   const struct iobus_ops *ops, void *dev, unsigned width, const char *name);

/* Removes the range that starts at base.  Returns 0 or -E_NOENT. */
int iobus_unregister(struct iobus *bus, enum iobus_space space, uint64_t base);

/* The range containing addr, or NULL. */
const struct iobus_range *iobus_find(const struct iobus *bus, enum iobus_space space,
                                     uint64_t addr);

/* One guest access.  Returns 0 when a device handled it, -E_NOENT when no
 * device claims it ("unclaimed": *value is all ones, as a floating bus reads;
 * writes are dropped), -E_INVAL for a size the space does not allow or an
 * access that wraps the address space.  An access that straddles the end of
 * a range (or two ranges) is unclaimed unless the range is byte-wide (see
 * iobus_register); then each byte goes where it belongs, unclaimed bytes read
 * 0xFF, and the access counts as claimed if any byte was. */
int iobus_read(struct iobus *bus, enum iobus_space space, uint64_t addr, unsigned size,
               uint64_t *value);
int iobus_write(struct iobus *bus, enum iobus_space space, uint64_t addr, unsigned size,
                uint64_t value);

#endif
