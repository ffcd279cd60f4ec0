/* A VM's memory, console and devices (see vm.h).  Life cycle and the list of
 * VMs are in vmm.c; the exit handling in vcpu.c. */
#include <stdarg.h>
#include "vmm/vm.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "dev/timer.h"
#include "dev/kbd_map.h"
#include "vmm/host_rtc.h"
#include "vmm/vbios/vbios_layout.h"
#include "vmm/vm_disks.h"

#define CHUNK_PAGES (VM_CHUNK / PAGE_SIZE)

/* A 2 MiB-aligned 2 MiB block: take 4 MiB and give back what lies around
 * the aligned middle.  Failing that, any 2 MiB run (mapped with 4 KiB pages). */
static bool alloc_chunk(struct vm_mem_chunk *c)
{
    uint64_t pa = pmm_alloc_pages(2 * CHUNK_PAGES);
    if (pa) {
        uint64_t aligned = (pa + VM_CHUNK - 1) & ~(VM_CHUNK - 1);
        uint64_t head = aligned - pa, tail = VM_CHUNK - head;
        if (head)
            pmm_free_pages(pa, head / PAGE_SIZE);
        if (tail)
            pmm_free_pages(aligned + VM_CHUNK, tail / PAGE_SIZE);
        c->hpa = aligned;
        c->huge = true;
        return true;
    }
    pa = pmm_alloc_pages(CHUNK_PAGES);
    if (!pa)
        return false;
    c->hpa = pa;
    c->huge = (pa & (VM_CHUNK - 1)) == 0;
    return true;
}

int vm_mem_alloc(struct vm *vm)
{
    unsigned n = (unsigned)(vm->mem_bytes / VM_CHUNK);
    vm->chunks = kzalloc(n * sizeof(*vm->chunks));
    if (!vm->chunks)
        return -E_NOMEM;
    for (unsigned i = 0; i < n; i++) {
        struct vm_mem_chunk *c = &vm->chunks[i];
        c->gpa = (uint64_t)i * VM_CHUNK;
        if (!alloc_chunk(c)) {
            vm->nchunks = i;
            vm_mem_free(vm);
            return -E_NOMEM;
        }
        /* A guest must never see another guest's (or hv's) old data. */
        memset(phys_to_virt(c->hpa), 0, VM_CHUNK);
    }
    vm->nchunks = n;
    return 0;
}

void vm_mem_free(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nchunks; i++)
        pmm_free_pages(vm->chunks[i].hpa, CHUNK_PAGES);
    kfree(vm->chunks);
    vm->chunks = NULL;
    vm->nchunks = 0;
}

void *vm_gpa_ptr(struct vm *vm, uint64_t gpa, size_t len)
{
    if (gpa >= vm->mem_bytes || len > vm->mem_bytes - gpa || !vm->chunks)
        return NULL;
    uint64_t i = gpa / VM_CHUNK, off = gpa % VM_CHUNK;
    if (off + len > VM_CHUNK)
        return NULL;
    return (uint8_t *)phys_to_virt(vm->chunks[i].hpa) + off;
}

static int copy_guest(struct vm *vm, uint64_t gpa, void *host, size_t len, bool to_guest)
{
    if (gpa >= vm->mem_bytes || len > vm->mem_bytes - gpa)
        return -E_RANGE;
    uint8_t *h = host;
    while (len) {
        size_t piece = VM_CHUNK - gpa % VM_CHUNK;
        if (piece > len)
            piece = len;
        uint8_t *g = vm_gpa_ptr(vm, gpa, piece);
        if (!g)
            return -E_RANGE;
        if (to_guest)
            memcpy(g, h, piece);
        else
            memcpy(h, g, piece);
        gpa += piece;
        h += piece;
        len -= piece;
    }
    return 0;
}

int vm_read_guest(struct vm *vm, uint64_t gpa, void *dst, size_t len)
{
    return copy_guest(vm, gpa, dst, len, false);
}

int vm_write_guest(struct vm *vm, uint64_t gpa, const void *src, size_t len)
{
    return copy_guest(vm, gpa, (void *)src, len, true);
}

