/* The memory map and the services other than the disk: INT 10h (teletype,
 * cursor, VBE), INT 15h (E820, A20, memory sizes, wait), INT 16h (keys) and
 * INT 1Ah (ticks, RTC).  See docs/vbios.md. */
#include "vmm/vbios/vbios.h"
#include "vmm/vbios/vbios_layout.h"
#include "lib/string.h"

#define ERR_UNSUPPORTED 0x86

/* BIOS data area fields (absolute addresses). */
#define BDA_VIDEO_MODE  0x449
#define BDA_COLUMNS     0x44A
#define BDA_CURSOR      0x450   /* 8 pages x (column, row) */
#define BDA_TICKS       0x46C
#define BDA_MIDNIGHT    0x470
#define TEXT_COLS       80
#define TEXT_ROWS       25

void vbios_ok(struct vbios_regs *r)
{
    r->flags &= ~VBIOS_CF;
}

void vbios_fail(struct vbios_regs *r, uint8_t ah)
{
    vbios_set_ah(r, ah);
    r->flags |= VBIOS_CF;
}

static void unsupported(struct vbios *b, struct vbios_regs *r)
{
    b->bad_calls++;
    vbios_fail(r, ERR_UNSUPPORTED);
}

static uint8_t peek8(struct vbios *b, uint64_t gpa)
{
    uint8_t v = 0;
    b->cfg.mem.read(b->cfg.mem.ctx, gpa, &v, 1);
    return v;
}

static void poke8(struct vbios *b, uint64_t gpa, uint8_t v)
{
    b->cfg.mem.write(b->cfg.mem.ctx, gpa, &v, 1);
}

static void add_e820(struct vbios *b, uint64_t base, uint64_t end, uint32_t type)
{
    if (end > base && b->n_e820 < VBIOS_E820_MAX)
        b->e820[b->n_e820++] = (struct vbios_e820){ base, end - base, type };
}

void vbios_init(struct vbios *b, const struct vbios_cfg *cfg)
{
    memset(b, 0, sizeof(*b));
    b->cfg = *cfg;
    b->key_ahead = -1;
    uint64_t mem = cfg->mem_bytes;
    /* The framebuffer is stolen from the top of RAM, 1 MiB aligned, the
     * way a PC with integrated graphics does it. */
    if (mem >= VBIOS_LFB_MIN_RAM)
        b->lfb_gpa = (mem - VBIOS_LFB_BYTES) & ~0xFFFFFull;
    b->ram_top = b->lfb_gpa ? b->lfb_gpa : mem;
    add_e820(b, 0, VBIOS_EBDA, 1);
    add_e820(b, VBIOS_EBDA, 0xA0000, 2);
    add_e820(b, VBIOS_ACPI_BASE, 0x100000, 2);
    add_e820(b, 0x100000, b->ram_top, 1);
    if (b->lfb_gpa)
        add_e820(b, b->lfb_gpa, mem, 2);
}

/* ---- INT 10h ---- */

static void cursor_get(struct vbios *b, unsigned page, uint8_t *col, uint8_t *row)
{
    *col = peek8(b, BDA_CURSOR + 2 * (page & 7));
    *row = peek8(b, BDA_CURSOR + 2 * (page & 7) + 1);
}

static void cursor_set(struct vbios *b, unsigned page, uint8_t col, uint8_t row)
{
    poke8(b, BDA_CURSOR + 2 * (page & 7), col);
    poke8(b, BDA_CURSOR + 2 * (page & 7) + 1, row);
}

/* AH=0Eh: the character goes to the VM's console (where its COM1 output
 * goes too); the cursor in the BDA follows, so AH=03h agrees. */
static void teletype(struct vbios *b, uint8_t ch)
{
    uint8_t col, row;
    b->cfg.putc(b->cfg.ctx, (char)ch);
    cursor_get(b, 0, &col, &row);
    if (ch == '\r')
        col = 0;
    else if (ch == '\n')
        row++;
    else if (ch == '\b')
        col = col ? col - 1 : 0;
    else if (ch != 7 && ++col >= TEXT_COLS) {
        col = 0;
        row++;
    }
    if (row >= TEXT_ROWS)
        row = TEXT_ROWS - 1;
    cursor_set(b, 0, col, row);
}

