/* The virtual BIOS in a running VM (vbios_vm.h): guest memory, console,
 * clock and keys for the pure services (vbios.h), the trap port, the ACPI
 * PM port, and the disks.  See docs/vbios.md. */
#include "vmm/vbios/vbios_vm.h"
#include "vmm/vbios/vbios.h"
#include "vmm/vbios/vbios_layout.h"
#include "fs/datastore.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "vmm/host_rtc.h"
#include "vmm/vm.h"
#include "vmm/vmm.h"

extern const uint8_t vbios_stub[], vbios_stub_end[];
extern const uint8_t vbios_stub_iret[], vbios_stub_irq_master[], vbios_stub_irq_slave[],
    vbios_stub_irq0[], vbios_stub_int11[], vbios_stub_int12[], vbios_stub_trap10[],
    vbios_stub_trap13[], vbios_stub_trap15[], vbios_stub_trap16[], vbios_stub_trap1a[];
extern const uint8_t guest_bioscall[], guest_bioscall_end[];

#define BIOSCALL_MIB     16          /* room for the 3 MiB framebuffer */
#define BIOSCALL_SECTORS 64          /* the test disk: 32 KiB */
#define FIRST_OS_MIB     256
#define FIRST_OS_FILE    "GUEST0.VHD"

/* One VM that boots through the BIOS. */
struct bvm {
    const char *name;
    struct vm *vm;                   /* while it runs */
    struct vbios bios;
    struct vdisk disk;
    struct vdisk_ram ram;
    int (*load_disk)(struct bvm *b); /* fills disk/ram at every start */
    uint64_t tty_bytes;              /* what the teletype put in the console */
};

static uint8_t test_disk[BIOSCALL_SECTORS * VDISK_SECTOR];

/* The test disk: sector n starts with "HVDISK", then n as a dword, then
 * bytes n+i; fresh at every start, so a write test sees the pattern. */
static int load_test_disk(struct bvm *b)
{
    for (unsigned n = 0; n < BIOSCALL_SECTORS; n++) {
        uint8_t *s = test_disk + n * VDISK_SECTOR;
        for (unsigned i = 0; i < VDISK_SECTOR; i++)
            s[i] = (uint8_t)(n + i);
        memcpy(s, "HVDISK", 6);
        memcpy(s + 6, &n, 4);
    }
    vdisk_ram_init(&b->disk, &b->ram, test_disk, sizeof(test_disk));
    return 0;
}

/* GUEST0.VHD read whole into host memory at the first start and kept for
 * the next ones: the datastore API reads whole files only, so the guest's
 * writes stay in that copy and are lost when hv restarts. */
static uint8_t *guest0;
static uint64_t guest0_disk_bytes;

static int load_guest0(struct bvm *b)
{
    if (!guest0) {
        struct fat_stat st;
        int rc = datastore_stat(FIRST_OS_FILE, &st);
        if (rc < 0) {
            kprintf("vm %s: cannot use %s: %s\n", b->name, FIRST_OS_FILE, datastore_strerror(rc));
            return -E_NOENT;
        }
        uint64_t size = st.size;
        uint64_t pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
        uint64_t pa = size >= VHD_FOOTER ? pmm_alloc_pages(pages) : 0;
        if (!pa) {
            kprintf("vm %s: %s: %s\n", b->name, FIRST_OS_FILE,
                    size < VHD_FOOTER ? "too small for a VHD" : "not enough memory to hold it");
            return size < VHD_FOOTER ? -E_INVAL : -E_NOMEM;
        }
        uint8_t *buf = phys_to_virt(pa);
        size_t got = 0;
        const char *why;
        rc = datastore_read_file(FIRST_OS_FILE, buf, size, &got);
        if (rc < 0 || got != size) {
            kprintf("vm %s: reading %s failed: %s\n", b->name, FIRST_OS_FILE,
                    rc < 0 ? datastore_strerror(rc) : "short read");
            pmm_free_pages(pa, pages);
            return -E_IO;
        }
        if (vhd_footer_check(buf + size - VHD_FOOTER, size, &guest0_disk_bytes, &why) < 0) {
            kprintf("vm %s: %s is not a fixed VHD: %s\n", b->name, FIRST_OS_FILE, why);
            pmm_free_pages(pa, pages);
            return -E_INVAL;
        }
        guest0 = buf;
    }
    vdisk_ram_init(&b->disk, &b->ram, guest0, guest0_disk_bytes);
    return 0;
}

