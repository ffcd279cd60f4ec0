/* hv's virtual BIOS: the services a real-mode guest calls with INT 10h,
 * 13h, 15h, 16h and 1Ah, implemented in C.  A tiny stub in the guest's BIOS
 * segment (vbios_stub.S) traps to hv with an OUT to VBIOS_PORT; the VMM
 * glue (vbios_vm.c) turns the vCPU's registers into a struct vbios_regs,
 * calls vbios_call and writes the result back.
 *
 * Everything here is pure: guest memory through an accessor, the disk
 * through a struct vdisk, time, console and keys through callbacks, so
 * host unit tests drive it without a VM.  No globals, no heap: the caller
 * owns struct vbios.  See docs/vbios.md.  Owner: vbios.
 *
 * Usage:
 *     struct vbios b;  vbios_init(&b, &cfg);
 *     vbios_install(&b, &stub);           IVT, BDA, stub, VBE data, ACPI
 *     vbios_call(&b, 0x13, &regs);        per trap
 */
#ifndef HV_VMM_VBIOS_H
#define HV_VMM_VBIOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmm/vbios/vdisk.h"

/* The registers a BIOS call reads and writes.  flags is the FLAGS image the
 * INT pushed (what the IRET restores): services set CF and ZF there. */
struct vbios_regs {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
    uint16_t ds, es, ss, sp;
    uint16_t flags;
};

#define VBIOS_CF 0x0001u
#define VBIOS_ZF 0x0040u

/* Guest-physical memory.  Both return 0 or a negative error when any byte
 * of [gpa, gpa+len) is outside guest RAM (then nothing is promised about
 * partial copies; services never pass such a range on purpose). */
struct vbios_mem {
    void *ctx;
    int (*read)(void *ctx, uint64_t gpa, void *dst, size_t len);
    int (*write)(void *ctx, uint64_t gpa, const void *src, size_t len);
};

struct vbios_cfg {
    struct vbios_mem mem;
    uint64_t mem_bytes;              /* guest RAM at gpa 0 */
    struct vdisk *disk;              /* drive 0x80, or NULL: no hard disk */
    void *ctx;                       /* for the callbacks below */
    uint64_t (*wall_ns)(void *ctx);  /* ns since the Unix epoch (UTC) */
    void (*putc)(void *ctx, char c); /* teletype output: the VM's console */
    int (*getkey)(void *ctx);        /* a typed byte (consumed), or -1 */
};

/* The one VBE graphics mode: 1024x768, 32 bpp, linear framebuffer carved
 * from the top of guest RAM (reserved in E820) when the VM has at least
 * VBIOS_LFB_MIN_RAM. */
#define VBIOS_VBE_MODE     0x118
#define VBIOS_VBE_W        1024
#define VBIOS_VBE_H        768
#define VBIOS_VBE_BPP      32
#define VBIOS_LFB_BYTES    (VBIOS_VBE_W * VBIOS_VBE_H * 4u)
#define VBIOS_LFB_MIN_RAM  (8ull << 20)

/* Low-memory layout. */
#define VBIOS_EBDA_SEG     0x9FC0   /* 1 KiB below 640 KiB */
#define VBIOS_EBDA         0x9FC00
#define VBIOS_ACPI_BASE    0xE0000  /* RSDP and tables (reserved in E820) */

#define VBIOS_E820_MAX 6
struct vbios_e820 {
    uint64_t base, len;
    uint32_t type;                   /* 1 usable, 2 reserved */
};

struct vbios {
    struct vbios_cfg cfg;
    uint64_t lfb_gpa;                /* 0: no graphics mode */
    uint64_t ram_top;                /* end of usable RAM above 1 MiB */
    struct vbios_e820 e820[VBIOS_E820_MAX];
    unsigned n_e820;
    uint16_t vbe_mode;               /* 0: text mode 3 */
    uint8_t disk_status;             /* INT 13h AH=01h */
    int key_ahead;                   /* a key INT 16h AH=01h looked at, or -1 */
    uint64_t calls, bad_calls;       /* for vm info / tests */
};

/* Offsets (within VBIOS_SEG) of the stub's entry points. */
struct vbios_stub {
    const uint8_t *code;
    size_t len;                      /* copied to VBIOS_BASE; < VBIOS_DATA_OFF */
    uint16_t iret, irq_master, irq_slave, irq0, int11, int12;
    uint16_t trap10, trap13, trap15, trap16, trap1a;
};

void vbios_init(struct vbios *b, const struct vbios_cfg *cfg);

/* Writes the IVT, BDA, EBDA, the stub and its data, and the ACPI tables
 * into guest memory.  0 or a negative error (guest RAM too small). */
int vbios_install(struct vbios *b, const struct vbios_stub *stub);

/* One trapped INT.  Unknown vectors and functions: CF = 1, AH = 86h
 * (INT 13h: AH = 01h).  Never fails otherwise: bad guest input is an error
 * the guest sees. */
void vbios_call(struct vbios *b, uint8_t vec, struct vbios_regs *r);

/* The services, for the tests. */
void vbios_int10(struct vbios *b, struct vbios_regs *r);
void vbios_int13(struct vbios *b, struct vbios_regs *r);
void vbios_int15(struct vbios *b, struct vbios_regs *r);
void vbios_int16(struct vbios *b, struct vbios_regs *r);
void vbios_int1a(struct vbios *b, struct vbios_regs *r);

/* Shared by the services (vbios_svc.c). */
void vbios_ok(struct vbios_regs *r);
void vbios_fail(struct vbios_regs *r, uint8_t ah);
static inline uint64_t vbios_lin(uint16_t seg, uint16_t off)
{
    return ((uint64_t)seg << 4) + off;
}
static inline uint8_t vbios_ah(const struct vbios_regs *r)
{
    return (uint8_t)(r->eax >> 8);
}
static inline void vbios_set_ah(struct vbios_regs *r, uint8_t v)
{
    r->eax = (r->eax & ~0xFF00u) | (uint32_t)v << 8;
}
static inline void vbios_set_ax(struct vbios_regs *r, uint16_t v)
{
    r->eax = (r->eax & ~0xFFFFu) | v;
}

#endif
