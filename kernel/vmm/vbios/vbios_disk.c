/* INT 13h: the hard disk 0x80 over a struct vdisk.  Every guest pointer
 * (DAP, buffer, result block) and every LBA is checked before use, so a
 * guest that points anywhere gets CF = 1 and an error in AH, never more.
 * See docs/vbios.md. */
#include "vmm/vbios/vbios.h"
#include "lib/string.h"

#define DRIVE0          0x80
#define ERR_BAD_CMD     0x01    /* invalid function or parameter */
#define ERR_NOT_FOUND   0x04    /* sector not found / read error */
#define ERR_WRITE       0xCC    /* write fault */
#define ERR_NO_DRIVE    0x01

/* A made-up CHS geometry for AH=08h/48h and CHS reads: 63 sectors per
 * track, 16 heads (255 for disks past 504 MiB), at most 1024 cylinders. */
#define SPT 63u
static unsigned heads(const struct vdisk *d)
{
    return d->sector_count > 1024ull * 16 * SPT ? 255 : 16;
}
static uint64_t cylinders(const struct vdisk *d)
{
    uint64_t c = d->sector_count / (heads(d) * SPT);
    return c ? c : 1;
}

static void done(struct vbios *b, struct vbios_regs *r, uint8_t status)
{
    b->disk_status = status;
    if (status) {
        vbios_fail(r, status);
    } else {
        vbios_set_ah(r, 0);
        vbios_ok(r);
    }
}

/* Moves count sectors between the disk and guest memory at gpa, a sector
 * at a time through a bounce buffer (guest RAM need not be contiguous on
 * the host).  Returns the number moved; *status says why it stopped. */
static uint32_t transfer(struct vbios *b, bool write, uint64_t lba, uint32_t count, uint64_t gpa,
                         uint8_t *status)
{
    struct vdisk *d = b->cfg.disk;
    uint8_t sec[VDISK_SECTOR];
    *status = 0;
    if (lba > d->sector_count || count > d->sector_count - lba) {
        *status = ERR_NOT_FOUND;
        return 0;
    }
    if (gpa > b->cfg.mem_bytes || (uint64_t)count * VDISK_SECTOR > b->cfg.mem_bytes - gpa) {
        *status = ERR_BAD_CMD;      /* the buffer is not all guest RAM */
        return 0;
    }
    uint32_t n;
    for (n = 0; n < count; n++) {
        uint64_t at = gpa + (uint64_t)n * VDISK_SECTOR;
        if (write) {
            if (b->cfg.mem.read(b->cfg.mem.ctx, at, sec, sizeof(sec)) < 0) {
                *status = ERR_BAD_CMD;
                break;
            }
            if (d->write(d->ctx, lba + n, 1, sec) < 0) {
                *status = ERR_WRITE;
                break;
            }
        } else {
            if (d->read(d->ctx, lba + n, 1, sec) < 0) {
                *status = ERR_NOT_FOUND;
                break;
            }
            if (b->cfg.mem.write(b->cfg.mem.ctx, at, sec, sizeof(sec)) < 0) {
                *status = ERR_BAD_CMD;
                break;
            }
        }
    }
    /* A BIOS write returns when the data is on the disk: INT 13h has no
     * flush call of its own for the guest to make. */
    if (write && n > 0 && d->flush && d->flush(d->ctx) < 0 && !*status)
        *status = ERR_WRITE;
    return n;
}

struct dap {
    uint8_t size, zero;
    uint16_t count, off, seg;
    uint64_t lba;
    uint64_t flat;                  /* with size >= 0x18 and seg:off = FFFF:FFFF */
};

/* AH=42h/43h: DS:SI points at the disk address packet. */
static void ext_rw(struct vbios *b, struct vbios_regs *r, bool write)
{
    uint64_t at = vbios_lin(r->ds, (uint16_t)r->esi);
    uint8_t raw[0x18];
    struct dap p;
    if (b->cfg.mem.read(b->cfg.mem.ctx, at, raw, 0x10) < 0) {
        done(b, r, ERR_BAD_CMD);
        return;
    }
    p.size = raw[0];
    p.count = (uint16_t)(raw[2] | raw[3] << 8);
    p.off = (uint16_t)(raw[4] | raw[5] << 8);
    p.seg = (uint16_t)(raw[6] | raw[7] << 8);
    memcpy(&p.lba, raw + 8, 8);
    if (p.size < 0x10) {
        done(b, r, ERR_BAD_CMD);
        return;
    }
    uint64_t gpa = vbios_lin(p.seg, p.off);
    if (p.size >= 0x18 && p.seg == 0xFFFF && p.off == 0xFFFF) {
        if (b->cfg.mem.read(b->cfg.mem.ctx, at + 0x10, raw + 0x10, 8) < 0) {
            done(b, r, ERR_BAD_CMD);
            return;
        }
        memcpy(&p.flat, raw + 0x10, 8);
        gpa = p.flat;
    }
    uint8_t status;
    uint16_t moved = (uint16_t)transfer(b, write, p.lba, p.count, gpa, &status);
    /* The packet's count says how many sectors really moved. */
    uint8_t cnt[2] = { (uint8_t)moved, (uint8_t)(moved >> 8) };
    b->cfg.mem.write(b->cfg.mem.ctx, at + 2, cnt, 2);
    done(b, r, status);
}

