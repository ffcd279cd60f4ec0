/* What BL's stages share: the boot disk and the boot-info being filled. */
#ifndef HV_BL_BL_H
#define HV_BL_BL_H

#include <stdint.h>

#include "bl/bios.h"
#include "bl/fat16.h"
#include "hv/bootinfo.h"

struct bl_disk {
    struct fat16 fs;                /* the boot partition */
    struct bios_disk_error err;     /* why the last read failed */
};

/* "hv bl: error: disk read error (LBA <n>, BIOS status 0x<xx>)" and halt. */
_Noreturn void bl_disk_error(const struct bl_disk *d);

/* kernel.c: loads and checks KERNEL.BIN at its load address, zeroes its bss,
* sets bi->kernel_start/end; halts with the message on any error.
 * Returns the file size. */
uint32_t kernel_load(struct bl_disk *d, struct hv_bootinfo *bi);

#endif