/* Called with the console lock held. */
static void emit_line(struct vm *vm)
{
    struct vm_console *c = &vm->console;
    c->line[c->line_len] = 0;
    kprintf("[vm:%s] %s\n", vm->name, c->line);
    c->line_len = 0;
}

void vm_console_put(struct vm *vm, const char *bytes, size_t n)
{
    struct vm_console *c = &vm->console;
    uint64_t f = spin_lock_irqsave(&c->lock);
    for (size_t i = 0; i < n; i++) {
        char ch = bytes[i];
        c->ring[c->written++ % VM_CONSOLE_RING] = ch;
        if (ch == '\n') {
            emit_line(vm);
        } else if (ch == '\r') {
            continue;
        } else {
            /* A guest's control bytes must not drive hv's terminal. */
            c->line[c->line_len++] = (ch >= 0x20 && ch < 0x7F) || ch == '\t' ? ch : '.';
            if (c->line_len == VM_CONSOLE_LINE - 1)
                emit_line(vm);
        }
    }
    spin_unlock_irqrestore(&c->lock, f);
}

void vm_console_flush(struct vm *vm)
{
    uint64_t f = spin_lock_irqsave(&vm->console.lock);
    if (vm->console.line_len)
        emit_line(vm);
    spin_unlock_irqrestore(&vm->console.lock, f);
}

size_t vm_console_read(struct vm *vm, char *buf, size_t n)
{
    struct vm_console *c = &vm->console;
    if (n == 0)
        return 0;
    uint64_t f = spin_lock_irqsave(&c->lock);
    uint64_t avail = c->written < VM_CONSOLE_RING ? c->written : VM_CONSOLE_RING;
    if (avail > n - 1)
        avail = n - 1;
    uint64_t start = c->written - avail;
    for (uint64_t i = 0; i < avail; i++)
        buf[i] = c->ring[(start + i) % VM_CONSOLE_RING];
    spin_unlock_irqrestore(&c->lock, f);
    buf[avail] = 0;
    return (size_t)avail;
}

size_t vm_console_copy_since(struct vm *vm, uint64_t from, char *buf, size_t n, uint64_t *next,
                             uint64_t *first)
{
    struct vm_console *c = &vm->console;
    uint64_t f = spin_lock_irqsave(&c->lock);
    uint64_t oldest = c->written > VM_CONSOLE_RING ? c->written - VM_CONSOLE_RING : 0;
    if (from < oldest)
        from = oldest;                   /* overwritten: the caller sees the gap via *first */
    if (from > c->written)
        from = c->written;
    uint64_t avail = c->written - from;
    if (avail > n)
        avail = n;
    for (uint64_t i = 0; i < avail; i++)
        buf[i] = c->ring[(from + i) % VM_CONSOLE_RING];
    *next = from + avail;
    *first = oldest;
    spin_unlock_irqrestore(&c->lock, f);
    return (size_t)avail;
}

size_t vm_console_queue_input(struct vm *vm, const char *bytes, size_t n)
{
    struct vm_console *c = &vm->console;
    uint64_t f = spin_lock_irqsave(&c->lock);
    size_t done = 0;
    while (done < n && c->in_tail - c->in_head < VM_INPUT_QUEUE) {
        c->in[c->in_tail % VM_INPUT_QUEUE] = bytes[done++];
        c->in_tail++;
    }
    spin_unlock_irqrestore(&c->lock, f);
    return done;
}

size_t vm_console_queue_keys(struct vm *vm, const char *bytes, size_t n)
{
    struct vm_console *c = &vm->console;
    uint64_t f = spin_lock_irqsave(&c->lock);
    size_t done = 0;
    while (done < n && c->keys_tail - c->keys_head < VM_INPUT_QUEUE) {
        c->keys[c->keys_tail % VM_INPUT_QUEUE] = bytes[done++];
        c->keys_tail++;
    }
    spin_unlock_irqrestore(&c->lock, f);
    return done;
}

/* Queued keys as make/break codes, a whole key at a time while the
 * controller has room; a byte no key types is dropped. */
