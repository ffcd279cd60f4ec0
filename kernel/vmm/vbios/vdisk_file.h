/* A virtual disk backed by a file on the datastore (fs/datastore.h): a raw
 * image (its size a multiple of 512) or a fixed VHD (footer checked as
 * vhd_footer_check does; the disk is the file without its 512-byte
 * footer). Reads and writes go to the file as the guest makes them; the
 * vdisk's flush is datastore_fsync, so a guest flush reaches the physical
 * disk. Opened for writing, the file is the VM's alone (another VM's open
 * fails with "in use by another VM"). Owner: vbios (written for storage).
 */
#ifndef HV_VMM_VBIOS_VDISK_FILE_H
#define HV_VMM_VBIOS_VDISK_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/vbios/vdisk.h"

struct ds_file;

struct vdisk_file {
    struct ds_file *f;          /* NULL when closed */
    bool readonly;
    bool vhd;                   /* a fixed VHD (else raw) */
    uint64_t bytes;             /* the disk: file size, minus the VHD footer */
};

#define VDISK_FILE_RO 0x1u      /* open read-only: every write fails */

/* Opens path on the datastore and sets *d up over *vf (both must stay put
 * until vdisk_file_close). The format comes from the file: a last sector
 * that starts with the "conectix" cookie, or a name ending in .vhd, makes
 * it a VHD, which must then be a valid fixed one; anything else is raw.
 *
 * 0, or a negative E_* code with why[0..why_len) saying what is wrong,
 * without the path:
 *   -E_NOENT  "no such file or directory", "no datastore"
 *   -E_BUSY   "in use by another VM", "datastore busy, try again"
 *   -E_INVAL  "not a fixed VHD: <vhd_footer_check's reason>",
 *             "raw image size <n> is not a multiple of 512 bytes",
 *             "empty image", "is a directory"
 *   -E_IO     "disk I/O error" and the datastore's other errors.
 * The disk's write callback fails (-E_INVAL) on a read-only disk: the
 * INT 13h write path reports it to the guest as a failed write. */
int vdisk_file_open(struct vdisk *d, struct vdisk_file *vf, const char *path, unsigned flags,
                    char *why, size_t why_len);

/* Flushes what was written and gives the file up (another VM may then
 * open it). 0 or the flush's error; the file is given up either way.
 * Closing a closed vdisk_file does nothing. */
int vdisk_file_close(struct vdisk_file *vf);

#endif