/* AH=02h/03h: CHS in CX/DH, AL sectors to ES:BX. */
static void chs_rw(struct vbios *b, struct vbios_regs *r, bool write)
{
    struct vdisk *d = b->cfg.disk;
    uint32_t count = r->eax & 0xFF;
    uint32_t sector = r->ecx & 0x3F;
    uint32_t cyl = (r->ecx >> 8 & 0xFF) | (r->ecx & 0xC0) << 2;
    uint32_t head = r->edx >> 8 & 0xFF;
    if (count == 0 || sector == 0 || head >= heads(d)) {
        r->eax &= ~0xFFu;
        done(b, r, ERR_BAD_CMD);
        return;
    }
    uint64_t lba = ((uint64_t)cyl * heads(d) + head) * SPT + sector - 1;
    uint8_t status;
    uint32_t moved = transfer(b, write, lba, count, vbios_lin(r->es, (uint16_t)r->ebx), &status);
    r->eax = (r->eax & ~0xFFu) | (moved & 0xFF);
    done(b, r, status);
}

/* AH=48h: the result buffer at DS:SI; its first word is its size. */
static void params(struct vbios *b, struct vbios_regs *r)
{
    struct vdisk *d = b->cfg.disk;
    uint64_t at = vbios_lin(r->ds, (uint16_t)r->esi);
    uint8_t buf[0x1E];
    if (b->cfg.mem.read(b->cfg.mem.ctx, at, buf, 2) < 0) {
        done(b, r, ERR_BAD_CMD);
        return;
    }
    uint16_t size = (uint16_t)(buf[0] | buf[1] << 8);
    if (size < 0x1A) {
        done(b, r, ERR_BAD_CMD);
        return;
    }
    size = size >= 0x1E ? 0x1E : 0x1A;
    uint16_t flags = 0x0002;                    /* the CHS fields are valid */
    uint32_t cyl = (uint32_t)cylinders(d), hd = heads(d), spt = SPT;
    uint64_t total = d->sector_count;
    uint16_t bps = VDISK_SECTOR;
    uint32_t edd = 0xFFFFFFFFu;                 /* no EDD configuration block */
    memcpy(buf, &size, 2);
    memcpy(buf + 2, &flags, 2);
    memcpy(buf + 4, &cyl, 4);
    memcpy(buf + 8, &hd, 4);
    memcpy(buf + 12, &spt, 4);
    memcpy(buf + 16, &total, 8);
    memcpy(buf + 24, &bps, 2);
    memcpy(buf + 26, &edd, 4);
    if (b->cfg.mem.write(b->cfg.mem.ctx, at, buf, size) < 0) {
        done(b, r, ERR_BAD_CMD);
        return;
    }
    done(b, r, 0);
}

/* AH=08h: the CHS geometry, as maxima. */
static void geometry(struct vbios *b, struct vbios_regs *r)
{
    struct vdisk *d = b->cfg.disk;
    uint64_t c = cylinders(d);
    uint32_t maxc = (uint32_t)(c > 1024 ? 1023 : c - 1);
    r->ecx = (r->ecx & ~0xFFFFu) | (maxc & 0xFF) << 8 | (maxc >> 2 & 0xC0) | SPT;
    r->edx = (r->edx & ~0xFFFFu) | (heads(d) - 1) << 8 | 1;   /* one drive */
    r->eax &= ~0xFFu;
    done(b, r, 0);
}

void vbios_int13(struct vbios *b, struct vbios_regs *r)
{
    uint8_t fn = vbios_ah(r), drive = (uint8_t)r->edx;
    if (drive != DRIVE0 || !b->cfg.disk) {
        /* No such drive.  AH=15h answers "not present" instead of failing. */
        if (fn == 0x15) {
            vbios_set_ah(r, 0);
            vbios_ok(r);
            return;
        }
        vbios_fail(r, ERR_NO_DRIVE);
        return;
    }
    switch (fn) {
    case 0x00:                                  /* reset */
        done(b, r, 0);
        break;
    case 0x01:                                  /* status of the last call */
        vbios_set_ah(r, b->disk_status);
        if (b->disk_status)
            r->flags |= VBIOS_CF;
        else
            r->flags &= ~VBIOS_CF;
        break;
    case 0x02:
    case 0x03:
        chs_rw(b, r, fn == 0x03);
        break;
    case 0x08:
        geometry(b, r);
        break;
    case 0x15: {                                /* type: a hard disk of CX:DX sectors */
        uint64_t n = b->cfg.disk->sector_count > 0xFFFFFFFFu ? 0xFFFFFFFFu
                                                             : b->cfg.disk->sector_count;
        r->ecx = (r->ecx & ~0xFFFFu) | (uint32_t)(n >> 16);
        r->edx = (r->edx & ~0xFFFFu) | (uint32_t)(n & 0xFFFF);
        vbios_ok(r);
        vbios_set_ah(r, 0x03);
        break;
    }
    case 0x41:                                  /* extensions present? */
        if ((r->ebx & 0xFFFF) != 0x55AA) {
            done(b, r, ERR_BAD_CMD);
            break;
        }
        r->ebx = (r->ebx & ~0xFFFFu) | 0xAA55;
        r->ecx = (r->ecx & ~0xFFFFu) | 0x0001;  /* 42h-44h, 47h, 48h */
        vbios_ok(r);
        vbios_set_ah(r, 0x30);                  /* EDD 3.0 */
        break;
    case 0x42:
    case 0x43:
        ext_rw(b, r, fn == 0x43);
        break;
    case 0x44:                                  /* verify: the disk is RAM, always fine */
    case 0x47:                                  /* seek */
        done(b, r, 0);
        break;
    case 0x48:
        params(b, r);
        break;
    default:
        b->bad_calls++;
        done(b, r, ERR_BAD_CMD);
        break;
    }
}
