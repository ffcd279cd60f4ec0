/*
 * BL reaches the disk and the video BIOS only through BM's call gate, so
 * it boots from whatever disk the BIOS can (IDE, AHCI, virtio, USB).
 * Everything the BIOS touches must lie below 1 MiB: the request packet and
 * the bounce buffer live in BL's bss, which ends below 0x70000.
 */
#include "bl/bios.h"

#include "bl/lib.h"

#define BOUNCE_SECTORS 64u      /* 32 KiB, below the 127-sector limit of some BIOSes */
#define SECTOR 512u

/* INT 13h extensions disk address packet. */
struct dap {
    uint8_t size;               /* 16 */
    uint8_t zero;
    uint16_t count;
    uint16_t off, seg;          /* buffer */
    uint64_t lba;
} __attribute__((packed));

static hv_rm_int_fn gate;
static uint32_t boot_drive;
/* Aligned to its size so it never straddles a 64 KiB DMA boundary. */
static uint8_t bounce[BOUNCE_SECTORS * SECTOR] __attribute__((aligned(BOUNCE_SECTORS * SECTOR)));
static struct dap dap __attribute__((aligned(16)));

void bios_init(uint32_t gate_addr, uint32_t drive)
{
    gate = (hv_rm_int_fn)phys(gate_addr);
    boot_drive = drive;
}

int bios_have_gate(void)
{
    return gate != 0;
}

void bios_int(uint32_t intno, struct hv_rm_regs *r)
{
    gate(intno, r);
}

static uint16_t seg_of(const void *p)
{
    return (uint16_t)((uintptr_t)p >> 4);
}

static uint16_t off_of(const void *p)
{
    return (uint16_t)((uintptr_t)p & 15);
}

/* One INT 13h AH=42h; returns AH (0 = success). */
static uint8_t read_once(uint32_t lba, uint32_t count)
{
    struct hv_rm_regs r;

    memset(&r, 0, sizeof r);
    dap.size = sizeof dap;
    dap.zero = 0;
    dap.count = (uint16_t)count;
    dap.off = off_of(bounce);
    dap.seg = seg_of(bounce);
    dap.lba = lba;
    r.eax = 0x4200;
    r.edx = boot_drive;
    r.esi = off_of(&dap);
    r.ds = seg_of(&dap);
    gate(0x13, &r);
    uint8_t ah = (uint8_t)(r.eax >> 8);
    if (r.eflags & 1)
        return ah ? ah : 0xFF;  /* CF without a status still is a failure */
    return ah;
}

static void reset_disk(void)
{
    struct hv_rm_regs r;

    memset(&r, 0, sizeof r);
    r.edx = boot_drive;         /* AH = 0: reset */
    gate(0x13, &r);
}

int bios_read(uint32_t lba, uint32_t count, void *dst, struct bios_disk_error *err)
{
    uint8_t *out = dst;

    while (count) {
        uint32_t n = count < BOUNCE_SECTORS ? count : BOUNCE_SECTORS;
        uint8_t st = read_once(lba, n);
        if (st) {
            reset_disk();
            st = read_once(lba, n);
        }
        if (st) {
            err->lba = lba;
            err->status = st;
            return -1;
        }
        memcpy(out, bounce, n * SECTOR);
        out += n * SECTOR;
        lba += n;
        count -= n;
    }
    return 0;
}

void bios_text_mode(void)
{
    struct hv_rm_regs r;

    memset(&r, 0, sizeof r);
    r.eax = 0x0003;
    gate(0x10, &r);
}
