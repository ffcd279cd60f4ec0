/* Shared internals of the datastore (datastore.c, ds_file.c). Not an
 * interface for other parts: they use fs/datastore.h. */
#ifndef HV_FS_DS_PRIV_H
#define HV_FS_DS_PRIV_H

#include "fs/datastore.h"

/* datastore.c: the lock. ds_enter takes it (or fails: -DS_ENODATASTORE,
 * -DS_EBUSY, see datastore.h) and gives the volume; ds_leave(r) releases
 * it and returns r. Both first finish closes deferred by datastore_close. */
int ds_enter(struct fat_vol **v);
int ds_leave(int r);

/* ds_file.c, under the lock: closes the handles datastore_close could not
 * close itself; -DS_EINUSE when path is an open file, else 0 (also when it
 * does not exist: the caller's own operation reports that). */
void ds_files_drain(struct fat_vol *v);
int ds_files_in_use(struct fat_vol *v, const char *path);

#endif
