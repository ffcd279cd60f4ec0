/* IDE/ATA disks by PIO: the legacy channels (0x1F0, 0x170) and PCI IDE
 * controllers in native mode. Interrupts stay masked (nIEN); every wait is
 * a poll with a deadline, so an absent, hung or half-present device costs a
 * bounded delay and a warning, never a hang. ATAPI devices are skipped. */
#include "dev/blk.h"
#include "dev/ata_id.h"
#include "dev/pci.h"
#include "dev/timer.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/spinlock.h"
#include "mm/heap.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

/* Command block registers, offsets from the channel's base port. */
#define REG_DATA     0
#define REG_ERROR    1
#define REG_FEATURES 1
#define REG_COUNT    2
#define REG_LBA0     3
#define REG_LBA1     4
#define REG_LBA2     5
#define REG_DRIVE    6
#define REG_STATUS   7
#define REG_COMMAND  7

#define ST_ERR  0x01
#define ST_DRQ  0x08
#define ST_DF   0x20
#define ST_BSY  0x80

#define CTL_NIEN 0x02
#define CTL_SRST 0x04

#define CMD_READ_PIO      0x20
#define CMD_READ_PIO_EXT  0x24
#define CMD_WRITE_PIO     0x30
#define CMD_WRITE_PIO_EXT 0x34
#define CMD_FLUSH         0xE7
#define CMD_FLUSH_EXT     0xEA
#define CMD_IDENTIFY      0xEC

#define PROBE_TIMEOUT_MS  500       /* IDENTIFY on a possibly absent device */
#define IO_TIMEOUT_MS     5000      /* a sector, or a flush, on a present one */
#define FLUSH_TIMEOUT_MS  30000

struct channel {
    uint16_t cmd, ctl;              /* ctl: alternate status / device control */
    spinlock_t lock;
    uint8_t selected;               /* last drive-select value written, 0xFF unknown */
};

struct drive {
    struct channel *ch;
    unsigned slave;
    bool lba48;
    uint32_t sector_size;
    uint64_t sectors;
};

static struct channel channels[8];
static unsigned nchannels;

static void insw_rep(uint16_t port, void *buf, size_t words)
{
    __asm__ volatile("rep insw" : "+D"(buf), "+c"(words) : "d"(port) : "memory");
}

static void outsw_rep(uint16_t port, const void *buf, size_t words)
{
    __asm__ volatile("rep outsw" : "+S"(buf), "+c"(words) : "d"(port) : "memory");
}

/* The device needs 400 ns after a select or command before its status means
 * anything; four reads of the alternate status take about that long. */
static void delay400(const struct channel *c)
{
    for (int i = 0; i < 4; i++)
        (void)inb(c->ctl);
}

/* Waits until BSY clears and (need_drq) DRQ sets. Returns the status, or
 * -E_TIMEDOUT, or -E_IO on ERR/DF. */
static int wait_ready(const struct channel *c, bool need_drq, uint64_t ms)
{
    uint64_t deadline = timer_now_ns() + ms * 1000000ull;
    for (;;) {
        uint8_t st = inb(c->ctl);
        if (st == 0xFF)
            return -E_IO;                   /* floating bus: nobody there */
        if (!(st & ST_BSY)) {
            if (st & (ST_ERR | ST_DF))
                return -E_IO;
            if (!need_drq || (st & ST_DRQ))
                return st;
        }
        if (timer_now_ns() > deadline)
            return -E_TIMEDOUT;
        cpu_pause();
    }
}

static void select_drive(struct channel *c, uint8_t v)
{
    if (c->selected == v)
        return;
    outb(c->cmd + REG_DRIVE, v);
    delay400(c);
    c->selected = v;
}

