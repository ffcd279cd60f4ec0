/*
 * Loading KERNEL.BIN: find it, check the cluster chain, check the header
 * page before anything is written above 1 MiB, then load, verify the CRC
 * and clear the bss.  Every failure stops the boot with one of the
 * messages in docs/boot.md.
 */
#include "bl/bl.h"

#include "bl/console.h"
#include "bl/crc32.h"
#include "bl/lib.h"

#define K_LOAD   0x100000u
#define K_HEADER 0x1000u
#define K_MEM_MAX 0x40000000u   /* 1 GiB: far beyond any sane kernel, no overflow */

_Static_assert(sizeof(struct hv_image_header) == 32, "image header layout");

static _Noreturn void bad_header(void)
{
    bl_fatal("KERNEL.BIN is not an hv kernel (bad header)");
}

static void check_fat(struct bl_disk *d, int r)
{
    if (r == FAT16_E_IO)
        bl_disk_error(d);
    if (r < 0)
        bl_fatal("KERNEL.BIN corrupt (%s)", fat16_strerror(r));
}

/* Is [start, end) covered by usable E820 ranges (which may be adjacent)? */
static int memory_usable(const struct hv_bootinfo *bi, uint64_t start, uint64_t end)
{
    uint64_t at = start;
    int progress = 1;

    while (at < end && progress) {
        progress = 0;
        for (uint32_t i = 0; i < bi->e820_count; i++) {
            const struct hv_e820_entry *e = &bi->e820[i];
            if (e->type == 1 && e->base <= at && at < e->base + e->length) {
                at = e->base + e->length;
                progress = 1;
            }
        }
    }
    return at >= end;
}

uint32_t kernel_load(struct bl_disk *d, struct hv_bootinfo *bi)
{
    struct fat16_file f;
    struct hv_image_header h;
    uint32_t usable;
    int r;

    r = fat16_find(&d->fs, "KERNEL.BIN", &f);
    if (r == FAT16_E_NOTFOUND)
        bl_fatal("KERNEL.BIN missing");
    check_fat(d, r);

    r = fat16_check_chain(&d->fs, &f, &usable);
    if (r == FAT16_E_SHORT)
        bl_fatal("KERNEL.BIN truncated (%u of %u bytes)", usable, f.size);
    if (r == FAT16_E_LONG)      /* the file itself is whole */
        bl_warn("KERNEL.BIN: %s", fat16_strerror(r));
    else
        check_fat(d, r);

    if (f.size < sizeof h)
        bad_header();
    check_fat(d, fat16_read(&d->fs, &f, &h, sizeof h));
    if (h.magic != HV_IMAGE_MAGIC_KERNEL || h.header_size != K_HEADER ||
        h.load_addr != K_LOAD || h.entry != K_LOAD + K_HEADER ||
        h.file_size <= K_HEADER || h.mem_size < h.file_size || h.mem_size > K_MEM_MAX)
        bad_header();
    if (h.file_size > f.size)
        bl_fatal("KERNEL.BIN truncated (%u of %u bytes)", f.size, h.file_size);
    if (!memory_usable(bi, K_LOAD, (uint64_t)K_LOAD + h.mem_size))
        bl_fatal("not enough memory for KERNEL.BIN (%u KiB at 0x%x)",
                 (h.mem_size + 1023) / 1024, K_LOAD);

    uint8_t *image = phys(K_LOAD);
    check_fat(d, fat16_read(&d->fs, &f, image, h.file_size));
    if (crc32_update(0, image + K_HEADER, h.file_size - K_HEADER) != h.crc32)
        bl_fatal("KERNEL.BIN corrupt (checksum mismatch)");
    memset(image + h.file_size, 0, h.mem_size - h.file_size);

    bi->kernel_start = K_LOAD;
    bi->kernel_end = (uint64_t)K_LOAD + h.mem_size;
    return h.file_size;
}
