/* Host tests for virtio-blk for guests (kernel/vmm/dev/virtio_blk.c): a
 * test "driver" finds the device through PCI config space, sets up the
 * virtqueue in a fake guest memory and makes requests by port I/O, as a
 * guest does.  Then hostile guests: bad addresses, loops, oversize
 * lengths, out-of-range sectors, read-only disks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/dev/virtio_blk.h"
#include "vmm/dev/vpci.h"
#include "vmm/iobus.h"
#include "vmm_hammer.h"

#define MEM_SIZE  (1u << 20)
#define DISK_SECT 256u
#define RING_GPA  0x10000u             /* pfn 0x10 */
#define DATA_GPA  0x40000u
#define HDR_GPA   0x30000u
#define STAT_GPA  0x30100u
#define Q         VVBLK_QSIZE

struct world {
    struct iobus bus;
    struct vpci pci;
    struct vvblk blk;
    struct vdisk disk;
    struct vdisk_ram ram;
    uint8_t mem[MEM_SIZE];
    uint8_t disk_bytes[DISK_SECT * 512];
    uint8_t bounce[4096];
    bool line[16];
    unsigned flushes, disk_writes;
    bool disk_fails;
    char fail_why[128];
    unsigned fails;
    uint16_t io;                       /* the BAR, as the driver found it */
    uint16_t avail_idx, next_desc;
};

static struct world *W;

static int mem_read(void *ctx, uint64_t gpa, void *dst, size_t len)
{
    struct world *w = ctx;
    if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
        return -34;
    memcpy(dst, w->mem + gpa, len);
    return 0;
}

static int mem_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    struct world *w = ctx;
    if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
        return -34;
    memcpy(w->mem + gpa, src, len);
    return 0;
}

static void set_line(void *ctx, unsigned irq, bool level)
{
    ((struct world *)ctx)->line[irq] = level;
}

static void on_fail(void *ctx, const char *why)
{
    struct world *w = ctx;
    w->fails++;
    snprintf(w->fail_why, sizeof(w->fail_why), "%s", why);
}

/* The RAM disk, with counted flushes and an injectable I/O error. */
static int d_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
    struct world *w = ctx;
    if (w->disk_fails)
        return -5;
    return w->ram.bytes ? (memcpy(buf, w->disk_bytes + lba * 512, n * 512u), 0) : -5;
}

static int d_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
    struct world *w = ctx;
    if (w->disk_fails)
        return -5;
    w->disk_writes++;
    memcpy(w->disk_bytes + lba * 512, buf, n * 512u);
    return 0;
}

static int d_flush(void *ctx)
{
    struct world *w = ctx;
    w->flushes++;
    return w->disk_fails ? -5 : 0;
}

static void pattern(uint8_t *p, unsigned sector)
{
    for (unsigned i = 0; i < 512; i++)
        p[i] = (uint8_t)(sector * 7 + i);
}

static uint32_t in(unsigned off, unsigned size)
{
    uint64_t v = 0;
    assert_int_equal(iobus_read(&W->bus, IOBUS_PIO, W->io + off, size, &v), 0);
    return (uint32_t)v;
}

static void out(unsigned off, unsigned size, uint32_t v)
{
    assert_int_equal(iobus_write(&W->bus, IOBUS_PIO, W->io + off, size, v), 0);
}

static uint32_t cfg(unsigned devfn, unsigned off)
{
    uint64_t v;
    iobus_write(&W->bus, IOBUS_PIO, 0xCF8, 4, 0x80000000u | devfn << 8 | off);
    iobus_read(&W->bus, IOBUS_PIO, 0xCFC, 4, &v);
    return (uint32_t)v;
}

