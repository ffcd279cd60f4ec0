/* A block device as the filesystem sees it: whole sectors by LBA, and a
 * flush that returns only when every completed write is on stable storage.
 * Owner: kernel/fs. Drivers (AHCI, NVMe, virtio-blk, a partition slice)
 * fill one in; host tests wrap a file. */
#ifndef HV_FS_BLKDEV_H
#define HV_FS_BLKDEV_H

#include <stdint.h>

struct blkdev {
    void *ctx;                     /* driver private, passed back verbatim */
    /* Each returns 0 or a negative error code. A write of one sector is
     * assumed atomic (old or new, never mixed), as disks guarantee. */
    int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
    int (*write)(void *ctx, uint64_t lba, uint32_t count, const void *buf);
    int (*flush)(void *ctx);
    uint32_t sector_size;          /* bytes: 512, 1024, 2048 or 4096 */
    uint64_t sector_count;
};

#endif
