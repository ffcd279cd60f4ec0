/* RAM-backed virtual disk and the fixed-VHD footer check (vdisk.h). */
#include "vmm/vbios/vdisk.h"
#include "lib/errno.h"
#include "lib/string.h"

static int ram_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    struct vdisk_ram *r = ctx;
    memcpy(buf, r->bytes + lba * VDISK_SECTOR, (size_t)count * VDISK_SECTOR);
    return 0;
}

static int ram_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    struct vdisk_ram *r = ctx;
    memcpy(r->bytes + lba * VDISK_SECTOR, buf, (size_t)count * VDISK_SECTOR);
    return 0;
}

static int ram_flush(void *ctx)
{
    (void)ctx;
    return 0;
}

void vdisk_ram_init(struct vdisk *d, struct vdisk_ram *r, void *bytes, uint64_t len)
{
    r->bytes = bytes;
    r->len = len - len % VDISK_SECTOR;
    *d = (struct vdisk){ r, ram_read, ram_write, ram_flush, r->len / VDISK_SECTOR };
}

/* The footer is big-endian. */
static uint64_t be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

#define VHD_TYPE_FIXED 2

int vhd_footer_check(const uint8_t *f, uint64_t file_size, uint64_t *data_bytes, const char **why)
{
    static const char cookie[8] = { 'c', 'o', 'n', 'e', 'c', 't', 'i', 'x' };
    *why = NULL;
    if (memcmp(f, cookie, sizeof(cookie)) != 0) {
        *why = "no conectix cookie";
        return -E_INVAL;
    }
    /* One's complement of the byte sum, with the checksum field as zero. */
    uint32_t sum = 0;
    for (unsigned i = 0; i < VHD_FOOTER; i++)
        if (i < 64 || i >= 68)
            sum += f[i];
    if ((uint32_t)~sum != (uint32_t)be(f + 64, 4)) {
        *why = "checksum mismatch";
        return -E_INVAL;
    }
    if (be(f + 60, 4) != VHD_TYPE_FIXED) {
        *why = "not a fixed disk";
        return -E_INVAL;
    }
    uint64_t size = be(f + 48, 8);
    if (file_size < VHD_FOOTER || size != file_size - VHD_FOOTER || size % VDISK_SECTOR) {
        *why = "size does not match the file";
        return -E_INVAL;
    }
    *data_bytes = size;
    return 0;
}