static struct bvm bvms[] = {
    { .name = "bioscall", .load_disk = load_test_disk },
    { .name = "first-os", .load_disk = load_guest0 },
};

static int mem_read(void *ctx, uint64_t gpa, void *dst, size_t len)
{
    return vm_read_guest(ctx, gpa, dst, len);
}

static int mem_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    return vm_write_guest(ctx, gpa, src, len);
}

static uint64_t wall_ns(void *ctx)
{
    (void)ctx;
    return host_wallclock_ns();
}

/* Teletype output goes to the VM's console -- unless the guest writes
 * COM1 itself (anything in the console the teletype did not put there):
 * such a guest (hv's own boot chain) mirrors every line on both, and the
 * console would show each character twice. */
static void tty_putc(void *ctx, char c)
{
    struct bvm *b = ctx;
    if (b->vm->console.written != b->tty_bytes)
        return;
    vm_console_put(b->vm, &c, 1);
    b->tty_bytes++;
}

/* Keys are what the VM's COM1 received (console input), read through its
 * UART as the guest would -- unless the guest has the divisor latch open. */
static int uart_key(void *ctx)
{
    struct vm *vm = ((struct bvm *)ctx)->vm;
    uint64_t lcr = 0, lsr = 0, v = 0;
    iobus_read(&vm->bus, IOBUS_PIO, 0x3FB, 1, &lcr);
    if (lcr & 0x80)
        return -1;
    iobus_read(&vm->bus, IOBUS_PIO, 0x3FD, 1, &lsr);
    if (!(lsr & 1))
        return -1;
    iobus_read(&vm->bus, IOBUS_PIO, 0x3F8, 1, &v);
    return (int)(v & 0xFF);
}

static uint64_t lo32(uint64_t v)
{
    return v & 0xFFFFFFFFull;
}

/* The stub's OUT: the vCPU's registers and the mailbox in, the service,
 * the registers and the stacked FLAGS out.  Guest memory the guest broke
 * (a mailbox or stack outside RAM) makes the call a no-op, never worse. */
static void trap_write(void *dev, uint64_t addr, unsigned size, uint64_t value)
{
    (void)addr;
    (void)size;
    (void)value;
    struct bvm *b = dev;
    struct vcpu_regs *v = &b->vm->vcpu.regs;
    uint16_t mb[5];
    if (vm_read_guest(b->vm, VBIOS_BASE + VBIOS_MB_VEC, mb, sizeof(mb)) < 0)
        return;
    struct vbios_regs r = {
        .eax = (uint32_t)v->gpr[VCPU_RAX], .ebx = (uint32_t)v->gpr[VCPU_RBX],
        .ecx = (uint32_t)v->gpr[VCPU_RCX],
        .edx = ((uint32_t)v->gpr[VCPU_RDX] & 0xFFFF0000u) | mb[1],
        .esi = (uint32_t)v->gpr[VCPU_RSI], .edi = (uint32_t)v->gpr[VCPU_RDI],
        .ebp = (uint32_t)v->gpr[VCPU_RBP],
        .ds = mb[2], .es = mb[3], .ss = mb[4], .sp = (uint16_t)v->gpr[VCPU_RSP],
    };
    uint64_t flags_gpa = vbios_lin(r.ss, (uint16_t)(r.sp + 4));
    if (vm_read_guest(b->vm, flags_gpa, &r.flags, 2) < 0)
        return;
    vbios_call(&b->bios, (uint8_t)mb[0], &r);
    v->gpr[VCPU_RAX] = lo32(r.eax);
    v->gpr[VCPU_RBX] = lo32(r.ebx);
    v->gpr[VCPU_RCX] = lo32(r.ecx);
    v->gpr[VCPU_RDX] = lo32(r.edx);
    v->gpr[VCPU_RSI] = lo32(r.esi);
    v->gpr[VCPU_RDI] = lo32(r.edi);
    v->gpr[VCPU_RBP] = lo32(r.ebp);
    vm_write_guest(b->vm, flags_gpa, &r.flags, 2);
}

static uint64_t trap_read(void *dev, uint64_t addr, unsigned size)
{
    (void)dev;
    (void)addr;
    (void)size;
    return 0xFFFFFFFFu;
}

static const struct iobus_ops trap_ops = { trap_read, trap_write };

