/*
 * BL, stage 3 of the boot chain (docs/boot.md): checks BM's hand-off,
 * reads HV.CFG and KERNEL.BIN from the boot partition through the BIOS
 * call gate, finds the RSDP, fills struct hv_bootinfo and enters the
 * kernel.  Everything BL keeps for the kernel lives in its bss, below 1 MiB.
 */
#include "bl/acpi.h"
#include "bl/bl.h"
#include "bl/console.h"
#include "bl/lib.h"
#include "hv/bm_handoff.h"
#include "lib/hvcfg.h"

#define HANDOFF_VERSION 1u
#define CONFIG_MAX (16u * 1024)
#define LOW_MEM 0x100000u

void bl_main(uint32_t magic, const struct hv_handoff *ho);

static struct hv_bootinfo bootinfo;
static char config_text[CONFIG_MAX];
static struct bl_disk disk;

_Noreturn void bl_disk_error(const struct bl_disk *d)
{
    bl_fatal("disk read error (LBA %u, BIOS status 0x%02x)", d->err.lba, d->err.status);
}

static int disk_read(void *ctx, uint32_t lba, uint32_t count, void *buf)
{
    struct bl_disk *d = ctx;
    return bios_read(lba, count, buf, &d->err);
}

static void check_handoff(uint32_t magic, const struct hv_handoff *ho)
{
    if (magic != HV_HANDOFF_MAGIC || ho->magic != HV_HANDOFF_MAGIC)
        bl_fatal("not started by BM (EAX 0x%08x, hand-off magic 0x%08x)", magic, ho->magic);
    if (ho->version != HANDOFF_VERSION)
        bl_fatal("BM hand-off version %u, this BL needs %u", ho->version, HANDOFF_VERSION);
    if (ho->rm_int == 0 || ho->rm_int >= LOW_MEM)
        bl_fatal("BM hand-off has no call gate (0x%x)", ho->rm_int);
}

static void copy_handoff(const struct hv_handoff *ho, struct hv_bootinfo *bi)
{
    bi->magic = HV_BOOTINFO_MAGIC;
    bi->version = HV_BOOTINFO_VERSION;
    bi->size = sizeof *bi;
    bi->boot_mode = ho->boot_mode;
    if (bi->boot_mode >= HV_MODE_COUNT) {
        bl_warn("unknown boot mode %u from BM, using hypervisor", ho->boot_mode);
        bi->boot_mode = HV_MODE_HYPERVISOR;
    }
    bi->boot_drive = ho->boot_drive;
    bi->boot_part_lba = ho->boot_part_lba;
    bi->flags = ho->flags;

    uint32_t n = ho->e820_count;
    if (n > HV_HANDOFF_E820_MAX) {
        bl_warn("BM reports %u E820 entries, keeping %u", n, HV_HANDOFF_E820_MAX);
        n = HV_HANDOFF_E820_MAX;
    }
    _Static_assert(HV_HANDOFF_E820_MAX <= HV_E820_MAX, "bootinfo holds all hand-off entries");
    memcpy(bi->e820, phys(HV_HANDOFF_ADDR + HV_HANDOFF_E820_OFFSET),
           n * sizeof(struct hv_e820_entry));
    bi->e820_count = n;

    struct hv_framebuffer *fb = &bi->fb;
    fb->addr = ho->fb_addr;
    fb->width = ho->fb_width;
    fb->height = ho->fb_height;
    fb->pitch = ho->fb_pitch;
    fb->bpp = ho->fb_bpp;
    fb->type = ho->fb_type;
    fb->red_pos = ho->red_pos;
    fb->red_size = ho->red_size;
    fb->green_pos = ho->green_pos;
    fb->green_size = ho->green_size;
    fb->blue_pos = ho->blue_pos;
    fb->blue_size = ho->blue_size;
    fb->vbe_mode = ho->vbe_mode;
}

static void config_warning(void *ctx, unsigned line, const char *msg)
{
    (void)ctx;
    bl_warn("HV.CFG line %u: %s", line, msg);
}

/* HV.CFG is optional: every problem here is a warning, except a disk that
 * cannot be read at all. */
static void load_config(struct bl_disk *d, struct hv_bootinfo *bi)
{
    struct fat16_file f;
    struct hv_config cfg;
    uint32_t usable;
    int r;

    r = fat16_find(&d->fs, "HV.CFG", &f);
    if (r == FAT16_E_NOTFOUND) {
        bl_warn("HV.CFG missing, using defaults");
        bi->flags |= HV_BI_CONFIG_WARNINGS;
        return;
    }
    if (r == FAT16_OK)
        r = fat16_check_chain(&d->fs, &f, &usable);
    if (r == FAT16_E_IO)
        bl_disk_error(d);
    if (r < 0 && r != FAT16_E_LONG) {
        bl_warn("HV.CFG unreadable (%s), using defaults", fat16_strerror(r));
        bi->flags |= HV_BI_CONFIG_WARNINGS;
        return;
    }

    uint32_t len = f.size;
    if (len > CONFIG_MAX) {
        bl_warn("HV.CFG is %u bytes, only the first %u are used", len, CONFIG_MAX);
        bi->flags |= HV_BI_CONFIG_WARNINGS;
        len = CONFIG_MAX;
    }
    r = fat16_read(&d->fs, &f, config_text, len);
    if (r == FAT16_E_IO)
        bl_disk_error(d);
    if (r < 0) {
        bl_warn("HV.CFG unreadable (%s), using defaults", fat16_strerror(r));
        bi->flags |= HV_BI_CONFIG_WARNINGS;
        return;
    }
    if (hvcfg_parse(config_text, len, &cfg, config_warning, 0) > 0)
        bi->flags |= HV_BI_CONFIG_WARNINGS;
    bi->config_addr = (uint32_t)(uintptr_t)config_text;
    bi->config_len = len;
}

void bl_main(uint32_t magic, const struct hv_handoff *ho)
{
    struct hv_bootinfo *bi = &bootinfo;

    check_handoff(magic, ho);
    bios_init(ho->rm_int, ho->boot_drive);
    con_init(ho->fb_type);
    copy_handoff(ho, bi);

    int r = fat16_mount(&disk.fs, disk_read, &disk, ho->boot_part_lba);
    if (r == FAT16_E_IO)
        bl_disk_error(&disk);
    if (r < 0)
        bl_fatal("boot partition at LBA %u is not FAT16", ho->boot_part_lba);

    load_config(&disk, bi);
    uint32_t kernel_size = kernel_load(&disk, bi);
    bi->rsdp = acpi_find_rsdp();
    if (!bi->rsdp)
        bl_warn("no ACPI RSDP found");
    bi->bl_ticks = *(const volatile uint32_t *)phys(0x46C);

    bl_info("hv bl: loaded KERNEL.BIN (%u KiB), entering kernel", (kernel_size + 1023) / 1024);
    bl_enter_kernel(0x101000u, HV_BOOTINFO_MAGIC, (uint32_t)(uintptr_t)bi);
    bl_halt();
}