/* Loads the task file for an LBA28 or LBA48 command and issues it. */
static void issue(struct drive *d, uint8_t cmd, uint64_t lba, uint32_t count)
{
    struct channel *c = d->ch;
    if (d->lba48) {
        select_drive(c, (uint8_t)(0x40 | d->slave << 4));
        outb(c->cmd + REG_COUNT, (uint8_t)(count >> 8));
        outb(c->cmd + REG_LBA0, (uint8_t)(lba >> 24));
        outb(c->cmd + REG_LBA1, (uint8_t)(lba >> 32));
        outb(c->cmd + REG_LBA2, (uint8_t)(lba >> 40));
    } else {
        select_drive(c, (uint8_t)(0xE0 | d->slave << 4 | ((lba >> 24) & 0x0F)));
    }
    outb(c->cmd + REG_COUNT, (uint8_t)count);
    outb(c->cmd + REG_LBA0, (uint8_t)lba);
    outb(c->cmd + REG_LBA1, (uint8_t)(lba >> 8));
    outb(c->cmd + REG_LBA2, (uint8_t)(lba >> 16));
    outb(c->cmd + REG_COMMAND, cmd);
    delay400(c);
}

static int check_range(const struct drive *d, uint64_t lba, uint32_t count)
{
    if (lba > d->sectors || count > d->sectors - lba)
        return -E_RANGE;
    return 0;
}

static int ata_rw(void *ctx, uint64_t lba, uint32_t count, void *buf, bool write)
{
    struct drive *d = ctx;
    int rc = check_range(d, lba, count);
    if (rc)
        return rc;
    uint32_t max = d->lba48 ? 65536 : 256;
    uint8_t *p = buf;
    size_t words = d->sector_size / 2;
    spin_lock(&d->ch->lock);
    while (count > 0 && rc == 0) {
        uint32_t n = count < max ? count : max;
        uint8_t cmd = write ? (d->lba48 ? CMD_WRITE_PIO_EXT : CMD_WRITE_PIO)
                            : (d->lba48 ? CMD_READ_PIO_EXT : CMD_READ_PIO);
        issue(d, cmd, lba, n == 65536 || n == 256 ? 0 : n);   /* 0 means the maximum */
        for (uint32_t i = 0; i < n; i++) {
            int st = wait_ready(d->ch, true, IO_TIMEOUT_MS);
            if (st < 0) {
                rc = st;
                break;
            }
            if (write)
                outsw_rep(d->ch->cmd + REG_DATA, p, words);
            else
                insw_rep(d->ch->cmd + REG_DATA, p, words);
            p += d->sector_size;
        }
        if (rc == 0 && write) {
            int st = wait_ready(d->ch, false, IO_TIMEOUT_MS);
            if (st < 0)
                rc = st;
        }
        lba += n;
        count -= n;
    }
    spin_unlock(&d->ch->lock);
    if (rc < 0)
        kprintf("hv: ata: warning: %s at LBA %lu failed (%s)\n", write ? "write" : "read",
                (unsigned long)lba, rc == -E_TIMEDOUT ? "timeout" : "device error");
    return rc;
}

static int ata_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    return ata_rw(ctx, lba, count, buf, false);
}

static int ata_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    return ata_rw(ctx, lba, count, (void *)buf, true);
}

static int ata_flush(void *ctx)
{
    struct drive *d = ctx;
    spin_lock(&d->ch->lock);
    select_drive(d->ch, (uint8_t)(0xE0 | d->slave << 4));
    outb(d->ch->cmd + REG_COMMAND, d->lba48 ? CMD_FLUSH_EXT : CMD_FLUSH);
    delay400(d->ch);
    int st = wait_ready(d->ch, false, FLUSH_TIMEOUT_MS);
    spin_unlock(&d->ch->lock);
    return st < 0 ? st : 0;
}

