/* hv's datastore: the FAT32 volume "HVDATA" on partition 2 of the boot
 * disk, mounted once at boot and shared by the whole kernel through this
 * API. Every call takes one lock (a volume allows one caller at a time), so
 * any CPU may call any of them. See docs/datastore.md. Owner: datastore.
 *
 * Interrupts off (a timer-tick path such as the management API, or a lock
 * held with irqsave): no call ever waits for the lock. When it is free the
 * call runs as usual; when anyone holds it the call fails at once with
 * -DS_EBUSY ("datastore busy, try again"), because the holder may be the
 * code this CPU interrupted, which cannot go on until the caller returns.
 * With interrupts on, a call waits for a holder on another CPU, and fails
 * with -DS_EBUSY only when the holder is this CPU (a datastore_list
 * callback calling back in). datastore_close is the exception: it never
 * fails; when busy, the close (with its flush) is done by the lock holder
 * as it releases the lock. */
#ifndef HV_FS_DATASTORE_H
#define HV_FS_DATASTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/fat.h"
#include "hv/bootinfo.h"

/* Errors are the negated FAT_E* codes of fs/fat.h, plus these. */
#define DS_ENODATASTORE FAT_ERRMAX        /* hv runs without a datastore */
#define DS_EBUSY        (FAT_ERRMAX + 1)  /* interrupts off and the lock taken: try again */
#define DS_EINUSE       (FAT_ERRMAX + 2)  /* the file is open: "in use by another VM" */

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
 * any moment the file holds the old or the new content, never a mix.
 * -DS_EINUSE while path is open (datastore_open). */
int datastore_replace_file(const char *path, const void *data, size_t len);

int datastore_stat(const char *path, struct fat_stat *st);

/* Calls fn once per entry of dir ("" or "/" is the root), without "." and
 * "..". fn runs under the datastore lock: its datastore_* calls fail with
 * -DS_EBUSY (datastore_close is deferred until the walk ends).
 * A non-zero return from fn stops the walk and is returned. */
typedef int (*datastore_list_fn)(void *ctx, const struct fat_dirent *e);
int datastore_list(const char *dir, datastore_list_fn fn, void *ctx);

/* A file or an empty directory; -DS_EINUSE while the file is open. */
int datastore_remove(const char *path);
int datastore_mkdir(const char *path);
int datastore_usage(uint64_t *used_bytes, uint64_t *total_bytes);
int datastore_sync(void);                  /* FSInfo written, disk cache flushed */

/* Open files, for VM disk images: a handle stays valid until
 * datastore_close. A handle open for writing (DS_O_RDWR) is exclusive: it
 * cannot be opened while any other handle has the file, and no handle can
 * be opened while it has it (-DS_EINUSE, "in use by another VM");
 * read-only handles share. Open files cannot be removed or replaced. */
#define DS_O_RDONLY 0u
#define DS_O_RDWR   1u
struct ds_file;
int datastore_open(const char *path, unsigned flags, struct ds_file **out);

/* Exactly len bytes at off, or nothing and an error: -FAT_ERANGE when
 * off + len passes the end of the file (files do not grow through a
 * handle), -FAT_EBADF for a write on a read-only handle. Writes overwrite
 * in place and reach the disk's write cache; datastore_fsync makes them
 * durable. Whole 512-byte (and 4 KiB) sectors at aligned offsets go to the
 * disk directly, in one command per run of consecutive clusters. */
int datastore_pread(struct ds_file *f, uint64_t off, void *buf, size_t len);
int datastore_pwrite(struct ds_file *f, uint64_t off, const void *buf, size_t len);

/* Returns when every completed datastore_pwrite of f is on the physical
 * disk (the file's modification time is updated, the disk cache flushed). */
int datastore_fsync(struct ds_file *f);
uint64_t datastore_fsize(const struct ds_file *f);   /* bytes; no lock */
bool datastore_writable(const struct ds_file *f);
/* Flushes (when written) and frees f, which is invalid afterwards: 0, or
 * the flush's error. NULL is fine. Never fails to give the file up. */
int datastore_close(struct ds_file *f);

#endif