static void build(bool readonly)
{
    static struct world w;
    memset(&w, 0, sizeof(w));
    W = &w;
    for (unsigned s = 0; s < DISK_SECT; s++)
        pattern(w.disk_bytes + s * 512, s);
    vdisk_ram_init(&w.disk, &w.ram, w.disk_bytes, sizeof(w.disk_bytes));
    w.disk.ctx = &w;
    w.disk.read = d_read;
    w.disk.write = d_write;
    w.disk.flush = d_flush;
    iobus_init(&w.bus);
    vpci_init(&w.pci, (struct vdev_irq){ set_line, &w, 0 });
    assert_int_equal(vpci_attach(&w.pci, &w.bus), 0);
    vvblk_init(&w.blk, &w.disk, readonly, (struct vvblk_mem){ &w, mem_read, mem_write }, 11,
               w.bounce, sizeof(w.bounce), "hv-test-disk", on_fail, &w);
    assert_int_equal(vvblk_wire(&w.blk, &w.pci, 0xC000), 1);
}

/* What a legacy driver does: find 1AF4:1001, reset, ACK+DRIVER,
 * features, queue 0 at RING_GPA, DRIVER_OK. */
static void driver_init(uint32_t features)
{
    unsigned devfn = 0;
    for (unsigned d = 0; d < 32 && !devfn; d++)
        if (cfg(d << 3, 0) == 0x10011AF4)
            devfn = d << 3;
    assert_int_not_equal(devfn, 0);
    assert_int_equal(cfg(devfn, 0x2C) >> 16, VVBLK_SUBSYS_ID);
    uint32_t bar = cfg(devfn, 0x10);
    assert_int_equal(bar & 1, 1);
    W->io = (uint16_t)(bar & ~3u);
    out(VIRTIO_PCI_STATUS, 1, 0);
    out(VIRTIO_PCI_STATUS, 1, 1 | 2);
    uint32_t host = in(VIRTIO_PCI_HOST_FEATURES, 4);
    assert_true(host & VIRTIO_BLK_F_FLUSH);
    out(VIRTIO_PCI_GUEST_FEATURES, 4, host & features);
    out(VIRTIO_PCI_QUEUE_SEL, 2, 0);
    assert_int_equal(in(VIRTIO_PCI_QUEUE_NUM, 2), Q);
    memset(W->mem + RING_GPA, 0, 3 * 4096);
    out(VIRTIO_PCI_QUEUE_PFN, 4, RING_GPA / 4096);
    out(VIRTIO_PCI_STATUS, 1, 1 | 2 | 4);
    W->avail_idx = 0;
    W->next_desc = 0;
}

#define AVAIL (RING_GPA + 16 * Q)
#define USED  (RING_GPA + 4096 * ((16 * Q + 6 + 2 * Q + 4095) / 4096))

static void put16(uint64_t gpa, uint16_t v)
{
    memcpy(W->mem + gpa, &v, 2);
}

static uint16_t get16(uint64_t gpa)
{
    uint16_t v;
    memcpy(&v, W->mem + gpa, 2);
    return v;
}

static uint32_t get32(uint64_t gpa)
{
    uint32_t v;
    memcpy(&v, W->mem + gpa, 4);
    return v;
}

static void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *p = W->mem + RING_GPA + 16u * i;
    memcpy(p, &addr, 8);
    memcpy(p + 8, &len, 4);
    memcpy(p + 12, &flags, 2);
    memcpy(p + 14, &next, 2);
}

static void header(uint64_t gpa, uint32_t type, uint64_t sector)
{
    memset(W->mem + gpa, 0, 16);
    memcpy(W->mem + gpa, &type, 4);
    memcpy(W->mem + gpa + 8, &sector, 8);
}

static void make_avail(uint16_t head)
{
    put16(AVAIL + 4 + 2u * (W->avail_idx % Q), head);
    W->avail_idx++;
    put16(AVAIL + 2, W->avail_idx);
}