/* IDENTIFY one drive; 1 when there is an ATA disk (id filled), 0 when not. */
static int identify(struct channel *c, unsigned slave, uint16_t *id)
{
    c->selected = 0xFF;
    select_drive(c, (uint8_t)(0xA0 | slave << 4));
    outb(c->cmd + REG_COUNT, 0);
    outb(c->cmd + REG_LBA0, 0);
    outb(c->cmd + REG_LBA1, 0);
    outb(c->cmd + REG_LBA2, 0);
    outb(c->cmd + REG_COMMAND, CMD_IDENTIFY);
    delay400(c);
    uint8_t st = inb(c->ctl);
    if (st == 0 || st == 0xFF)
        return 0;                               /* no device */
    uint64_t deadline = timer_now_ns() + PROBE_TIMEOUT_MS * 1000000ull;
    while (inb(c->ctl) & ST_BSY) {
        if (timer_now_ns() > deadline) {
            kprintf("hv: ata: warning: device at 0x%x/%u stays busy; skipped\n", c->cmd, slave);
            return 0;
        }
        cpu_pause();
    }
    /* ATAPI and SATA bridges put a signature here instead of answering. */
    if (inb(c->cmd + REG_LBA1) || inb(c->cmd + REG_LBA2))
        return 0;
    if (wait_ready(c, true, PROBE_TIMEOUT_MS) < 0)
        return 0;
    insw_rep(c->cmd + REG_DATA, id, 256);
    return 1;
}

static void probe_channel(uint16_t cmd, uint16_t ctl)
{
    for (unsigned i = 0; i < nchannels; i++)
        if (channels[i].cmd == cmd)
            return;
    if (nchannels == sizeof(channels) / sizeof(channels[0]))
        return;
    if (inb(cmd + REG_STATUS) == 0xFF && inb(ctl) == 0xFF)
        return;                                 /* floating bus: no channel */
    struct channel *c = &channels[nchannels++];
    c->cmd = cmd;
    c->ctl = ctl;
    c->lock = (spinlock_t)SPINLOCK_INIT;
    c->selected = 0xFF;
    outb(ctl, CTL_NIEN);

    uint16_t *id = kmalloc(512);
    if (!id)
        return;
    for (unsigned slave = 0; slave < 2; slave++) {
        if (!identify(c, slave, id))
            continue;
        uint64_t sectors = ata_id_sectors(id);
        if (!(id[49] & (1u << 9)) || sectors == 0) {
            kprintf("hv: ata: warning: device at 0x%x/%u has no LBA; skipped\n", cmd, slave);
            continue;
        }
        struct drive *d = kzalloc(sizeof(*d));
        if (!d)
            break;
        d->ch = c;
        d->slave = slave;
        d->lba48 = ata_id_lba48(id);
        d->sectors = sectors;
        d->sector_size = ata_id_sector_size(id);
        char model[41];
        ata_id_string(id + 27, 20, model, sizeof(model));
        struct blkdev dev = {
            .ctx = d, .read = ata_read, .write = ata_write, .flush = ata_flush,
            .sector_size = d->sector_size, .sector_count = d->sectors,
        };
        blk_register("ata", model, &dev);
    }
    kfree(id);
}

/* A channel's ports from a native-mode PCI IDE function, or 0. */
static void native_ports(const struct pci_dev *p, int bar, uint16_t *cmd, uint16_t *ctl)
{
    const struct pci_bar *b0 = &p->bar[bar], *b1 = &p->bar[bar + 1];
    *cmd = *ctl = 0;
    if (b0->io && b1->io && b0->base && b1->base) {
        *cmd = (uint16_t)b0->base;
        *ctl = (uint16_t)(b1->base + 2);
    }
}

void ata_probe(void)
{
    bool saw_controller = false;
    for (struct pci_dev *p = NULL; (p = pci_find_class(p, 0x01, 0x01, -1)) != NULL;) {
        saw_controller = true;
        pci_enable(p, PCI_CMD_IO);
        uint16_t cmd, ctl;
        if (p->prog_if & 0x01) {
            native_ports(p, 0, &cmd, &ctl);
            if (cmd)
                probe_channel(cmd, ctl);
        } else {
            probe_channel(0x1F0, 0x3F6);
        }
        if (p->prog_if & 0x04) {
            native_ports(p, 2, &cmd, &ctl);
            if (cmd)
                probe_channel(cmd, ctl);
        } else {
            probe_channel(0x170, 0x376);
        }
    }
    /* No PCI IDE function: an ISA-style controller may still decode the
     * legacy ports (probe_channel is safe on an empty bus). */
    if (!saw_controller) {
        probe_channel(0x1F0, 0x3F6);
        probe_channel(0x170, 0x376);
    }
}
