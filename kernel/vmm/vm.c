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

int vm_devices_init(struct vm *vm)
{
    iobus_init(&vm->bus);
    /* No interrupt controller yet: the UART's line goes nowhere. */
    vuart_init(&vm->uart, 0x3F8, (struct vdev_irq){ NULL, NULL, 4 }, uart_tx, vm);
    return vuart_attach(&vm->uart, &vm->bus);
}