static void feed_keys(struct vm *vm)
{
    struct vm_console *c = &vm->console;
    while (c->keys_head != c->keys_tail) {
        uint8_t sc[4];
        int n = kbd_type(c->keys[c->keys_head % VM_INPUT_QUEUE], sc);
        if (n && VKBC_QUEUE - vm->kbc.count < (unsigned)n)
            return;                      /* the guest reads them first */
        if (n)
            vkbc_push_scancodes(&vm->kbc, sc, (size_t)n);
        c->keys_head++;
    }
}

/* On the vCPU's CPU, before an entry: the device models are the vCPU's
 * alone, so other CPUs' requests reach them only here. */
void vm_take_async(struct vm *vm)
{
    /* Every exit passes here: a plain read first, the locked exchange only
     * when the button was pressed. */
    if (vm->power_button && __atomic_exchange_n(&vm->power_button, false, __ATOMIC_ACQ_REL))
        vpm_press_power_button(&vm->pm);
    struct vm_console *c = &vm->console;
    if (c->keys_head != c->keys_tail) {
        uint64_t f = spin_lock_irqsave(&c->lock);
        feed_keys(vm);
        spin_unlock_irqrestore(&c->lock, f);
    }
    if (c->in_head == c->in_tail)
        return;
    uint64_t f = spin_lock_irqsave(&c->lock);
    while (c->in_head != c->in_tail) {
        char ch = c->in[c->in_head % VM_INPUT_QUEUE];
        if (vuart_input(&vm->uart, &ch, 1) != 1)
            break;                       /* the UART's own buffer is full: later */
        c->in_head++;
    }
    spin_unlock_irqrestore(&c->lock, f);
}

