/* The virtual BIOS in a running VM (vbios_vm.h): guest memory, console,
 * clock and keys for the pure services (vbios.h), the trap port, the ACPI
 * PM port, and the disks.  See docs/vbios.md. */
#include "vmm/vbios/vbios_vm.h"
#include "vmm/vbios/vbios.h"
#include "vmm/vbios/vbios_layout.h"
#include "vmm/vbios/vacpi.h"
#include "fs/datastore.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "arch/x86_64/spinlock.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "vmm/host_rtc.h"
#include "vmm/vm.h"
#include "vmm/vm_disks.h"
#include "vmm/vmm.h"

extern const uint8_t vbios_stub[], vbios_stub_end[];
extern const uint8_t vbios_stub_iret[], vbios_stub_irq_master[], vbios_stub_irq_slave[],
    vbios_stub_irq0[], vbios_stub_int11[], vbios_stub_int12[], vbios_stub_trap10[],
    vbios_stub_trap13[], vbios_stub_trap15[], vbios_stub_trap16[], vbios_stub_trap1a[];
#define BIOSCALL_SECTORS 64          /* the test disk: 32 KiB */

/* The virtual BIOS of one running VM (vm->bios). */
struct bvm {
    struct vm *vm;
    struct vbios bios;
    struct vdisk disk;
    struct vdisk_ram ram;            /* bioscall's test disk */
    uint64_t tty_bytes;              /* what the teletype put in the console */
};

/* The test disk of "bioscall": sector n starts with "HVDISK", then n as a
 * dword, then bytes n+i; fresh at every start, so a write test sees the
 * pattern.  One buffer: that VM exists once. */
static uint8_t test_disk[BIOSCALL_SECTORS * VDISK_SECTOR];

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

/* Disk 0 as vm_disks opened it (vm_disks.h, before us in vm_start): INT 13h
 * and the guest's virtio-blk use one back end, and the file is opened
 * once (a writable disk is one VM's alone). */
static int load_file_disk(struct bvm *b)
{
    struct vdisk *d = vm_disk_vdisk(b->vm, 0);
    if (!d) {
        kprintf("vm %s: virtual BIOS: no disk 0\n", b->vm->name);
        return -E_INVAL;
    }
    b->disk = *d;
    return 0;
}

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

#define OFF(sym) ((uint16_t)((sym) - vbios_stub))

/* VMs that boot their disk, and the bioscall test guest, get a BIOS. */
static bool wants_bios(const struct vm *vm)
{
    return vm->def.boot == VMDEF_BOOT_DISK || strcmp(vm->def.guest, "bioscall") == 0;
}

int vbios_attach(struct vm *vm)
{
    if (!wants_bios(vm))
        return 0;
    struct bvm *b = kzalloc(sizeof(*b));
    if (!b)
        return -E_NOMEM;
    b->vm = vm;
    vm->bios = b;
    int rc = vm->def.boot == VMDEF_BOOT_GUEST ? load_test_disk(b)
           : load_file_disk(b);
    if (rc < 0)
        return rc;
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
    /* ACPI tables in the BIOS area, where an OS searches for the RSDP. */
    static uint8_t acpi[VACPI_SIZE];
    static spinlock_t acpi_lock = SPINLOCK_INIT;
    uint64_t f = spin_lock_irqsave(&acpi_lock);
    vacpi_build(acpi, VBIOS_ACPI_BASE, VBIOS_PM_PORT);
    rc = vm_write_guest(vm, VBIOS_ACPI_BASE, acpi, VACPI_SIZE);
    spin_unlock_irqrestore(&acpi_lock, f);
    if (rc < 0)
        return rc;
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

void vbios_detach(struct vm *vm)
{
    kfree(vm->bios);                     /* disk 0 is vm_disks' to close */
    vm->bios = NULL;
}

void vbios_power_button(struct vm *vm)
{
    __atomic_store_n(&vm->power_button, true, __ATOMIC_RELEASE);
}
