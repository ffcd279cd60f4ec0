/* hv's datastore: the FAT32 volume "HVDATA" on partition 2 of the boot
 * disk, mounted once at boot and shared by the whole kernel through this
 * API. Every call takes one lock (a volume allows one caller at a time), so
 * any CPU may call any of them. See docs/datastore.md. Owner: datastore. */
#ifndef HV_FS_DATASTORE_H
#define HV_FS_DATASTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/fat.h"
#include "hv/bootinfo.h"

/* Errors are the negated FAT_E* codes of fs/fat.h, plus this one. */
#define DS_ENODATASTORE FAT_ERRMAX   /* hv runs without a datastore */

/* Finds the boot disk, mounts partition 2 read-write with the mount-time
 * repair, and prints the datastore line (or a warning: hv then runs without
 * a datastore and every call below returns -DS_ENODATASTORE). */
void datastore_init(const struct hv_bootinfo *bi);

bool datastore_available(void);
const char *datastore_strerror(int err);   /* err or -err */

/* Whole-file read: fails with -FAT_EFBIG when the file is larger than max
 * (*len then holds its size), -FAT_EISDIR for a directory. */
int datastore_read_file(const char *path, void *buf, size_t max, size_t *len);

/* Replaces or creates path with exactly data[0..len): after a power cut at
 * any moment the file holds the old or the new content, never a mix. */
int datastore_replace_file(const char *path, const void *data, size_t len);

int datastore_stat(const char *path, struct fat_stat *st);

/* Calls fn once per entry of dir ("" or "/" is the root), without "." and
 * "..". fn runs under the datastore lock: it must not call datastore_*.
 * A non-zero return from fn stops the walk and is returned. */
typedef int (*datastore_list_fn)(void *ctx, const struct fat_dirent *e);
int datastore_list(const char *dir, datastore_list_fn fn, void *ctx);

int datastore_remove(const char *path);    /* a file or an empty directory */
int datastore_mkdir(const char *path);
int datastore_usage(uint64_t *used_bytes, uint64_t *total_bytes);
int datastore_sync(void);                  /* FSInfo written, disk cache flushed */

#endif