void vm_set_stop_reason(struct vm *vm, const char *fmt, ...)
{
    if (vm->stop_reason[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
    va_end(ap);
}

static void uart_tx(void *ctx, uint8_t byte)
{
    char ch = (char)byte;
    vm_console_put(ctx, &ch, 1);
}

static uint64_t clock_mono(void *ctx)
{
    (void)ctx;
    return timer_now_ns();
}

static uint64_t clock_wall(void *ctx)
{
    (void)ctx;
    return host_wallclock_ns();
}

/* The guest pulsed the reset line (i8042 command 0xFE or the output port):
 * after this I/O exit the VM restarts, as a PC does. */
static void kbc_reset(void *ctx)
{
    struct vm *vm = ctx;
    vm->reset_request = true;
}

/* The guest wrote SLP_TYP=S5 with SLP_EN: it is done. */
static void pm_power_off(void *ctx)
{
    struct vm *vm = ctx;
    vm_set_stop_reason(vm, "guest powered off (ACPI S5)");
    vm->vcpu.stop_request = true;
}

/* Legacy ports a PC guest touches that hv gives no model: writes vanish,
 * reads float high (so probes find no COM2-4 or LPT1) -- except port 0x92,
 * whose bit 1 says A20 is on. */
static uint64_t ignore_read(void *dev, uint64_t addr, unsigned size)
{
    (void)dev;
    (void)size;
    return addr == 0x92 ? 0x02 : 0xFF;
}

static void ignore_write(void *dev, uint64_t addr, unsigned size, uint64_t value)
{
    (void)dev;
    (void)addr;
    (void)size;
    (void)value;
}

static const struct iobus_ops ignore_ops = { ignore_read, ignore_write };

static const struct { uint16_t base, len; const char *name; } ignored[] = {
    { 0x00, 0x10, "dma1" },         /* 8237 DMA controller 1 */
    { 0x80, 0x10, "post+dma-page" },/* POST code (0x80) and DMA page registers */
    { 0x92, 0x01, "port92" },       /* system control port A (fast A20, reset: ignored) */
    { 0xC0, 0x20, "dma2" },         /* 8237 DMA controller 2 */
    { 0xED, 0x01, "io-delay" },     /* the other I/O delay port */
    { 0xF0, 0x02, "fpu-error" },    /* x87 error latch */
    { 0x2E8, 0x08, "com4" },
    { 0x2F8, 0x08, "com2" },
    { 0x378, 0x08, "lpt1" },
    { 0x3E8, 0x08, "com3" },
    { 0x170, 0x08, "ata2" },        /* legacy IDE channels: no drives, status floats to 0xFF */
    { 0x1F0, 0x08, "ata1" },
    { 0x376, 0x01, "ata2-ctl" },
    { 0x3F6, 0x01, "ata1-ctl" },
};

/* MMIO pages of chipset devices hv does not model: reads float to all
 * ones, writes vanish, so a guest probing them finds nothing instead of
 * being stopped for touching memory it lacks. */
static uint64_t absent_read(void *dev, uint64_t addr, unsigned size)
{
    (void)dev;
    (void)addr;
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static const struct iobus_ops absent_ops = { absent_read, ignore_write };

static const struct { uint64_t base, len; const char *name; } absent_mmio[] = {
    { 0xFEC00000, 0x1000, "ioapic (absent)" },   /* the usual I/O APIC address */
};

int vm_devices_init(struct vm *vm)
{
    struct iobus *bus = &vm->bus;
    iobus_init(bus);
    /* Extended CMOS (0x40-0x7F) is battery-backed: it survives a reset, as
     * on a PC, so a guest can tell a warm start from a cold one. */
    uint8_t nvram[VCMOS_SIZE - 0x40];
    bool keep = vm->warm_start;
    if (keep)
        memcpy(nvram, vm->cmos.ram + 0x40, sizeof(nvram));
    struct vdev_clock mono = { clock_mono, NULL }, wall = { clock_wall, NULL };
    struct vkbc_hooks kbc_hooks = { .reset = kbc_reset, .ctx = vm };
    uint64_t below_4g = vm->mem_bytes < (4ull << 30) ? vm->mem_bytes : 4ull << 30;

    /* No notify callback: the vCPU polls the PIC before every entry, and
     * a halted vCPU is woken by the scheduler at its device deadline. */
    vpic_init(&vm->pic, NULL, NULL);
    vpit_init(&vm->pit, mono, (struct vdev_irq){ vpic_irq_cb, &vm->pic, 0 });
    vcmos_init(&vm->cmos, wall, (struct vdev_irq){ vpic_irq_cb, &vm->pic, 8 }, below_4g,
               vm->mem_bytes - below_4g);
    vkbc_init(&vm->kbc, (struct vdev_irq){ vpic_irq_cb, &vm->pic, 1 },
              (struct vdev_irq){ vpic_irq_cb, &vm->pic, 12 }, &kbc_hooks);
    vuart_init(&vm->uart, 0x3F8, (struct vdev_irq){ vpic_irq_cb, &vm->pic, 4 }, uart_tx, vm);
    testdev_init(&vm->testdev);
    vlapic_init(&vm->lapic, vm->vcpu.id, mono);
    vpm_init(&vm->pm, VBIOS_PM_PORT, mono, (struct vdev_irq){ vpic_irq_cb, &vm->pic, 9 },
             pm_power_off, vm);
    if (keep)
        memcpy(vm->cmos.ram + 0x40, nvram, sizeof(nvram));
    vpci_init(&vm->pci, (struct vdev_irq){ vpic_irq_cb, &vm->pic, 0 });

    int rc = 0;
    if ((rc = vpic_attach(&vm->pic, bus)) < 0 || (rc = vpit_attach(&vm->pit, bus)) < 0 ||
        (rc = vcmos_attach(&vm->cmos, bus)) < 0 || (rc = vkbc_attach(&vm->kbc, bus)) < 0 ||
        (rc = vuart_attach(&vm->uart, bus)) < 0 || (rc = testdev_attach(&vm->testdev, bus)) < 0 ||
        (rc = vlapic_attach(&vm->lapic, bus)) < 0 || (rc = vpm_attach(&vm->pm, bus)) < 0 ||
        (rc = vpci_attach(&vm->pci, bus)) < 0)
        return rc;
    for (unsigned i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
        rc = iobus_register(bus, IOBUS_PIO, ignored[i].base, ignored[i].len, &ignore_ops, NULL, 1,
                            ignored[i].name);
        if (rc < 0)
            return rc;
    }
    for (unsigned i = 0; i < sizeof(absent_mmio) / sizeof(absent_mmio[0]); i++) {
        rc = iobus_register(bus, IOBUS_MMIO, absent_mmio[i].base, absent_mmio[i].len, &absent_ops,
                            NULL, 0, absent_mmio[i].name);
        if (rc < 0)
            return rc;
    }
    return vm_attach_disks(vm);
}
