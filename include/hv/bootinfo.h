/*
 * The boot-info structure: the whole contract between the boot loader
 * (x86/bl, 32-bit) and the kernel (64-bit).  Every field has a fixed width
 * and the struct is packed, so both compilers agree on the layout.
 *
 * BL enters KERNEL.BIN at 0x101000 in 32-bit protected mode, paging off,
 * interrupts off, flat 4 GiB segments, with
 *     EAX = HV_BOOTINFO_MAGIC
 *     EBX = physical address of struct hv_bootinfo (below 1 MiB)
 * The kernel copies the structure (and the config text it points to)
 * before it touches memory below 1 MiB.  See docs/boot.md.
 */
#ifndef HV_BOOTINFO_H
#define HV_BOOTINFO_H

#include <stdint.h>

#define HV_BOOTINFO_MAGIC   0x49425648u /* "HVBI" little-endian */
#define HV_BOOTINFO_VERSION 1u

/* Boot modes, in the order of the boot menu (menu digit = mode + 1). */
enum hv_boot_mode {
    HV_MODE_HYPERVISOR = 0,
    HV_MODE_OS = 1,
    HV_MODE_INSTALLER = 2,
    HV_MODE_RECOVERY = 3,
    HV_MODE_COUNT = 4
};

#define HV_E820_MAX 128

/* One BIOS E820 entry as INT 15h/E820 returns it (24-byte form). */
struct hv_e820_entry {
    uint64_t base;
    uint64_t length;
    uint32_t type;      /* 1 usable, 2 reserved, 3 ACPI reclaim, 4 NVS, 5 bad */
    uint32_t ext_attr;  /* ACPI 3.0 extended attributes; 1 when the BIOS gave none */
} __attribute__((packed));

enum hv_fb_type {
    HV_FB_NONE = 0,     /* no display known */
    HV_FB_RGB = 1,      /* linear framebuffer set by VBE */
    HV_FB_EGA_TEXT = 2  /* 80x25 VGA text at 0xB8000 (VBE fallback) */
};

struct hv_framebuffer {
    uint64_t addr;      /* physical address of the first pixel (0xB8000 for text) */
    uint32_t width;     /* pixels (characters for text) */
    uint32_t height;    /* pixels (characters for text) */
    uint32_t pitch;     /* bytes per scan line (per text row) */
    uint8_t  bpp;       /* bits per pixel: 32 or 24 (16 for text) */
    uint8_t  type;      /* enum hv_fb_type */
    uint8_t  red_pos, red_size;
    uint8_t  green_pos, green_size;
    uint8_t  blue_pos, blue_size;
    uint16_t vbe_mode;  /* VBE mode number, 0 for text */
    uint16_t reserved;
} __attribute__((packed));

struct hv_bootinfo {
    uint32_t magic;             /* HV_BOOTINFO_MAGIC */
    uint32_t version;           /* HV_BOOTINFO_VERSION */
    uint32_t size;              /* sizeof(struct hv_bootinfo) */
    uint32_t boot_mode;         /* enum hv_boot_mode chosen in the boot menu */
    uint32_t boot_drive;        /* BIOS drive number (0x80 = first disk) */
    uint32_t boot_part_lba;     /* first LBA of the boot partition */
    uint32_t flags;             /* HV_BI_* below */
    uint32_t e820_count;        /* valid entries in e820[] */
    struct hv_e820_entry e820[HV_E820_MAX];
    struct hv_framebuffer fb;
    uint64_t rsdp;              /* physical address of the ACPI RSDP, 0 if not found */
    uint64_t config_addr;       /* physical address of HV.CFG's text (not NUL-terminated) */
    uint32_t config_len;        /* its length in bytes, 0 if HV.CFG is missing */
    uint32_t reserved0;
    uint64_t kernel_start;      /* physical: first byte of KERNEL.BIN (0x100000) */
    uint64_t kernel_end;        /* physical: end of the loaded image incl. bss */
    uint64_t bl_ticks;          /* BIOS ticks (18.2 Hz) at kernel entry, for boot timing */
} __attribute__((packed));

/* flags */
#define HV_BI_CONFIG_WARNINGS  (1u << 0) /* BM or BL found problems in HV.CFG */
#define HV_BI_SERIAL_SELECTED  (1u << 1) /* the menu choice came from COM1 */
#define HV_BI_MENU_TIMEOUT     (1u << 2) /* the menu timed out to the default */

/* KERNEL.BIN and BL.BIN start with this 4 KiB header page; the entry point is
 * at offset 0x1000 (0x101000 for the kernel, 0x21000 for BL). */
#define HV_IMAGE_MAGIC_KERNEL 0x4e4b5648u /* "HVKN" */
#define HV_IMAGE_MAGIC_BL     0x4c425648u /* "HVBL" */

struct hv_image_header {
    uint32_t magic;        /* HV_IMAGE_MAGIC_* */
    uint32_t header_size;  /* 0x1000: the entry point is at load address + header_size */
    uint32_t file_size;    /* bytes of the image file (header included) */
    uint32_t mem_size;     /* bytes from load address to end of bss */
    uint32_t crc32;        /* CRC-32 (IEEE, as zlib) of bytes [header_size, file_size) */
    uint32_t load_addr;    /* physical load address (0x100000 or 0x20000) */
    uint32_t entry;        /* physical entry address (0x101000 or 0x21000) */
    uint32_t reserved;
} __attribute__((packed));

#endif
