/*
 * What the boot manager (x86/bm, nasm) hands to the boot loader (x86/bl, C).
 * The same layout is spelled for nasm in include/hv/bm_handoff.inc: change both.
 *
 * BM enters BL at 0x21000 in 32-bit protected mode (flat 4 GiB code 0x08 and
 * data 0x10 selectors, paging off, interrupts off, ESP = 0x1FFF0) with
 *     EAX = HV_HANDOFF_MAGIC
 *     EBX = HV_HANDOFF_ADDR
 */
#ifndef HV_BM_HANDOFF_H
#define HV_BM_HANDOFF_H

#include <stdint.h>

#define HV_HANDOFF_MAGIC 0x4f485648u /* "HVHO" */
#define HV_HANDOFF_ADDR  0x7000u
#define HV_HANDOFF_E820_OFFSET 0x100u
#define HV_HANDOFF_E820_MAX 112      /* (0x7C00 - 0x7100) / 24 */

/* Registers in and out of a real-mode interrupt through the call gate. */
struct hv_rm_regs {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
    uint16_t ds, es;
    uint32_t eflags;     /* out: flags after the INT (CF = bit 0) */
} __attribute__((packed));

/* The call gate: cdecl, callable from 32-bit protected mode.  Drops to real
 * mode (on its own stack below 0x6000), runs INT intno with *regs, stores the
 * resulting registers back into *regs, returns to protected mode with BL's
 * stack and segments intact.  regs must lie below 1 MiB; buffers passed to
 * the BIOS must lie below 1 MiB and are addressed with ds/es:offset. */
typedef void (*hv_rm_int_fn)(uint32_t intno, struct hv_rm_regs *regs);

struct hv_handoff {
    uint32_t magic;          /* 0x00 HV_HANDOFF_MAGIC */
    uint32_t version;        /* 0x04 1 */
    uint32_t boot_drive;     /* 0x08 DL as the BIOS gave it to the MBR */
    uint32_t boot_part_lba;  /* 0x0C first LBA of the FAT16 boot partition */
    uint32_t boot_mode;      /* 0x10 enum hv_boot_mode chosen in the menu */
    uint32_t flags;          /* 0x14 HV_BI_* flags of bootinfo.h, as far as BM knows */
    uint32_t rm_int;         /* 0x18 linear address of the call gate (hv_rm_int_fn) */
    uint32_t e820_count;     /* 0x1C entries at HV_HANDOFF_ADDR + HV_HANDOFF_E820_OFFSET */
    /* 0x20: framebuffer; fb_type = HV_FB_NONE/RGB/EGA_TEXT as in bootinfo.h */
    uint32_t fb_addr;        /* 0x20 physical LFB address (0xB8000 for text) */
    uint32_t fb_width;       /* 0x24 */
    uint32_t fb_height;      /* 0x28 */
    uint32_t fb_pitch;       /* 0x2C */
    uint8_t  fb_bpp;         /* 0x30 */
    uint8_t  fb_type;        /* 0x31 */
    uint8_t  red_pos, red_size, green_pos, green_size, blue_pos, blue_size; /* 0x32..0x37 */
    uint16_t vbe_mode;       /* 0x38 */
    uint16_t reserved0;      /* 0x3A */
    uint32_t menu_timeout;   /* 0x3C seconds the menu waited at most */
    uint32_t boot_ticks;     /* 0x40 BIOS tick count (0x46C) when the MBR handed over */
} __attribute__((packed));

#endif
