/* A struct vdisk over a datastore file (vdisk_file.h). */
#include "vmm/vbios/vdisk_file.h"
#include "fs/datastore.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

static int io_error(int ds_err)
{
    ds_err = ds_err < 0 ? -ds_err : ds_err;
    if (ds_err == FAT_ENOENT || ds_err == FAT_ENOTDIR || ds_err == DS_ENODATASTORE)
        return -E_NOENT;
    if (ds_err == DS_EINUSE || ds_err == DS_EBUSY)
        return -E_BUSY;
    if (ds_err == FAT_EISDIR || ds_err == FAT_EINVAL || ds_err == FAT_ENAMETOOLONG)
        return -E_INVAL;
    return -E_IO;
}

static bool in_disk(const struct vdisk_file *vf, uint64_t lba, uint32_t count)
{
    uint64_t sectors = vf->bytes / VDISK_SECTOR;
    return vf->f && lba <= sectors && count <= sectors - lba;
}

static int file_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    struct vdisk_file *vf = ctx;
    if (!in_disk(vf, lba, count))
        return -E_RANGE;
    int r = datastore_pread(vf->f, lba * VDISK_SECTOR, buf, (size_t)count * VDISK_SECTOR);
    return r < 0 ? io_error(r) : 0;
}

static int file_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    struct vdisk_file *vf = ctx;
    if (vf->readonly)
        return -E_INVAL;
    if (!in_disk(vf, lba, count))
        return -E_RANGE;
    int r = datastore_pwrite(vf->f, lba * VDISK_SECTOR, buf, (size_t)count * VDISK_SECTOR);
    return r < 0 ? io_error(r) : 0;
}

static int file_flush(void *ctx)
{
    struct vdisk_file *vf = ctx;
    if (!vf->f)
        return -E_IO;
    int r = datastore_fsync(vf->f);
    return r < 0 ? io_error(r) : 0;
}

static bool ends_with_vhd(const char *path)
{
    size_t n = strlen(path);
    if (n < 4 || path[n - 4] != '.')
        return false;
    const char *ext = path + n - 3;
    return (ext[0] | 0x20) == 'v' && (ext[1] | 0x20) == 'h' && (ext[2] | 0x20) == 'd';
}

/* Sets vf->vhd and vf->bytes from the file; 0 or -E_* with why. */
static int probe(struct vdisk_file *vf, const char *path, char *why, size_t why_len)
{
    uint64_t size = datastore_fsize(vf->f);
    uint8_t footer[VHD_FOOTER];
    bool cookie = false;
    if (size >= VHD_FOOTER) {
        int r = datastore_pread(vf->f, size - VHD_FOOTER, footer, sizeof(footer));
        if (r < 0) {
            ksnprintf(why, why_len, "%s", datastore_strerror(r));
            return io_error(r);
        }
        cookie = memcmp(footer, "conectix", 8) == 0;
    }
    if (cookie || ends_with_vhd(path)) {
        const char *bad = "the file is smaller than a VHD footer";
        uint64_t bytes;
        if (size >= VHD_FOOTER && vhd_footer_check(footer, size, &bytes, &bad) == 0) {
            vf->vhd = true;
            vf->bytes = bytes;
            if (bytes == 0) {
                ksnprintf(why, why_len, "empty image");
                return -E_INVAL;
            }
            return 0;
        }
        ksnprintf(why, why_len, "not a fixed VHD: %s", bad);
        return -E_INVAL;
    }
    if (size == 0) {
        ksnprintf(why, why_len, "empty image");
        return -E_INVAL;
    }
    if (size % VDISK_SECTOR) {
        ksnprintf(why, why_len, "raw image size %lu is not a multiple of 512 bytes",
                  (unsigned long)size);
        return -E_INVAL;
    }
    vf->vhd = false;
    vf->bytes = size;
    return 0;
}

int vdisk_file_open(struct vdisk *d, struct vdisk_file *vf, const char *path, unsigned flags,
                    char *why, size_t why_len)
{
    memset(vf, 0, sizeof(*vf));
    memset(d, 0, sizeof(*d));
    if (why_len)
        why[0] = 0;
    vf->readonly = flags & VDISK_FILE_RO;
    int r = datastore_open(path, vf->readonly ? DS_O_RDONLY : DS_O_RDWR, &vf->f);
    if (r < 0) {
        ksnprintf(why, why_len, "%s", datastore_strerror(r));
        vf->f = NULL;
        return io_error(r);
    }
    if ((r = probe(vf, path, why, why_len)) < 0) {
        datastore_close(vf->f);
        vf->f = NULL;
        return r;
    }
    *d = (struct vdisk){ vf, file_read, file_write, file_flush, vf->bytes / VDISK_SECTOR };
    return 0;
}

int vdisk_file_close(struct vdisk_file *vf)
{
    if (!vf->f)
        return 0;
    int r = datastore_close(vf->f);
    vf->f = NULL;
    return r < 0 ? io_error(r) : 0;
}
