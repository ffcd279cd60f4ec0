/* HV.CFG on the boot disk's boot partition (partition 1, FAT16, read by the
 * boot manager and boot loader): read it, and change single keys while
 * every other line of it stays as written (lib/hvcfg_edit.h).  Changes
 * apply at the next boot.  Owner: kernel/fs.
 *
 * One caller at a time (the desktop, the shell, the API): a lock, taken as
 * the datastore's is (fs/datastore.h): with interrupts on a call waits for
 * a holder on another CPU; with interrupts off, or when this CPU holds it,
 * it fails at once with -E_BUSY. */
#ifndef HV_FS_BOOTCFG_H
#define HV_FS_BOOTCFG_H

#include <stddef.h>

#include "hv/bootinfo.h"

/* Largest HV.CFG handled: what the boot loader reads of it. */
#define BOOTCFG_MAX 16384u

/* Finds the boot disk: the first disk whose active partition starts at the
 * boot partition's LBA.  After blk_probe_all. */
void bootcfg_init(const struct hv_bootinfo *bi);

/* The file into buf[0..max), its length in *len: 0, or -E_NOENT (no boot
 * disk, or no HV.CFG), -E_RANGE (larger than max: *len is its size),
 * -E_IO (the disk or filesystem failed), -E_BUSY. */
int bootcfg_read(char *buf, size_t max, size_t *len);

/* Sets keys[i] to values[i] for i < n (a NULL value removes the key) in
 * one crash-safe replacement of the file: after a power cut it holds the
 * old or the new text.  Every value is checked against hv's schema first;
 * when one is bad nothing is written.  Returns 0 when written, 1 when the
 * file already said so (nothing written), or a negative E_* code with why
 * (NUL-terminated, may be NULL) saying what was wrong in words, e.g.
 * `HV.CFG: bad value "X" for hostname (1-63 of a-z 0-9 -)` or
 * `cannot write HV.CFG on ata0: no free cluster`. */
int bootcfg_set(const char *const *keys, const char *const *values, int n, char *why, size_t len);

#endif
