/* A virtual disk as the guest's INT 13h sees it: 512-byte sectors by LBA.
 * Backends: a RAM buffer (tests, and a datastore file read into memory),
 * and the check of a fixed VHD's footer (GUEST0.VHD) that tells where its
 * data part ends.  Pure code: builds into the kernel and the host tests.
 * Owner: vbios.
 */
#ifndef HV_VMM_VBIOS_VDISK_H
#define HV_VMM_VBIOS_VDISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VDISK_SECTOR 512u

struct vdisk {
    void *ctx;
    /* 0 or a negative error.  The caller checked lba + count <= sector_count. */
    int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
    int (*write)(void *ctx, uint64_t lba, uint32_t count, const void *buf);
    int (*flush)(void *ctx);
    uint64_t sector_count;
};

/* A disk over bytes[0..len): len is rounded down to whole sectors.  The
 * buffer must outlive the disk; writes change it. */
struct vdisk_ram {
    uint8_t *bytes;
    uint64_t len;
};
void vdisk_ram_init(struct vdisk *d, struct vdisk_ram *r, void *bytes, uint64_t len);

/* The 512-byte footer at the end of a fixed VHD of file_size bytes: 0 and
 * *data_bytes = the disk's size, or -E_INVAL with *why saying what is wrong
 * ("no conectix cookie", "not a fixed disk", "checksum mismatch",
 * "size does not match the file"). */
#define VHD_FOOTER 512u
int vhd_footer_check(const uint8_t *footer, uint64_t file_size, uint64_t *data_bytes,
                     const char **why);

#endif