static void notify(void)
{
    out(VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
}

/* One 3-descriptor request at descriptors base..base+2; returns the
 * status byte, *used_len the used ring's length. */
static uint8_t req3(uint32_t type, uint64_t sector, uint64_t data, uint32_t len, bool to_guest,
                    uint32_t *used_len)
{
    uint16_t b = W->next_desc;
    W->next_desc = (uint16_t)((b + 3) % (Q - 2));
    header(HDR_GPA, type, sector);
    W->mem[STAT_GPA] = 0xEE;
    desc(b, HDR_GPA, 16, VRING_DESC_F_NEXT, (uint16_t)(b + 1));
    desc((uint16_t)(b + 1), data, len, VRING_DESC_F_NEXT | (to_guest ? VRING_DESC_F_WRITE : 0),
         (uint16_t)(b + 2));
    desc((uint16_t)(b + 2), STAT_GPA, 1, VRING_DESC_F_WRITE, 0);
    uint16_t before = get16(USED + 2);
    make_avail(b);
    notify();
    assert_int_equal(W->fails, 0);
    assert_int_equal(get16(USED + 2), (uint16_t)(before + 1));
    uint64_t e = USED + 4 + 8u * (before % Q);
    assert_int_equal(get32(e), b);
    if (used_len)
        *used_len = get32(e + 4);
    return W->mem[STAT_GPA];
}

static void test_read_sectors(void **state)
{
    (void)state;
    build(false);
    driver_init(~0u);
    /* Capacity in the config space, read a byte at a time as Linux does. */
    uint64_t cap = 0;
    for (unsigned i = 0; i < 8; i++)
        cap |= (uint64_t)in(VIRTIO_PCI_CONFIG + i, 1) << (8 * i);
    assert_int_equal(cap, DISK_SECT);
    assert_int_equal(in(VIRTIO_PCI_CONFIG + 8, 4), VVBLK_SIZE_MAX);
    assert_int_equal(in(VIRTIO_PCI_CONFIG + 12, 4), Q - 2);  /* seg_max */
    assert_true((uint64_t)VVBLK_SIZE_MAX * (Q - 2) <= VVBLK_MAX_DATA);
    assert_int_equal(in(VIRTIO_PCI_CONFIG + 20, 4), 512);    /* blk_size */

    uint32_t used;
    assert_int_equal(req3(VIRTIO_BLK_T_IN, 0, DATA_GPA, 512, true, &used), VIRTIO_BLK_S_OK);
    assert_int_equal(used, 513);
    assert_memory_equal(W->mem + DATA_GPA, W->disk_bytes, 512);
    assert_true(W->line[11]);
    assert_int_equal(in(VIRTIO_PCI_ISR, 1), 1);               /* read clears */
    assert_false(W->line[11]);
    assert_int_equal(in(VIRTIO_PCI_ISR, 1), 0);

    /* Many sectors, more than the bounce buffer at once. */
    assert_int_equal(req3(VIRTIO_BLK_T_IN, 17, DATA_GPA, 40 * 512, true, &used), VIRTIO_BLK_S_OK);
    assert_int_equal(used, 40 * 512 + 1);
    assert_memory_equal(W->mem + DATA_GPA, W->disk_bytes + 17 * 512, 40 * 512);
    /* The last sector. */
    assert_int_equal(req3(VIRTIO_BLK_T_IN, DISK_SECT - 1, DATA_GPA, 512, true, NULL),
                     VIRTIO_BLK_S_OK);
    assert_memory_equal(W->mem + DATA_GPA, W->disk_bytes + (DISK_SECT - 1) * 512, 512);
    assert_int_equal(W->blk.bytes_read, 42 * 512);
}

static void test_write_flush_read_back(void **state)
{
    (void)state;
    build(false);
    driver_init(~0u);
    for (unsigned i = 0; i < 3 * 512; i++)
        W->mem[DATA_GPA + i] = (uint8_t)(0x5A ^ i);
    assert_int_equal(req3(VIRTIO_BLK_T_OUT, 100, DATA_GPA, 3 * 512, false, NULL), VIRTIO_BLK_S_OK);
    assert_memory_equal(W->disk_bytes + 100 * 512, W->mem + DATA_GPA, 3 * 512);
    uint8_t p[512];
    pattern(p, 99);
    assert_memory_equal(W->disk_bytes + 99 * 512, p, 512);    /* neighbours untouched */
    pattern(p, 103);
    assert_memory_equal(W->disk_bytes + 103 * 512, p, 512);

    uint32_t used;
    uint16_t b = W->next_desc;
    W->next_desc = (uint16_t)(b + 2);
    header(HDR_GPA, VIRTIO_BLK_T_FLUSH, 0);
    desc(b, HDR_GPA, 16, VRING_DESC_F_NEXT, (uint16_t)(b + 1));
    desc((uint16_t)(b + 1), STAT_GPA, 1, VRING_DESC_F_WRITE, 0);
    W->mem[STAT_GPA] = 0xEE;
    make_avail(b);
    notify();
    assert_int_equal(W->mem[STAT_GPA], VIRTIO_BLK_S_OK);
    assert_int_equal(W->flushes, 1);

    memset(W->mem + DATA_GPA, 0, 3 * 512);
    assert_int_equal(req3(VIRTIO_BLK_T_IN, 100, DATA_GPA, 3 * 512, true, &used), VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 3 * 512; i++)
        assert_int_equal(W->mem[DATA_GPA + i], (uint8_t)(0x5A ^ i));

    /* A failing disk: IOERR for each kind, nothing hangs. */
    W->disk_fails = true;
    assert_int_equal(req3(VIRTIO_BLK_T_IN, 0, DATA_GPA, 512, true, &used), VIRTIO_BLK_S_IOERR);
    assert_int_equal(used, 1);
    assert_int_equal(req3(VIRTIO_BLK_T_OUT, 0, DATA_GPA, 512, false, NULL), VIRTIO_BLK_S_IOERR);
}

static void test_scattered_data_and_batches(void **state)
{
    (void)state;
    build(false);
    driver_init(~0u);
    /* Header and data in odd pieces: 16 | 100 + 412 + 512 | 1. */
    header(HDR_GPA, VIRTIO_BLK_T_IN, 5);
    desc(0, HDR_GPA, 16, VRING_DESC_F_NEXT, 7);
    desc(7, DATA_GPA + 5000, 100, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 3);
    desc(3, DATA_GPA, 412, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 9);
    desc(9, DATA_GPA + 8192, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 4);
    desc(4, STAT_GPA, 1, VRING_DESC_F_WRITE, 0);
    /* Two more requests in the same notify: GET_ID and an unknown type. */
    header(HDR_GPA + 64, VIRTIO_BLK_T_GET_ID, 0);
    desc(20, HDR_GPA + 64, 16, VRING_DESC_F_NEXT, 21);
    desc(21, DATA_GPA + 0x4000, 20, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 22);
    desc(22, STAT_GPA + 1, 1, VRING_DESC_F_WRITE, 0);
    header(HDR_GPA + 128, 0x1234, 0);
    desc(30, HDR_GPA + 128, 16, VRING_DESC_F_NEXT, 31);
    desc(31, STAT_GPA + 2, 1, VRING_DESC_F_WRITE, 0);
    make_avail(0);
    make_avail(20);
    make_avail(30);
    notify();
    assert_int_equal(W->fails, 0);
    assert_int_equal(get16(USED + 2), 3);
    assert_int_equal(W->mem[STAT_GPA], VIRTIO_BLK_S_OK);
    assert_memory_equal(W->mem + DATA_GPA + 5000, W->disk_bytes + 5 * 512, 100);
    assert_memory_equal(W->mem + DATA_GPA, W->disk_bytes + 5 * 512 + 100, 412);
    assert_memory_equal(W->mem + DATA_GPA + 8192, W->disk_bytes + 6 * 512, 512);
    assert_int_equal(W->mem[STAT_GPA + 1], VIRTIO_BLK_S_OK);
    assert_memory_equal(W->mem + DATA_GPA + 0x4000, "hv-test-disk\0\0\0\0\0\0\0\0", 20);
    assert_int_equal(get32(USED + 4 + 8 + 4), 21);
    assert_int_equal(W->mem[STAT_GPA + 2], VIRTIO_BLK_S_UNSUPP);
    assert_int_equal(in(VIRTIO_PCI_ISR, 1), 1);

    /* The guest asks for no interrupt: none. */
    put16(AVAIL, VRING_AVAIL_F_NO_INTERRUPT);
    W->next_desc = 40;
    assert_int_equal(req3(VIRTIO_BLK_T_IN, 0, DATA_GPA, 512, true, NULL), VIRTIO_BLK_S_OK);
    assert_false(W->line[11]);
    assert_int_equal(in(VIRTIO_PCI_ISR, 1), 0);
}

static void test_read_only_disk(void **state)
{
    (void)state;
    build(true);
    driver_init(~0u);
    assert_true(in(VIRTIO_PCI_HOST_FEATURES, 4) & VIRTIO_BLK_F_RO);
    assert_true(in(VIRTIO_PCI_GUEST_FEATURES, 4) & VIRTIO_BLK_F_RO);
    uint8_t before[sizeof(W->disk_bytes)];
    memcpy(before, W->disk_bytes, sizeof(before));
    memset(W->mem + DATA_GPA, 0xCC, 512);
    assert_int_equal(req3(VIRTIO_BLK_T_OUT, 0, DATA_GPA, 512, false, NULL), VIRTIO_BLK_S_IOERR);
    assert_int_equal(req3(VIRTIO_BLK_T_IN, 1, DATA_GPA, 512, true, NULL), VIRTIO_BLK_S_OK);
    assert_memory_equal(W->disk_bytes, before, sizeof(before));
    assert_int_equal(W->disk_writes, 0);
    assert_int_equal(W->blk.errors, 1);
}

static void test_bad_requests_get_ioerr(void **state)
{
    (void)state;
    build(false);
    driver_init(~0u);
    uint8_t before[sizeof(W->disk_bytes)];
    memcpy(before, W->disk_bytes, sizeof(before));
    uint32_t used;
    /* Past the end, straddling it, and a sector number that wraps. */
    assert_int_equal(req3(VIRTIO_BLK_T_IN, DISK_SECT, DATA_GPA, 512, true, NULL),
                     VIRTIO_BLK_S_IOERR);
    assert_int_equal(req3(VIRTIO_BLK_T_OUT, DISK_SECT - 1, DATA_GPA, 1024, false, NULL),
                     VIRTIO_BLK_S_IOERR);
    assert_int_equal(req3(VIRTIO_BLK_T_OUT, UINT64_MAX, DATA_GPA, 512, false, NULL),
                     VIRTIO_BLK_S_IOERR);
    /* Not whole sectors. */
    assert_int_equal(req3(VIRTIO_BLK_T_IN, 0, DATA_GPA, 100, true, &used), VIRTIO_BLK_S_IOERR);
    assert_int_equal(used, 1);
    /* Data outside guest RAM, and wrapping the address space. */
    assert_int_equal(req3(VIRTIO_BLK_T_IN, 0, MEM_SIZE - 256, 512, true, NULL), VIRTIO_BLK_S_IOERR);
    assert_int_equal(req3(VIRTIO_BLK_T_OUT, 0, UINT64_MAX - 100, 512, false, NULL),
                     VIRTIO_BLK_S_IOERR);
    assert_int_equal(req3(VIRTIO_BLK_T_OUT, 0, 0x40000000, 512, false, NULL), VIRTIO_BLK_S_IOERR);
    /* Oversize lengths: refused before any transfer. */
    assert_int_equal(req3(VIRTIO_BLK_T_IN, 0, DATA_GPA, 0xFFFFFE00u, true, NULL),
                     VIRTIO_BLK_S_IOERR);
    assert_int_equal(req3(VIRTIO_BLK_T_OUT, 0, DATA_GPA, 0xFFFFFE00u, false, NULL),
                     VIRTIO_BLK_S_IOERR);
    assert_memory_equal(W->disk_bytes, before, sizeof(before));
    /* A header too short: IOERR, not a crash. */
    desc(60, HDR_GPA, 8, VRING_DESC_F_NEXT, 61);
    desc(61, STAT_GPA, 1, VRING_DESC_F_WRITE, 0);
    make_avail(60);
    notify();
    assert_int_equal(W->fails, 0);
    assert_int_equal(W->mem[STAT_GPA], VIRTIO_BLK_S_IOERR);
    /* The device still works. */
    assert_int_equal(req3(VIRTIO_BLK_T_IN, 2, DATA_GPA, 512, true, NULL), VIRTIO_BLK_S_OK);
    assert_memory_equal(W->mem + DATA_GPA, W->disk_bytes + 2 * 512, 512);
}

/* Each broken ring: fail() with a reason, no completion, no further
 * requests until the driver resets the device -- then it works again. */
static void expect_broken(const char *why)
{
    uint16_t used = get16(USED + 2);
    notify();
    assert_int_equal(W->fails, 1);
    assert_non_null(strstr(W->fail_why, why));
    assert_int_equal(get16(USED + 2), used);
    notify();                                               /* still stopped */
    assert_int_equal(W->fails, 1);
    W->fails = 0;
    driver_init(~0u);
    assert_int_equal(req3(VIRTIO_BLK_T_IN, 3, DATA_GPA, 512, true, NULL), VIRTIO_BLK_S_OK);
    assert_memory_equal(W->mem + DATA_GPA, W->disk_bytes + 3 * 512, 512);
}

static void test_hostile_rings(void **state)
{
    (void)state;
    build(false);

    driver_init(~0u);                                       /* a loop */
    header(HDR_GPA, VIRTIO_BLK_T_IN, 0);
    desc(0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
    desc(1, DATA_GPA, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
    desc(2, STAT_GPA, 1, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
    make_avail(0);
    expect_broken("longer than the queue");

    driver_init(~0u);                                       /* next out of range */
    desc(0, HDR_GPA, 16, VRING_DESC_F_NEXT, Q);
    make_avail(0);
    expect_broken("descriptor index out of range");

    driver_init(~0u);                                       /* head out of range */
    make_avail(0xFFFF);
    expect_broken("descriptor index out of range");

    driver_init(~0u);                                       /* avail index jumps */
    put16(AVAIL + 2, 1000);
    expect_broken("avail index moved");

    driver_init(~0u);                                       /* no status byte */
    desc(0, HDR_GPA, 16, 0, 0);
    make_avail(0);
    expect_broken("without a status byte");

    driver_init(~0u);                                       /* status byte outside RAM */
    header(HDR_GPA, VIRTIO_BLK_T_FLUSH, 0);
    desc(0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
    desc(1, MEM_SIZE + 4096, 1, VRING_DESC_F_WRITE, 0);
    make_avail(0);
    expect_broken("status byte outside guest memory");

    driver_init(~0u);                                       /* readable after writable */
    desc(0, STAT_GPA, 1, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
    desc(1, HDR_GPA, 16, 0, 0);
    make_avail(0);
    expect_broken("readable descriptor after a writable");

    driver_init(~0u);                                       /* indirect, never offered */
    desc(0, HDR_GPA, 16, VRING_DESC_F_INDIRECT, 0);
    make_avail(0);
    expect_broken("indirect");

    driver_init(~0u);                                       /* ring outside RAM */
    out(VIRTIO_PCI_QUEUE_PFN, 4, 0xFFFFF);
    expect_broken("virtqueue outside guest memory");
    driver_init(~0u);                                       /* the used ring past the end */
    out(VIRTIO_PCI_QUEUE_PFN, 4, MEM_SIZE / 4096 - 1);
    expect_broken("virtqueue outside guest memory");
}

static void test_registers(void **state)
{
    (void)state;
    build(false);
    driver_init(VIRTIO_BLK_F_FLUSH);
    assert_int_equal(in(VIRTIO_PCI_GUEST_FEATURES, 4), VIRTIO_BLK_F_FLUSH);
    out(VIRTIO_PCI_GUEST_FEATURES, 4, 0xFFFFFFFF);          /* unoffered bits dropped */
    assert_int_equal(in(VIRTIO_PCI_GUEST_FEATURES, 4), in(VIRTIO_PCI_HOST_FEATURES, 4));
    assert_int_equal(in(VIRTIO_PCI_QUEUE_PFN, 4), RING_GPA / 4096);
    assert_int_equal(in(VIRTIO_PCI_STATUS, 1), 7);
    out(VIRTIO_PCI_QUEUE_SEL, 2, 1);                        /* no queue 1 */
    assert_int_equal(in(VIRTIO_PCI_QUEUE_NUM, 2), 0);
    assert_int_equal(in(VIRTIO_PCI_QUEUE_PFN, 4), 0);
    out(VIRTIO_PCI_QUEUE_PFN, 4, 0x20);                     /* ignored */
    out(VIRTIO_PCI_QUEUE_SEL, 2, 0);
    assert_int_equal(in(VIRTIO_PCI_QUEUE_PFN, 4), RING_GPA / 4096);
    out(VIRTIO_PCI_QUEUE_NOTIFY, 2, 1);                     /* no queue 1: nothing */
    assert_int_equal(W->blk.notifies, 0);
    /* Odd access sizes anywhere in the BAR neither crash nor misbehave. */
    for (unsigned off = 0; off < VVBLK_BAR_SIZE; off++) {
        uint64_t v;
        iobus_read(&W->bus, IOBUS_PIO, W->io + off, 1, &v);
        if (off + 4 <= VVBLK_BAR_SIZE)
            iobus_read(&W->bus, IOBUS_PIO, W->io + off, 4, &v);
        if (off >= VIRTIO_PCI_CONFIG)
            iobus_write(&W->bus, IOBUS_PIO, W->io + off, 1, 0xFF);
    }
    assert_int_equal(in(VIRTIO_PCI_CONFIG, 4), DISK_SECT);
    /* Reset: status 0 clears the queue and the features. */
    out(VIRTIO_PCI_STATUS, 1, 0);
    assert_int_equal(in(VIRTIO_PCI_QUEUE_PFN, 4), 0);
    assert_int_equal(in(VIRTIO_PCI_GUEST_FEATURES, 4), 0);
    assert_int_equal(in(VIRTIO_PCI_STATUS, 1), 0);
    notify();                                               /* no queue: nothing */
    assert_int_equal(W->fails, 0);
}

/* Random port I/O on the BAR and on PCI config space, while the "guest"
 * scribbles random descriptors (addresses near RAM's edges, huge lengths,
 * random flags and links) into its ring and notifies: ASan/UBSan and the
 * bounded loops must hold; a broken device always said why. */
static uint64_t pick_addr(uint64_t r)
{
    static const uint64_t bases[] = { 0, DATA_GPA, MEM_SIZE - 512, MEM_SIZE - 1, MEM_SIZE,
                                      UINT64_MAX - 16, RING_GPA, 0x7FFFFFFF };
    return bases[r % 8] + ((r >> 8) & 0x3FF) - 0x200;
}

static void scribble(void *ctx, uint64_t r)
{
    (void)ctx;
    uint64_t s = r ^ 0x9E3779B97F4A7C15ull;
    switch ((r >> 48) % 16) {
    case 0: {                                   /* a random descriptor */
        uint16_t i = (uint16_t)(hammer_rand(&s) % Q);
        uint64_t a = pick_addr(hammer_rand(&s));
        uint32_t len = (uint32_t)hammer_rand(&s);
        if (len & 1)
            len &= 0x3FFF;
        desc(i, a, len, (uint16_t)(hammer_rand(&s) & 7), (uint16_t)(hammer_rand(&s) % (Q + 4)));
        break;
    }
    case 1:                                     /* a random header */
        header(HDR_GPA, (uint32_t)(hammer_rand(&s) % 10), hammer_rand(&s) % (DISK_SECT + 4));
        break;
    case 2: {                                   /* make a head available, notify */
        uint16_t head = (uint16_t)(hammer_rand(&s) % (Q + 2));
        put16(AVAIL + 4 + 2u * (W->avail_idx % Q), head);
        W->avail_idx = (uint16_t)(W->avail_idx + 1 + (hammer_rand(&s) % 64 == 0 ? 300 : 0));
        put16(AVAIL + 2, W->avail_idx);
        uint64_t unused;
        iobus_write(&W->bus, IOBUS_PIO, W->io + VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
        iobus_read(&W->bus, IOBUS_PIO, W->io + VIRTIO_PCI_ISR, 1, &unused);
        break;
    }
    case 4:
    case 5: {                                   /* a well-formed request */
        uint16_t b = (uint16_t)(hammer_rand(&s) % (Q - 2));
        uint32_t type = (uint32_t[]){ VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH,
                                      VIRTIO_BLK_T_GET_ID }[hammer_rand(&s) % 4];
        uint32_t len = 512u * (1 + (uint32_t)(hammer_rand(&s) % 16));
        header(HDR_GPA, type, hammer_rand(&s) % DISK_SECT);
        desc(b, HDR_GPA, 16, VRING_DESC_F_NEXT, (uint16_t)(b + 1));
        desc((uint16_t)(b + 1), DATA_GPA, len,
             VRING_DESC_F_NEXT | (type == VIRTIO_BLK_T_OUT ? 0 : VRING_DESC_F_WRITE),
             (uint16_t)(b + 2));
        desc((uint16_t)(b + 2), STAT_GPA, 1, VRING_DESC_F_WRITE, 0);
        put16(AVAIL + 4 + 2u * (W->avail_idx % Q), b);
        W->avail_idx++;
        put16(AVAIL + 2, W->avail_idx);
        iobus_write(&W->bus, IOBUS_PIO, W->io + VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
        break;
    }
    case 3:                                     /* back to a sane ring now and then */
        iobus_write(&W->bus, IOBUS_PIO, W->io + VIRTIO_PCI_STATUS, 1, 0);
        iobus_write(&W->bus, IOBUS_PIO, W->io + VIRTIO_PCI_QUEUE_PFN, 4, RING_GPA / 4096);
        W->avail_idx = 0;
        put16(AVAIL + 2, 0);
        break;
    default:
        break;
    }
    assert_true(!W->blk.broken || W->fails > 0);
}

static void test_hammer(void **state)
{
    (void)state;
    build(false);
    driver_init(~0u);
    hammer(&W->bus, 11, 200000, W->io, W->io + VVBLK_BAR_SIZE - 1, scribble, NULL);
    /* Config space too: the BAR moves, decoding goes off and on. */
    hammer(&W->bus, 12, 200000, 0xCF8, 0xCFF, scribble, NULL);
    assert_true(W->blk.notifies > 0);
    assert_true(W->blk.requests > 0 && W->blk.bytes_read > 0 && W->blk.bytes_written > 0);
    print_message("hammer: %lu notifies, %lu requests (%lu failed), %lu B read, %lu B written, "
                  "%u broken rings\n", (unsigned long)W->blk.notifies,
                  (unsigned long)W->blk.requests, (unsigned long)W->blk.errors,
                  (unsigned long)W->blk.bytes_read, (unsigned long)W->blk.bytes_written, W->fails);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_sectors),
        cmocka_unit_test(test_write_flush_read_back),
        cmocka_unit_test(test_scattered_data_and_batches),
        cmocka_unit_test(test_read_only_disk),
        cmocka_unit_test(test_bad_requests_get_ioerr),
        cmocka_unit_test(test_hostile_rings),
        cmocka_unit_test(test_registers),
        cmocka_unit_test(test_hammer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
