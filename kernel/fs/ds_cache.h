/* A read-ahead cache in front of the datastore's block device. The FAT
 * code reads one sector at a time (mounting walks the whole FAT three
 * times); on an IDE disk under nested virtualization each command costs
 * milliseconds, so single-sector reads are served from 64 KiB chunks read
 * in one command. Writes go straight through (and update cached chunks),
 * so the FAT code's write order on disk is exactly its program order.
 * Owner: datastore. */
#ifndef HV_FS_DS_CACHE_H
#define HV_FS_DS_CACHE_H

#include "fs/blkdev.h"

/* Wraps *disk (which must outlive the cache) into *out. 0, or -FAT_EIO when
 * there is no memory (then *out is simply a copy of *disk). */
int ds_cache_init(const struct blkdev *disk, struct blkdev *out);

#endif
