/* A virtio-blk device for guests (legacy virtio-pci, spec 0.9.5 / the
 * "legacy interface" of virtio 1.x): PCI 1AF4:1001, one I/O BAR with the
 * legacy header and the block config (capacity), one virtqueue of
 * VVBLK_QSIZE entries in guest memory, requests IN, OUT, FLUSH and GET_ID,
 * features FLUSH and RO, INTA# with the ISR register.  Requests run to
 * completion when the guest notifies (one I/O exit), against a struct vdisk
 * (a datastore file, or a RAM disk in the host tests).
 *
 * The guest is not trusted.  A request that is wrong but well framed (bad
 * sector, data outside guest RAM, a write to a read-only disk, an odd
 * length) completes with VIRTIO_BLK_S_IOERR or _UNSUPP.  A broken ring --
 * a descriptor index out of range, a chain that loops or is longer than the
 * queue, a ring or status byte outside guest RAM, an avail index that
 * jumped more than the queue size -- calls fail() with the reason (the VMM
 * stops the VM) and the device stops until it is reset.  Work per notify is
 * bounded: at most VVBLK_QSIZE requests of at most VVBLK_MAX_DATA bytes.
 * Pure code: builds into the kernel and the host tests.
 * See docs/storage.md "virtio-blk for guests".  Owner: storage.
 */
#ifndef HV_VMM_DEV_VIRTIO_BLK_H
#define HV_VMM_DEV_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmm/dev/vdev.h"
#include "vmm/dev/vpci.h"
#include "vmm/vbios/vdisk.h"

#define VVBLK_VENDOR     0x1AF4
#define VVBLK_DEVICE     0x1001      /* transitional virtio-blk */
#define VVBLK_SUBSYS_ID  2           /* virtio device type: block */
#define VVBLK_BAR_SIZE   0x40
#define VVBLK_QSIZE      128
#define VVBLK_MAX_DATA   (4u << 20)  /* bytes per request */
#define VVBLK_SIZE_MAX   (32u << 10) /* announced per segment: SEG_MAX of them fit MAX_DATA */
#define VVBLK_ID_LEN     20

/* The legacy header (offsets in the I/O BAR). */
#define VIRTIO_PCI_HOST_FEATURES  0x00
#define VIRTIO_PCI_GUEST_FEATURES 0x04
#define VIRTIO_PCI_QUEUE_PFN      0x08
#define VIRTIO_PCI_QUEUE_NUM      0x0C
#define VIRTIO_PCI_QUEUE_SEL      0x0E
#define VIRTIO_PCI_QUEUE_NOTIFY   0x10
#define VIRTIO_PCI_STATUS         0x12
#define VIRTIO_PCI_ISR            0x13
#define VIRTIO_PCI_CONFIG         0x14   /* virtio_blk_config: capacity first */

#define VIRTIO_BLK_F_SIZE_MAX (1u << 1)
#define VIRTIO_BLK_F_SEG_MAX  (1u << 2)
#define VIRTIO_BLK_F_RO       (1u << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1u << 6)
#define VIRTIO_BLK_F_FLUSH    (1u << 9)

#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8

#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VRING_DESC_F_NEXT     1
#define VRING_DESC_F_WRITE    2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1

/* Guest memory: 0, or negative when any byte is outside guest RAM. */
struct vvblk_mem {
    void *ctx;
    int (*read)(void *ctx, uint64_t gpa, void *dst, size_t len);
    int (*write)(void *ctx, uint64_t gpa, const void *src, size_t len);
};

/* One descriptor's worth of a request: where and which way. */
struct vvblk_seg {
    uint64_t gpa;
    uint32_t len;
    bool to_guest;
};

struct vvblk {
    /* What the VMM wired. */
    struct vdisk *disk;
    bool readonly;
    struct vvblk_mem mem;
    struct vdev_irq irq;                 /* INTA# (vpci_intx_cb) */
    void (*fail)(void *ctx, const char *why);
    void *fail_ctx;
    uint8_t *bounce;                     /* the disk side of transfers */
    size_t bounce_len;                   /* a multiple of 512, >= 512 */
    char id[VVBLK_ID_LEN];               /* GET_ID's answer (not NUL-terminated when full) */
    struct vpci_dev pci;

    /* The legacy registers. */
    uint32_t guest_features;
    uint32_t queue_pfn;
    uint16_t queue_sel;
    uint8_t status;
    uint8_t isr;

    /* The ring. */
    uint16_t last_avail;                 /* next avail entry to take */
    uint16_t used_idx;
    bool broken;                         /* fail() called: nothing more until reset */
    struct vvblk_seg segs[VVBLK_QSIZE];

    /* Counters for vm info and the benchmark. */
    uint64_t requests, bytes_read, bytes_written, flushes, errors, notifies;
};

/* Sets up the device (registers at reset) and its PCI header with INTA#
 * on ISA line irq; the caller then plugs &d->pci into the VM's vpci and
 * points d->irq at it (vvblk_wire does both).  bounce: bounce_len bytes
 * the device may use during a notify (may be shared by devices that run on
 * one CPU).  id: up to 20 bytes for GET_ID. */
void vvblk_init(struct vvblk *d, struct vdisk *disk, bool readonly, struct vvblk_mem mem,
                uint8_t irq, uint8_t *bounce, size_t bounce_len, const char *id,
                void (*fail)(void *ctx, const char *why), void *fail_ctx);

/* Plugs the device into pci with its BAR at io_base: the slot, or
 * vpci_plug's error. */
int vvblk_wire(struct vvblk *d, struct vpci *pci, uint16_t io_base);

/* The device's side of a reset (status 0): registers, ring, interrupt. */
void vvblk_reset(struct vvblk *d);

/* Features the device offers. */
uint32_t vvblk_host_features(const struct vvblk *d);

#endif
