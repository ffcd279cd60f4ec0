/* What a PC BIOS leaves in low memory when it boots a disk: the interrupt
 * vector table, the BIOS data area, the EBDA, and hv's stub with its data
 * in the F000 segment.  See docs/vbios.md. */
#include "vmm/vbios/vbios.h"
#include "vmm/vbios/vbios_layout.h"
#include "lib/errno.h"
#include "lib/string.h"

#define TICKS_PER_DAY 0x1800B0u     /* 18.2065 Hz, as the BDA counts them */

static int put(struct vbios *b, uint64_t gpa, const void *src, size_t len)
{
    return b->cfg.mem.write(b->cfg.mem.ctx, gpa, src, len);
}

static int put16(struct vbios *b, uint64_t gpa, uint16_t v)
{
    return put(b, gpa, &v, 2);
}

static void ivt_set(uint32_t *ivt, unsigned vec, uint16_t off)
{
    ivt[vec] = (uint32_t)VBIOS_SEG << 16 | off;
}

/* Ticks since midnight (UTC, the only time zone hv knows) at 18.2065 Hz:
 * the PIT's 1193182 Hz over 65536. */
static uint32_t ticks_now(struct vbios *b)
{
    uint64_t ms = b->cfg.wall_ns(b->cfg.ctx) / 1000000ull % 86400000ull;
    uint32_t t = (uint32_t)(ms * 1193182ull / 65536ull / 1000ull);
    return t < TICKS_PER_DAY ? t : TICKS_PER_DAY - 1;
}

static int install_bda(struct vbios *b)
{
    uint8_t bda[0x100];
    memset(bda, 0, sizeof(bda));
    bda[0x00] = 0xF8; bda[0x01] = 0x03;                 /* COM1 at 0x3F8 */
    bda[0x0E] = VBIOS_EBDA_SEG & 0xFF; bda[0x0F] = VBIOS_EBDA_SEG >> 8;
    /* Equipment: x87, 80x25 colour, one serial port; no floppy. */
    uint16_t equip = 0x0002 | 0x0020 | 1u << 9;
    bda[0x10] = (uint8_t)equip; bda[0x11] = equip >> 8;
    uint16_t kib = VBIOS_EBDA >> 10;                    /* 639 */
    bda[0x13] = (uint8_t)kib; bda[0x14] = kib >> 8;
    bda[0x1A] = 0x1E; bda[0x1C] = 0x1E;                 /* keyboard buffer: empty */
    bda[0x80] = 0x1E; bda[0x82] = 0x3E;
    bda[0x49] = 3;                                      /* video mode 3 */
    bda[0x4A] = 80;
    bda[0x4C] = 0x00; bda[0x4D] = 0x10;                 /* page size 4 KiB */
    bda[0x60] = 0x07; bda[0x61] = 0x06;                 /* cursor shape */
    bda[0x63] = 0xD4; bda[0x64] = 0x03;                 /* CRTC at 0x3D4 */
    uint32_t t = ticks_now(b);
    memcpy(bda + 0x6C, &t, 4);
    bda[0x75] = b->cfg.disk ? 1 : 0;                    /* hard disks */
    bda[0x84] = 24;                                     /* rows - 1 */
    return put(b, 0x400, bda, sizeof(bda));
}

static int install_vbe_data(struct vbios *b)
{
    static const char oem[] = "hv virtual BIOS";
    uint16_t modes[2] = { VBIOS_VBE_MODE, 0xFFFF };
    int rc = put(b, VBIOS_BASE + VBIOS_DATA_OFF, oem, sizeof(oem));
    if (rc == 0)
        rc = put(b, VBIOS_BASE + VBIOS_DATA_OFF + 0x20, b->lfb_gpa ? modes : modes + 1,
                 b->lfb_gpa ? 4 : 2);
    return rc;
}

int vbios_install(struct vbios *b, const struct vbios_stub *s)
{
    if (b->cfg.mem_bytes < 0x100000)
        return -E_INVAL;                                /* the BIOS area must be RAM */
    if (s->len > VBIOS_DATA_OFF)
        return -E_INVAL;
    uint32_t ivt[256];
    for (unsigned v = 0; v < 256; v++)
        ivt_set(ivt, v, s->iret);
    ivt_set(ivt, 0x08, s->irq0);
    for (unsigned v = 0x09; v <= 0x0F; v++)
        ivt_set(ivt, v, s->irq_master);
    for (unsigned v = 0x70; v <= 0x77; v++)
        ivt_set(ivt, v, s->irq_slave);
    ivt_set(ivt, 0x10, s->trap10);
    ivt_set(ivt, 0x11, s->int11);
    ivt_set(ivt, 0x12, s->int12);
    ivt_set(ivt, 0x13, s->trap13);
    ivt_set(ivt, 0x15, s->trap15);
    ivt_set(ivt, 0x16, s->trap16);
    ivt_set(ivt, 0x1A, s->trap1a);
    /* The reset vector halts: hv starts guests at 0x7C00, never here. */
    static const uint8_t reset[] = { 0xFA, 0xF4, 0xEB, 0xFD };   /* cli; hlt; jmp $-1 */
    static const char date[] = "11/25/24";
    uint8_t model = 0xFC;                                         /* PC/AT */
    int rc;
    if ((rc = put(b, 0, ivt, sizeof(ivt))) < 0 || (rc = install_bda(b)) < 0 ||
        (rc = put16(b, VBIOS_EBDA, 1)) < 0 ||                     /* EBDA size: 1 KiB */
        (rc = put(b, VBIOS_BASE, s->code, s->len)) < 0 ||
        (rc = install_vbe_data(b)) < 0 ||
        (rc = put(b, 0xFFFF0, reset, sizeof(reset))) < 0 ||
        (rc = put(b, 0xFFFF5, date, 8)) < 0 || (rc = put(b, 0xFFFFE, &model, 1)) < 0)
        return rc;
    return 0;
}