static void set_text_mode(struct vbios *b)
{
    b->vbe_mode = 0;
    poke8(b, BDA_VIDEO_MODE, 3);
    poke8(b, BDA_COLUMNS, TEXT_COLS);
    for (unsigned p = 0; p < 8; p++)
        cursor_set(b, p, 0, 0);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

/* Where vbios_install put the VBE strings and the mode list. */
#define VBE_OEM_OFF   (VBIOS_DATA_OFF + 0x00)
#define VBE_MODES_OFF (VBIOS_DATA_OFF + 0x20)

static uint16_t vbe_status(bool ok)
{
    return ok ? 0x004F : 0x014F;
}

/* 4F00h: the controller information block at ES:DI (512 bytes when the
 * caller asks for VBE 2.0 with "VBE2", else 256). */
static bool vbe_info(struct vbios *b, struct vbios_regs *r)
{
    uint64_t at = vbios_lin(r->es, (uint16_t)r->edi);
    uint8_t blk[512];
    if (b->cfg.mem.read(b->cfg.mem.ctx, at, blk, 4) < 0)
        return false;
    size_t len = memcmp(blk, "VBE2", 4) == 0 ? 512 : 256;
    memset(blk, 0, sizeof(blk));
    memcpy(blk, "VESA", 4);
    put16(blk + 4, 0x0300);
    put32(blk + 6, (uint32_t)VBIOS_SEG << 16 | VBE_OEM_OFF);
    put32(blk + 10, 0);                                   /* capabilities */
    put32(blk + 14, (uint32_t)VBIOS_SEG << 16 | VBE_MODES_OFF);
    put16(blk + 18, b->lfb_gpa ? (uint16_t)((VBIOS_LFB_BYTES + 0xFFFF) >> 16) : 0);
    put16(blk + 20, 0x0100);                              /* OEM software revision */
    put32(blk + 22, (uint32_t)VBIOS_SEG << 16 | VBE_OEM_OFF);   /* vendor */
    put32(blk + 26, (uint32_t)VBIOS_SEG << 16 | VBE_OEM_OFF);   /* product */
    put32(blk + 30, (uint32_t)VBIOS_SEG << 16 | VBE_OEM_OFF);   /* revision */
    return b->cfg.mem.write(b->cfg.mem.ctx, at, blk, len) == 0;
}

/* 4F01h: the mode information block of mode CX at ES:DI (256 bytes). */
static bool vbe_mode_info(struct vbios *b, struct vbios_regs *r)
{
    if (!b->lfb_gpa || ((r->ecx & 0x1FF) != VBIOS_VBE_MODE))
        return false;
    uint8_t m[256];
    memset(m, 0, sizeof(m));
    uint16_t pitch = VBIOS_VBE_W * 4;
    put16(m + 0x00, 0x009B);            /* supported, extra info, colour, graphics, LFB */
    put16(m + 0x10, pitch);
    put16(m + 0x12, VBIOS_VBE_W);
    put16(m + 0x14, VBIOS_VBE_H);
    m[0x16] = 8;                        /* character cell */
    m[0x17] = 16;
    m[0x18] = 1;                        /* planes */
    m[0x19] = VBIOS_VBE_BPP;
    m[0x1A] = 1;                        /* banks */
    m[0x1B] = 6;                        /* direct colour */
    m[0x1D] = 0;                        /* image pages - 1 */
    m[0x1E] = 1;
    m[0x1F] = 8;  m[0x20] = 16;         /* red size, position */
    m[0x21] = 8;  m[0x22] = 8;          /* green */
    m[0x23] = 8;  m[0x24] = 0;          /* blue */
    m[0x25] = 8;  m[0x26] = 24;         /* reserved */
    put32(m + 0x28, (uint32_t)b->lfb_gpa);
    put16(m + 0x32, pitch);             /* VBE 3.0 linear fields */
    m[0x36] = 8;  m[0x37] = 16;
    m[0x38] = 8;  m[0x39] = 8;
    m[0x3A] = 8;  m[0x3B] = 0;
    m[0x3C] = 8;  m[0x3D] = 24;
    uint64_t at = vbios_lin(r->es, (uint16_t)r->edi);
    return b->cfg.mem.write(b->cfg.mem.ctx, at, m, sizeof(m)) == 0;
}

/* 4F02h: BX = mode; bit 14 asks for the LFB (required: there are no bank
 * windows), bit 15 keeps the framebuffer's contents. */
static bool vbe_set_mode(struct vbios *b, struct vbios_regs *r)
{
    uint16_t bx = (uint16_t)r->ebx, mode = bx & 0x1FF;
    if (mode < 0x100) {                 /* a VGA mode number: only text mode 3 */
        if (mode != 3 && mode != 2)
            return false;
        set_text_mode(b);
        return true;
    }
    if (mode != VBIOS_VBE_MODE || !b->lfb_gpa || !(bx & 0x4000))
        return false;
    if (!(bx & 0x8000)) {
        static const uint8_t zero[4096];
        for (uint64_t off = 0; off < VBIOS_LFB_BYTES; off += sizeof(zero))
            b->cfg.mem.write(b->cfg.mem.ctx, b->lfb_gpa + off, zero, sizeof(zero));
    }
    b->vbe_mode = mode;
    return true;
}

static void vbe(struct vbios *b, struct vbios_regs *r)
{
    bool ok;
    switch ((uint8_t)r->eax) {
    case 0x00: ok = vbe_info(b, r); break;
    case 0x01: ok = vbe_mode_info(b, r); break;
    case 0x02: ok = vbe_set_mode(b, r); break;
    case 0x03:
        r->ebx = (r->ebx & ~0xFFFFu) | (b->vbe_mode ? (b->vbe_mode | 0x4000u) : 3u);
        ok = true;
        break;
    default:
        b->bad_calls++;
        ok = false;
        break;
    }
    vbios_set_ax(r, vbe_status(ok));
}

void vbios_int10(struct vbios *b, struct vbios_regs *r)
{
    uint8_t al = (uint8_t)r->eax;
    uint8_t page = (uint8_t)(r->ebx >> 8), col, row;
    switch (vbios_ah(r)) {
    case 0x00:                                  /* set mode: text modes only */
        if ((al & 0x7F) == 3 || (al & 0x7F) == 2)
            set_text_mode(b);
        break;
    case 0x01:                                  /* cursor shape: nothing to show */
        break;
    case 0x02:
        cursor_set(b, page, (uint8_t)r->edx, (uint8_t)(r->edx >> 8));
        break;
    case 0x03:
        cursor_get(b, page, &col, &row);
        r->edx = (r->edx & ~0xFFFFu) | (uint32_t)row << 8 | col;
        r->ecx = (r->ecx & ~0xFFFFu) | 0x0607;
        break;
    case 0x0E:
        teletype(b, al);
        break;
    case 0x0F:                                  /* current mode */
        r->eax = (r->eax & ~0xFFFFu) | TEXT_COLS << 8 | (b->vbe_mode ? 0x62 : 3);
        r->ebx &= ~0xFF00u;
        break;
    case 0x4F:
        vbe(b, r);
        break;
    default:
        unsupported(b, r);
        break;
    }
}

/* ---- INT 15h ---- */

#define SMAP 0x534D4150u

/* EAX=E820h: entry EBX of the map to ES:DI, the next index in EBX (0 after
 * the last), ECX = bytes written (20, or 24 with the ACPI 3.0 attributes). */
static void e820(struct vbios *b, struct vbios_regs *r)
{
    if (r->edx != SMAP || r->ecx < 20 || r->ebx >= b->n_e820) {
        vbios_fail(r, ERR_UNSUPPORTED);
        return;
    }
    const struct vbios_e820 *e = &b->e820[r->ebx];
    uint8_t out[24];
    memcpy(out, &e->base, 8);
    memcpy(out + 8, &e->len, 8);
    memcpy(out + 16, &e->type, 4);
    put32(out + 20, 1);                         /* attributes: enabled */
    uint32_t n = r->ecx >= 24 ? 24 : 20;
    if (b->cfg.mem.write(b->cfg.mem.ctx, vbios_lin(r->es, (uint16_t)r->edi), out, n) < 0) {
        vbios_fail(r, ERR_UNSUPPORTED);
        return;
    }
    r->eax = SMAP;
    r->ecx = n;
    r->ebx = r->ebx + 1 < b->n_e820 ? r->ebx + 1 : 0;
    vbios_ok(r);
}

void vbios_int15(struct vbios *b, struct vbios_regs *r)
{
    uint64_t top16 = b->ram_top < (16ull << 20) ? b->ram_top : 16ull << 20;
    uint64_t ext_kib = top16 > 0x100000 ? (top16 - 0x100000) >> 10 : 0;
    uint64_t top4g = b->ram_top < (4ull << 30) ? b->ram_top : 4ull << 30;
    uint64_t blocks = top4g > (16ull << 20) ? (top4g - (16ull << 20)) >> 16 : 0;
    if (r->eax == 0xE820) {
        e820(b, r);
        return;
    }
    switch (r->eax & 0xFFFF) {
    case 0x2401:                                /* A20 on: it always is */
    case 0x2402:                                /* A20 status: AL = 1 */
        r->eax = (r->eax & ~0xFFFFu) | ((r->eax & 0xFFFF) == 0x2402 ? 1 : 0);
        vbios_ok(r);
        return;
    case 0x2403:                                /* A20 support: port 92h */
        r->eax &= ~0xFFFFu;
        r->ebx = (r->ebx & ~0xFFFFu) | 0x0002;
        vbios_ok(r);
        return;
    case 0xE801:                                /* KiB 1-16 MiB, 64 KiB blocks above */
        r->eax = r->ecx = (uint32_t)ext_kib;
        r->ebx = r->edx = (uint32_t)(blocks > 0xFFFF ? 0xFFFF : blocks);
        vbios_ok(r);
        return;
    }
    switch (vbios_ah(r)) {
    case 0x88:                                  /* KiB above 1 MiB (below 16 MiB) */
        vbios_set_ax(r, (uint16_t)ext_kib);
        vbios_ok(r);
        break;
    case 0x86:                                  /* wait CX:DX us: returns at once */
        vbios_set_ah(r, 0);
        vbios_ok(r);
        break;
    default:                                    /* 2400h (A20 off) included */
        unsupported(b, r);
        break;
    }
}

/* ---- INT 16h ---- */

/* Typed bytes come as ASCII from the VM's console; a PC keyboard would
 * give a scan code too.  The common keys get theirs. */
static uint16_t key_code(uint8_t ch)
{
    static const char row1[] = "1234567890-=", rowq[] = "qwertyuiop[]",
                      rowa[] = "asdfghjkl;'`", rowz[] = "\\zxcvbnm,./";
    static const struct { const char *keys; uint8_t first; } rows[] = {
        { row1, 0x02 }, { rowq, 0x10 }, { rowa, 0x1E }, { rowz, 0x2B },
    };
    uint8_t lower = ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch + 32) : ch, scan = 0;
    if (ch == '\r' || ch == '\n') {
        ch = '\r';
        scan = 0x1C;
    } else if (ch == 27) {
        scan = 0x01;
    } else if (ch == 8 || ch == 0x7F) {
        ch = 8;
        scan = 0x0E;
    } else if (ch == '\t') {
        scan = 0x0F;
    } else if (ch == ' ') {
        scan = 0x39;
    } else {
        for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]) && !scan; i++)
            for (unsigned j = 0; rows[i].keys[j]; j++)
                if ((uint8_t)rows[i].keys[j] == lower)
                    scan = (uint8_t)(rows[i].first + j);
    }
    return (uint16_t)(scan << 8 | ch);
}

