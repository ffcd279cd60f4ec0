/* A VM's PCI bus: configuration mechanism #1 (address at 0xCF8, data at
 * 0xCFC-0xCFF) over bus 0, with a host bridge at 00:00.0 and up to
 * VPCI_SLOTS-1 single-function devices the VMM plugs in.  Type 0 headers
 * with I/O BARs only: the guest sizes them (write all ones, read the mask
 * back) and moves them; the bus registers each decoded BAR on the VM's
 * I/O bus while the command register's I/O bit is on, and hands the
 * device offsets into its BAR.  INTx: each device drives one ISA line
 * (the interrupt line register, set as firmware would); devices sharing a
 * line are wire-ORed.  Pure code, no heap: builds into the kernel and the
 * host tests.  (Named vpci, not pci_host: the kernel build skips *_host.c.)
 * See docs/storage.md "virtio-blk for guests".  Owner: storage.
 *
 * Usage:
 *     vpci_init(&pci, irq_sink);  vpci_attach(&pci, &bus);
 *     vpci_dev_init(&d, 0x1AF4, 0x1001, 0x010000, 11);
 *     vpci_dev_io_bar(&d, 0, 0x40, &my_bar_ops, mydev, "virtio-blk");
 *     vpci_plug(&pci, &d, 0xC000);          // slot picked, BAR 0 at 0xC000
 *     vpci_intx(&d, true);                  // assert INTA#
 */
#ifndef HV_VMM_DEV_VPCI_H
#define HV_VMM_DEV_VPCI_H

#include <stdbool.h>
#include <stdint.h>
#include "vmm/dev/vdev.h"
#include "vmm/iobus.h"

#define VPCI_SLOTS     8           /* devices 0..7 on bus 0; 0 is the host bridge */
#define VPCI_BARS      6
#define VPCI_CFG_SIZE  256

/* PCI config registers the VMM and tests name. */
#define VPCI_VENDOR    0x00
#define VPCI_COMMAND   0x04
#define VPCI_STATUS    0x06
#define VPCI_CLASS_REV 0x08
#define VPCI_HEADER    0x0E
#define VPCI_BAR0      0x10
#define VPCI_SUBSYS    0x2C
#define VPCI_INT_LINE  0x3C
#define VPCI_INT_PIN   0x3D

#define VPCI_CMD_IO         0x0001
#define VPCI_CMD_MEM        0x0002
#define VPCI_CMD_MASTER     0x0004
#define VPCI_CMD_INTX_OFF   0x0400
#define VPCI_STATUS_INTX    0x0008

struct vpci;

/* One I/O BAR.  ops get the offset into the BAR as addr. */
struct vpci_bar {
    uint32_t size;                 /* power of two >= 4; 0: not implemented */
    const struct iobus_ops *ops;
    void *ctx;
    const char *name;
    uint16_t mapped_base;          /* where it is on the I/O bus (when mapped) */
    bool mapped;
    bool conflict;                 /* the guest put it over another device's ports */
};

struct vpci_dev {
    uint8_t cfg[VPCI_CFG_SIZE];
    uint8_t wmask[VPCI_CFG_SIZE];  /* bits the guest may change */
    struct vpci_bar bar[VPCI_BARS];
    uint8_t irq;                   /* the ISA line INTA# is wired to */
    bool intx;                     /* the device asserts INTA# */
    bool driving;                  /* ...and it reaches the line (not disabled) */
    struct vpci *pci;              /* set by vpci_plug */
    unsigned slot;
};

struct vpci {
    uint32_t addr;                 /* the 0xCF8 latch */
    struct vpci_dev *slot[VPCI_SLOTS];
    struct vpci_dev host;          /* the host bridge, slot 0 */
    struct iobus *bus;             /* where BARs are mapped (vpci_attach) */
    struct vdev_irq irq;           /* the interrupt controller; .irq unused */
    uint8_t line_count[16];        /* devices asserting each ISA line */
};

/* A bus with only the host bridge.  irq.set(irq.ctx, line, level) drives
 * ISA lines. */
void vpci_init(struct vpci *pci, struct vdev_irq irq);

/* Claims 0xCF8-0xCFF on bus.  0 or iobus_register's error. */
int vpci_attach(struct vpci *pci, struct iobus *bus);

/* A device header: IDs, class code (class << 16 | subclass << 8 | prog-if),
 * interrupt line irq (0-15) on pin INTA#, no BARs yet. */
void vpci_dev_init(struct vpci_dev *d, uint16_t vendor, uint16_t device, uint32_t class_code,
                   uint8_t irq);
void vpci_dev_subsys(struct vpci_dev *d, uint16_t vendor, uint16_t id);

/* BAR n as an I/O BAR of size bytes (a power of two, 4-256). */
void vpci_dev_io_bar(struct vpci_dev *d, unsigned n, uint32_t size, const struct iobus_ops *ops,
                     void *ctx, const char *name);

/* Puts d in the first free slot with its I/O BARs at io_base upwards (as
 * firmware would leave them: assigned, I/O decoding on).  Returns the slot,
 * -E_NOSPC (bus full) or -E_EXIST (the ports are taken). */
int vpci_plug(struct vpci *pci, struct vpci_dev *d, uint16_t io_base);

/* The device drives INTA# to level (the line follows unless the guest set
 * Interrupt Disable). */
void vpci_intx(struct vpci_dev *d, bool level);

/* For a vdev_irq: ctx is the struct vpci_dev, irq ignored. */
void vpci_intx_cb(void *dev, unsigned irq, bool level);

/* Config space as the guest sees it (tests, the shell): size 1, 2 or 4. */
uint32_t vpci_cfg_read(struct vpci *pci, unsigned devfn, unsigned off, unsigned size);
void vpci_cfg_write(struct vpci *pci, unsigned devfn, unsigned off, unsigned size, uint32_t val);

#endif