/* What a BIOS leaves in the PIC and PIT: vectors 08h and 70h, IRQ0 (and
 * the cascade) unmasked, channel 0 in mode 3 at 18.2 Hz. */
static void pc_init(struct vm *vm)
{
    static const struct { uint16_t port; uint8_t val; } seq[] = {
        { 0x20, 0x11 }, { 0x21, 0x08 }, { 0x21, 0x04 }, { 0x21, 0x01 },
        { 0xA0, 0x11 }, { 0xA1, 0x70 }, { 0xA1, 0x02 }, { 0xA1, 0x01 },
        { 0x21, 0xFA }, { 0xA1, 0xFF },
        { 0x43, 0x36 }, { 0x40, 0x00 }, { 0x40, 0x00 },
    };
    for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
        iobus_write(&vm->bus, IOBUS_PIO, seq[i].port, 1, seq[i].val);
}

static struct bvm *find_bvm(const char *name)
{
    for (unsigned i = 0; i < sizeof(bvms) / sizeof(bvms[0]); i++)
        if (strcmp(bvms[i].name, name) == 0)
            return &bvms[i];
    return NULL;
}

#define OFF(sym) ((uint16_t)((sym) - vbios_stub))

int vbios_attach(struct vm *vm)
{
    struct bvm *b = find_bvm(vm->name);
    if (!b)
        return 0;
    int rc = b->load_disk(b);
    if (rc < 0)
        return rc;
    b->vm = vm;
    b->tty_bytes = vm->console.written;
    struct vbios_cfg cfg = {
        .mem = { vm, mem_read, mem_write }, .mem_bytes = vm->mem_bytes, .disk = &b->disk,
        .ctx = b, .wall_ns = wall_ns, .putc = tty_putc, .getkey = uart_key,
    };
    const struct vbios_stub stub = {
        .code = vbios_stub, .len = (size_t)(vbios_stub_end - vbios_stub),
        .iret = OFF(vbios_stub_iret), .irq_master = OFF(vbios_stub_irq_master),
        .irq_slave = OFF(vbios_stub_irq_slave), .irq0 = OFF(vbios_stub_irq0),
        .int11 = OFF(vbios_stub_int11), .int12 = OFF(vbios_stub_int12),
        .trap10 = OFF(vbios_stub_trap10), .trap13 = OFF(vbios_stub_trap13),
        .trap15 = OFF(vbios_stub_trap15), .trap16 = OFF(vbios_stub_trap16),
        .trap1a = OFF(vbios_stub_trap1a),
    };
    vbios_init(&b->bios, &cfg);
    if ((rc = vbios_install(&b->bios, &stub)) < 0 ||
        (rc = iobus_register(&vm->bus, IOBUS_PIO, VBIOS_PORT, 1, &trap_ops, b, 0, "vbios")) < 0) {
        kprintf("vm %s: virtual BIOS: cannot install it (%d)\n", vm->name, rc);
        return rc;
    }
    pc_init(vm);
    /* A guest image (the test guest) is already at 0x7C00; a VM without one
     * boots its disk's MBR, as a BIOS would. */
    if (!vm->image_len) {
        uint8_t mbr[VDISK_SECTOR];
        if (b->disk.sector_count == 0 || b->disk.read(b->disk.ctx, 0, 1, mbr) < 0 ||
            mbr[510] != 0x55 || mbr[511] != 0xAA) {
            kprintf("vm %s: virtual BIOS: the disk has no boot sector (no 55 AA)\n", vm->name);
            return -E_INVAL;
        }
        if ((rc = vm_write_guest(vm, 0x7C00, mbr, sizeof(mbr))) < 0)
            return rc;
    }
    vm->vcpu.regs.gpr[VCPU_RDX] = 0x80;               /* the boot drive */
    return 0;
}

void vbios_define_vms(void)
{
    size_t len = (size_t)(guest_bioscall_end - guest_bioscall);
    int rc = vm_create("bioscall", BIOSCALL_MIB, guest_bioscall, len);
    if (len == 0)
        kprintf("hv: vmm: warning: built-in VM bioscall has no guest (tests/guests/build.mk)\n");
    if (rc < 0)
        kprintf("hv: vmm: warning: VM bioscall not defined: %s\n", vmm_strerror(rc));
    rc = vm_create("first-os", FIRST_OS_MIB, NULL, 0);
    if (rc < 0)
        kprintf("hv: vmm: warning: VM first-os not defined: %s\n", vmm_strerror(rc));
}