void vbios_int16(struct vbios *b, struct vbios_regs *r)
{
    uint8_t fn = vbios_ah(r);
    switch (fn) {
    case 0x00:
    case 0x10:
    case 0x01:
    case 0x11: {
        int k = b->key_ahead >= 0 ? b->key_ahead : b->cfg.getkey(b->cfg.ctx);
        bool peek = fn == 0x01 || fn == 0x11;
        b->key_ahead = peek ? k : -1;
        if (k < 0) {
            /* No key: ZF = 1.  A read does not wait (there is no console
             * input for VMs yet): AX = 0 and CF = 1 instead. */
            r->flags |= VBIOS_ZF;
            if (!peek) {
                vbios_set_ax(r, 0);
                r->flags |= VBIOS_CF;
            }
            return;
        }
        r->flags &= ~(VBIOS_ZF | VBIOS_CF);
        vbios_set_ax(r, key_code((uint8_t)k));
        return;
    }
    case 0x02:                                  /* shift flags: none */
    case 0x12:
        r->eax &= fn == 0x02 ? ~0xFFu : ~0xFFFFu;
        return;
    default:
        unsupported(b, r);
        return;
    }
}

/* ---- INT 1Ah ---- */

static uint8_t bcd(unsigned v)
{
    return (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

/* Days since 1970-01-01 -> civil date (proleptic Gregorian), by 400-year
 * eras: each era has 146097 days, March-based years put Feb 29 last. */
static void civil(uint64_t days, unsigned *y, unsigned *m, unsigned *d)
{
    uint64_t z = days + 719468;                 /* days since 0000-03-01 */
    uint64_t era = z / 146097, doe = z % 146097;
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = (unsigned)(yoe + era * 400 + (*m <= 2));
}

void vbios_int1a(struct vbios *b, struct vbios_regs *r)
{
    uint64_t secs = b->cfg.wall_ns(b->cfg.ctx) / 1000000000ull;
    unsigned tod = (unsigned)(secs % 86400);
    switch (vbios_ah(r)) {
    case 0x00: {                                /* ticks since midnight */
        uint32_t t = 0;
        b->cfg.mem.read(b->cfg.mem.ctx, BDA_TICKS, &t, 4);
        r->ecx = (r->ecx & ~0xFFFFu) | t >> 16;
        r->edx = (r->edx & ~0xFFFFu) | (t & 0xFFFF);
        r->eax = (r->eax & ~0xFFu) | peek8(b, BDA_MIDNIGHT);
        poke8(b, BDA_MIDNIGHT, 0);
        vbios_ok(r);
        break;
    }
    case 0x01: {                                /* set ticks */
        uint32_t t = (r->ecx & 0xFFFF) << 16 | (r->edx & 0xFFFF);
        b->cfg.mem.write(b->cfg.mem.ctx, BDA_TICKS, &t, 4);
        poke8(b, BDA_MIDNIGHT, 0);
        vbios_ok(r);
        break;
    }
    case 0x02:                                  /* RTC time, BCD */
        r->ecx = (r->ecx & ~0xFFFFu) | (uint32_t)bcd(tod / 3600) << 8 | bcd(tod / 60 % 60);
        r->edx = (r->edx & ~0xFFFFu) | (uint32_t)bcd(tod % 60) << 8;
        vbios_ok(r);
        break;
    case 0x04: {                                /* RTC date, BCD */
        unsigned y, m, d;
        civil(secs / 86400, &y, &m, &d);
        r->ecx = (r->ecx & ~0xFFFFu) | (uint32_t)bcd(y / 100) << 8 | bcd(y % 100);
        r->edx = (r->edx & ~0xFFFFu) | (uint32_t)bcd(m) << 8 | bcd(d);
        vbios_ok(r);
        break;
    }
    default:
        unsupported(b, r);
        break;
    }
}

void vbios_call(struct vbios *b, uint8_t vec, struct vbios_regs *r)
{
    b->calls++;
    switch (vec) {
    case 0x10: vbios_int10(b, r); break;
    case 0x13: vbios_int13(b, r); break;
    case 0x15: vbios_int15(b, r); break;
    case 0x16: vbios_int16(b, r); break;
    case 0x1A: vbios_int1a(b, r); break;
    default: unsupported(b, r); break;
    }
}
