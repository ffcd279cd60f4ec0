/* The kernel's disks: every storage driver registers what it found here, as
 * a struct blkdev (kernel/fs/blkdev.h, the filesystem's view) plus a name
 * and a model. Partitions are read once at registration. Owner: storage. */
#ifndef HV_DEV_BLK_H
#define HV_DEV_BLK_H

#include <stdint.h>
#include "fs/blkdev.h"
#include "dev/part.h"

#define BLK_MAX_DISKS 16

struct blk_disk {
    char name[12];              /* "ata0", "ahci0", "nvme0", "virtio0" */
    char model[48];             /* from IDENTIFY; trimmed */
    struct blkdev dev;          /* read/write/flush, sector size and count */
    struct part_table parts;
};

/* Drivers call this once per disk (dev is copied); the name is prefix plus
 * the next free number for that prefix. Prints
 * "hv: disk <name>: <model>, <size>, <sector> B sectors". */
struct blk_disk *blk_register(const char *prefix, const char *model, const struct blkdev *dev);

unsigned blk_count(void);
struct blk_disk *blk_get(unsigned i);          /* NULL past the end */
struct blk_disk *blk_find(const char *name);   /* NULL when unknown */

/* A partition as a block device of its own (reads and writes clipped to it).
 * The context lives as long as the kernel. 0 or a negative code. */
int blk_partition_dev(struct blk_disk *d, unsigned part_no, struct blkdev *out);

/* Run every driver's probe (IDE, AHCI, NVMe, virtio-blk) after pci_init(). */
void blk_probe_all(void);

/* "64 MiB", "1.5 GiB": for messages. */
void blk_format_size(uint64_t bytes, char *buf, unsigned len);

/* The probes, one per driver file. */
void ata_probe(void);
void ahci_probe(void);
void nvme_probe(void);
void virtio_blk_probe(void);

#endif
