/* Writing an installation onto a disk: the kernel's backend of the
 * installer wizard (installer.h). Owner: gui. */
#ifndef HV_GUI_INST_DISK_H
#define HV_GUI_INST_DISK_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/blk.h"
#include "gui/installer.h"

/* The disk hv booted from: a bootable partition at the boot partition's LBA. */
bool inst_is_boot_disk(const struct blk_disk *d, uint32_t boot_lba);

/* The backend, copying from the boot disk found by boot_lba. */
const struct inst_backend *inst_disk_backend(uint32_t boot_lba);

#endif
