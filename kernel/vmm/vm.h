/* A virtual machine: its name and state, guest RAM taken from the pmm (2 MiB
 * chunks, so the nested tables can use 2 MiB pages), its I/O bus with the
 * devices on it, a console ring for what the guest prints, and its vCPU
 * (one for now).  Memory exists only while the VM runs: vm_mem_alloc at
 * start, vm_mem_free at stop, so a stopped VM costs a few KiB of heap.
 * The name-based API the shell uses is vmm/vmm.h.  Owner: vmm.
 */
#ifndef HV_VMM_VM_H
#define HV_VMM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/x86_64/spinlock.h"
#include "vmm/dev/acpi_pm.h"
#include "vmm/dev/cmos.h"
#include "vmm/dev/i8042.h"
#include "vmm/dev/lapic.h"
#include "vmm/dev/pic.h"
#include "vmm/dev/pit.h"
#include "vmm/dev/uart16550.h"
#include "vmm/dev/vpci.h"
#include "vmm/testdev.h"
#include "vmm/iobus.h"
#include "vmm/vcpu.h"
#include "vmm/vmdef.h"

struct vm_disks;

#define VM_NAME_MAX     32
#define VM_REASON_MAX   96
#define VM_CONSOLE_RING 4096
#define VM_CONSOLE_LINE 160
#define VM_CHUNK        (2ull << 20)      /* guest RAM comes in 2 MiB pieces */

/* PAUSED: in memory, no CPU time.  RUNNING/PAUSED/STOPPING belong to the
 * vCPU's side (vm_start took the VM); only STOPPED VMs are changed or
 * deleted. */
enum vm_state { VM_STOPPED, VM_RUNNING, VM_STOPPING, VM_PAUSED };

#define VM_INPUT_QUEUE 256

/* One 2 MiB piece of guest RAM.  huge: hpa is 2 MiB aligned, so one 2 MiB
 * nested page maps it; otherwise it is mapped with 4 KiB pages. */
struct vm_mem_chunk {
    uint64_t gpa, hpa;
    bool huge;
};

/* What the guest printed: the last VM_CONSOLE_RING bytes, and the line being
 * assembled for hv's console. */
struct vm_console {
    spinlock_t lock;
    char ring[VM_CONSOLE_RING];
    uint64_t written;                     /* total bytes ever; ring index = written % size */
    char line[VM_CONSOLE_LINE];
    unsigned line_len;
    /* Typed input on its way to the guest's UART: filled by any CPU
     * (vm_console_write), drained by the vCPU before it enters the guest. */
    char in[VM_INPUT_QUEUE];
    volatile unsigned in_head, in_tail;
    /* Text to type on the VM's keyboard (the i8042), the same way. */
    char keys[VM_INPUT_QUEUE];
    volatile unsigned keys_head, keys_tail;
};

struct vm {
    char name[VM_NAME_MAX];
    volatile enum vm_state state;
    struct vmdef def;                     /* what it is (VMS/<name>.vm when persistent) */
    bool persistent;                      /* defined by a file on the datastore */
    volatile bool pause_request;          /* vm_pause: the vCPU gets no CPU time */
    volatile bool reset_request;          /* vm_reset or the guest's reset line: restart */
    unsigned resets;
    bool warm_start;                      /* this start is a reset: extended CMOS kept */
    void *bios;                           /* the virtual BIOS's per-VM state, or NULL */
    volatile bool power_button;           /* pressed (vm_shutdown); the vCPU takes it */
    uint64_t shutdown_deadline_ns;        /* soft stop pending: hard stop after this; 0 none */
    uint64_t mem_bytes;                   /* guest RAM at gpa 0, a multiple of VM_CHUNK */
    const uint8_t *image;                 /* loaded at load_gpa on every start */
    size_t image_len;
    uint64_t load_gpa, entry_rip;         /* 0x7C00, 0x7C00: like a BIOS boot sector */

    struct vm_mem_chunk *chunks;          /* mem_bytes / VM_CHUNK of them while running */
    unsigned nchunks;

    struct iobus bus;                     /* the PC devices below, attached at every start */
    struct vpic pic;
    struct vpit pit;
    struct vcmos cmos;
    struct vkbc kbc;
    struct vuart uart;
    struct vpm pm;                        /* ACPI PM1a block and timer (the FADT's) */
    struct testdev testdev;               /* MMIO at TESTDEV_GPA */
    struct vlapic lapic;                  /* the vCPU's local APIC (one vCPU per VM) */
    /* PCI and the definition's disks as virtio-blk (vm_disks.h): built at
     * every start, the disk files closed at teardown. */
    struct vpci pci;                      /* config ports 0xCF8-0xCFF, host bridge */
    struct vm_disks *disks;               /* NULL while stopped or without disks */
    struct vm_console console;
    struct vcpu vcpu;
    void *arch;                           /* the backend's per-VM state (nested tables) */

    char stop_reason[VM_REASON_MAX];
    unsigned starts;
    struct vm *next;                      /* vmm.c's list */
};

/* Guest RAM: 0 or -E_NOMEM (nothing kept).  vm_mem_free returns it all. */
int vm_mem_alloc(struct vm *vm);
void vm_mem_free(struct vm *vm);

/* A host pointer to [gpa, gpa+len) when it lies in guest RAM, within one
 * chunk; NULL otherwise. */
void *vm_gpa_ptr(struct vm *vm, uint64_t gpa, size_t len);
/* Copies across chunks; -E_RANGE when any byte is outside guest RAM. */
int vm_read_guest(struct vm *vm, uint64_t gpa, void *dst, size_t len);
int vm_write_guest(struct vm *vm, uint64_t gpa, const void *src, size_t len);

/* Guest output: into the ring and, line by line, to hv's console as
 * "[vm:<name>] text".  vm_console_flush prints a partial last line. */
void vm_console_put(struct vm *vm, const char *bytes, size_t n);
void vm_console_flush(struct vm *vm);
/* Copies up to n-1 bytes of the ring, oldest first, NUL-terminated. */
size_t vm_console_read(struct vm *vm, char *buf, size_t n);

/* Typed input: queues what fits (returns that count).  vm_take_async, on
 * the vCPU's CPU before each entry, moves what other CPUs asked for into
 * the devices: queued input into the UART, queued keys into the i8042 as
 * scan codes, a power-button press into the ACPI PM block. */
size_t vm_console_queue_input(struct vm *vm, const char *bytes, size_t n);
size_t vm_console_queue_keys(struct vm *vm, const char *bytes, size_t n);
void vm_take_async(struct vm *vm);
/* Output from absolute offset `from` (see vmm.h vm_console_since). */
size_t vm_console_copy_since(struct vm *vm, uint64_t from, char *buf, size_t n, uint64_t *next,
                             uint64_t *first);

/* Records why the VM is stopping (the first reason wins). */
void vm_set_stop_reason(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Builds the VM's devices on a fresh bus (called at every start): PIC,
 * PIT, CMOS/RTC, i8042, COM1, the ignored legacy ports and the MMIO test
 * device (docs/vmm.md). */
int vm_devices_init(struct vm *vm);

#endif
